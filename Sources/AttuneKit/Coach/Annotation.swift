/// The coach's reading of one reply: verdict, moves with evidence, style signals, antidote.
public struct Annotation: Sendable, Equatable, Codable {
  /// The text that was read (invalid UTF-8 already replaced).
  public var text: String
  public var verdict: Verdict
  /// Every move found, in the order their evidence appears in the text.
  public var moves: [MoveMatch]
  /// `horseman:criticism`, `anxious`, `avoidant`, `disorganized`, ...
  public var signals: [String]
  /// For the first insecure move: why it hurts and a better way to say it.
  public var antidote: Antidote?

  public init(text: String, verdict: Verdict, moves: [MoveMatch], signals: [String], antidote: Antidote?) {
    self.text = text
    self.verdict = verdict
    self.moves = moves
    self.signals = signals
    self.antidote = antidote
  }

  /// The distinct moves found, in taxonomy order.
  public var moveSet: Set<Move> { Set(moves.map(\.move)) }

  public var secureMoves: [Move] { moves.map(\.move).filter(\.isSecure) }
  public var insecureMoves: [Move] { moves.map(\.move).filter { !$0.isSecure } }

  public func contains(_ move: Move) -> Bool { moves.contains { $0.move == move } }
}

/// One move found in a reply, with the rule that fired and the exact words that fired it.
public struct MoveMatch: Sendable, Equatable, Codable {
  public var move: Move
  /// The words of the text that gave the move away.
  public var evidence: String
  /// Offsets in Unicode scalars of the annotated text, `end` exclusive.
  public var start: Int
  public var end: Int
  /// The id of the coach rule that fired (`criticism.global-you`).
  public var rule: String

  public init(move: Move, evidence: String, start: Int, end: Int, rule: String) {
    self.move = move
    self.evidence = evidence
    self.start = start
    self.end = end
    self.rule = rule
  }
}

/// A better way to say an insecure move.
public struct Antidote: Sendable, Equatable, Codable {
  /// The insecure move it answers.
  public var forMove: Move
  /// The secure move to reach for instead.
  public var move: Move
  /// Why the original move hurts, in a sentence.
  public var why: String
  /// A better way to say it, built from the user's own words where the rule can.
  public var tryThis: String

  enum CodingKeys: String, CodingKey {
    case forMove = "for"
    case move, why
    case tryThis = "try"
  }

  public init(forMove: Move, move: Move, why: String, tryThis: String) {
    self.forMove = forMove
    self.move = move
    self.why = why
    self.tryThis = tryThis
  }
}
