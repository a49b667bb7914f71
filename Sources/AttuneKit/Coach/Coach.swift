/// Reads one reply and names its secure and insecure moves, with evidence and an antidote.
///
/// A pure function of the text: the rule book is compiled once, and `annotate(_:)` allocates
/// only what the annotation itself needs.
public struct Coach: Sendable {
  public let rules: RuleBook
  private let index: RuleIndex
  /// The compiled index's size, for benchmarks.
  public var indexStatistics: String { index.statistics }
  private let tokenizer: Tokenizer

  /// The coach with the rules shipped with Attune, compiled once.
  public static let shared = Coach()

  /// A coach with the rules shipped with Attune.
  public init() {
    self.init(rules: RuleBook.bundled)
  }

  public init(rules: RuleBook) {
    self.rules = rules
    self.index = RuleIndex(
      rules: rules.rules, vocabularySize: rules.vocabulary.count,
      commonWords: Set(Coach.commonWords.compactMap { rules.vocabulary[$0] }))
    self.tokenizer = Tokenizer(
      normalizer: rules.normalizer, vocabulary: rules.vocabulary,
      clauseWords: Set(rules.clauseWords.compactMap { rules.vocabulary[$0] }))
  }

  /// Words too frequent to be a good reason to try a rule.
  static let commonWords = [
    "i", "you", "we", "it", "is", "are", "am", "be", "the", "a", "an", "to", "and", "not", "do", "that", "this",
    "me", "my", "your", "so", "just", "of", "in", "on", "for", "with", "have", "was", "can", "will", "would",
    "what", "how", "why", "if", "but", "at", "really", "us", "let", "like", "about", "get", "all", "go",
    "?", "!", ".", ",", "going", "know", "want", "need", "feel", "time", "there", "no", "one", "up", "out", "back",
  ]

  /// The normalised tokens of a reply, as the rules see them.
  public func tokens(of text: String) -> [Token] {
    tokenizer.tokenize(text)
  }

  /// Every rule that fired on a reply and survived its conditions, in text order
  /// (`annotate(_:)` keeps the first of each move).
  public func firedRules(_ text: String) -> [MoveMatch] {
    let tokens = tokenizer.tokenize(text)
    return keptHits(tokens).map { match(for: $0, text: text, tokens: tokens) }
  }

  /// The rules' reading of a reply before the backup model: the ids of the rules kept (the first
  /// of each move, as `annotate(_:)` keeps them) and the moves whose rules matched but were cancelled.
  public func ruleReading(_ text: String) -> (rules: [String], cancelled: Set<Move>) {
    let (kept, cancelled) = evaluate(tokenizer.tokenize(text))
    let vetoed = Set(cancelled.map(\.move))
    var seen = Set<Move>()
    var ids: [String] = []
    for hit in kept where seen.insert(rules.rules[hit.rule].move).inserted { ids.append(rules.rules[hit.rule].id) }
    return (ids, vetoed)
  }

  /// Annotates one reply.
  public func annotate(_ text: String) -> Annotation {
    let tokens = tokenizer.tokenize(text)
    var found: [Found] = []
    var seen = Set<Move>()
    let (kept, cancelled) = evaluate(tokens)
    for hit in kept {
      let rule = rules.rules[hit.rule]
      guard seen.insert(rule.move).inserted else { continue }
      found.append(Found(match: match(for: hit, text: text, tokens: tokens), tokens: hit.start..<hit.end, antidote: rule.antidote))
    }
    // The backup model may add what the rules missed.
    for finding in rules.backupModel.findings(in: tokens, found: seen, cancelled: cancelled) {
      seen.insert(finding.move)
      let first = tokens[finding.tokenRange.lowerBound]
      let last = tokens[finding.tokenRange.upperBound - 1]
      let match = MoveMatch(
        move: finding.move, evidence: slice(text, from: first.utf8Start, to: last.utf8End), start: first.start,
        end: last.end, rule: "\(finding.move.rawValue).\(BackupModel.ruleSuffix)")
      found.append(Found(match: match, tokens: finding.tokenRange, antidote: nil))
    }
    found.sort { ($0.match.start, $0.match.end) < ($1.match.start, $1.match.end) }
    let moves = found.map(\.match)
    return Annotation(
      text: text, verdict: Verdict(moves: moves.map(\.move)), moves: moves, signals: signals(for: seen, tokens: tokens),
      antidote: found.first { !$0.match.move.isSecure }.map { antidote(for: $0, text: text, tokens: tokens) })
  }

  /// A move found, with the tokens behind it and its rule's own antidote template.
  private struct Found {
    var match: MoveMatch
    var tokens: Range<Int>
    var antidote: String?
  }

  private func match(for hit: Hit, text: String, tokens: [Token]) -> MoveMatch {
    let rule = rules.rules[hit.rule]
    let startToken = tokens[hit.start]
    let endToken = tokens[hit.end - 1]
    return MoveMatch(
      move: rule.move, evidence: slice(text, from: startToken.utf8Start, to: endToken.utf8End),
      start: startToken.start, end: endToken.end, rule: rule.id)
  }

  /// The hits that survive every rule condition, sorted by position.
  private func keptHits(_ tokens: [Token]) -> [Hit] {
    evaluate(tokens).kept
  }

  /// The hits that survive every rule condition, and where a rule matched a move but its conditions
  /// (negation, `unless`, `voided-by`, ...) cancelled it, for a move no kept hit found: the backup
  /// model may not add that move, nor re-read those words as its side.
  private func evaluate(_ tokens: [Token]) -> (kept: [Hit], cancelled: [CancelledMatch]) {
    guard !tokens.isEmpty else { return ([], []) }
    let columns = TokenColumns(tokens: tokens, negators: rules.negators, numberWords: rules.numberWords)
    let hits = index.hits(in: columns)
    let context = Context(tokens: tokens)

    // Auxiliary hits (unless / requires) by rule, so each check is a short scan.
    var auxiliary: [Int: [Hit]] = [:]
    for hit in hits where hit.role != .main { auxiliary[hit.rule, default: []].append(hit) }

    // 1. Keep main-pattern hits whose own conditions hold.
    var candidates: [Hit] = []
    for hit in hits where hit.role == .main {
      let rule = rules.rules[hit.rule]
      if rule.negatable, isNegated(hit, tokens: tokens) { continue }
      if let question = rule.question {
        let asked = context.isQuestion(sentence: tokens[hit.start].sentence)
        if question == .required && !asked || question == .forbidden && asked { continue }
      }
      let others = auxiliary[hit.rule] ?? []
      if !rule.requires.isEmpty, !others.contains(where: { $0.role == .requires }) { continue }
      if others.contains(where: { $0.role == .unless && context.sameScope(rule.scope, $0.start, hit.start) }) {
        continue
      }
      candidates.append(hit)
    }

    // 2. Drop hits voided by another move found within the rule's scope.
    var presence = MovePresence()
    for hit in candidates { presence.insert(rules.rules[hit.rule].move, token: tokens[hit.start]) }
    var kept: [Hit] = []
    for hit in candidates {
      let rule = rules.rules[hit.rule]
      if !rule.voidedBy.isEmpty,
        rule.voidedBy.contains(where: { $0 != rule.move && presence.contains($0, scope: rule.scope, token: tokens[hit.start]) })
      {
        continue
      }
      kept.append(hit)
    }

    kept.sort { ($0.start, $0.rule) < ($1.start, $1.rule) }
    let keptMoves = Set(kept.map { rules.rules[$0.rule].move })
    var cancelled: [CancelledMatch] = []
    for hit in hits where hit.role == .main && !keptMoves.contains(rules.rules[hit.rule].move) {
      cancelled.append(CancelledMatch(move: rules.rules[hit.rule].move, tokens: hit.start..<hit.end))
    }
    return (kept, cancelled)
  }

  // MARK: - Conditions

  /// A negator in the same clause just before the match ("I'm not saying you're lazy").
  private func isNegated(_ hit: Hit, tokens: [Token]) -> Bool {
    let first = tokens[hit.start]
    if rules.negators.contains(first.id) { return false }
    var position = hit.start - 1
    var looked = 0
    while position >= 0, looked < 3 {
      let token = tokens[position]
      guard token.clause == first.clause, token.kind == .word else { return false }
      if rules.negationBarriers.contains(token.id) { return false }
      if rules.negators.contains(token.id) { return !isRhetorical(negatorAt: position, tokens: tokens) }
      position -= 1
      looked += 1
    }
    return false
  }

  /// "Don't you think...", "aren't you...", "can't believe...": a negator that asks or marvels, not denies.
  private func isRhetorical(negatorAt position: Int, tokens: [Token]) -> Bool {
    guard position > 0, position + 1 < tokens.count else { return false }
    let before = tokens[position - 1].text
    let after = tokens[position + 1].text
    if Coach.auxiliaries.contains(before), Coach.pronouns.contains(after), tokens[position - 1].utf8End == tokens[position].utf8End {
      return true
    }
    return (before == "can" || before == "could") && after == "believe"
  }

  static let auxiliaries: Set<String> = [
    "do", "does", "did", "are", "is", "was", "were", "will", "would", "can", "could", "should", "have", "has",
  ]
  static let pronouns: Set<String> = ["you", "it", "he", "she", "we", "they", "i", "that", "this"]

  // MARK: - Signals and antidotes

  private func signals(for moves: Set<Move>, tokens: [Token]) -> [String] {
    var signals: [String] = []
    for move in Move.allCases where move.isHorseman && moves.contains(move) {
      signals.append("horseman:\(move.rawValue)")
    }
    if moves.contains(.protest) || moves.contains(.selfBlame) { signals.append("anxious") }
    if moves.contains(.withdrawal) || moves.contains(.dismissing) || moves.contains(.stonewalling) {
      signals.append("avoidant")
    }
    if moves.contains(.selfBlame) && (moves.contains(.criticism) || moves.contains(.contempt)) {
      signals.append("disorganized")
    }
    let shouting = tokens.contains { $0.isCaps && $0.text.count > 1 }
      || tokens.contains { $0.kind == .sentenceEnd && $0.end - $0.start > 1 }
    if shouting { signals.append("intensity:high") }
    return signals
  }

  private func antidote(for found: Found, text: String, tokens: [Token]) -> Antidote {
    let move = found.match.move
    let target = move.antidoteMove ?? .gentleStartup
    let template = rules.antidotes[move] ?? RuleBook.AntidoteTemplate(why: "", try: "")
    let values = [
      "rest": restOfClause(after: found.tokens, text: text, tokens: tokens),
      "action": restOfClause(after: found.tokens.upperBound - 1..<found.tokens.upperBound - 1, text: text, tokens: tokens),
      "evidence": found.match.evidence,
    ]
    var suggestion = template.try
    // The rule's own template, when every placeholder it uses has words to fill it.
    if let custom = found.antidote, values.allSatisfy({ !$0.value.isEmpty || !custom.hasPlaceholder($0.key) }) {
      suggestion = custom
    }
    suggestion = suggestion.filling(values)
    return Antidote(forMove: move, move: target, why: template.why, tryThis: suggestion)
  }

  /// The user's words after the evidence, up to the end of its clause, as typed.
  private func restOfClause(after range: Range<Int>, text: String, tokens: [Token]) -> String {
    guard range.upperBound < tokens.count || !range.isEmpty else { return "" }
    let clause = tokens[max(0, range.upperBound - (range.isEmpty ? 0 : 1))].clause
    var last = range.upperBound
    while last < tokens.count, tokens[last].clause == clause, tokens[last].kind == .word { last += 1 }
    guard last > range.upperBound else { return "" }
    return slice(text, from: tokens[range.upperBound].utf8Start, to: tokens[last - 1].utf8End)
  }

  private func slice(_ text: String, from start: Int, to end: Int) -> String {
    let utf8 = text.utf8
    let lower = utf8.index(utf8.startIndex, offsetBy: start)
    let upper = utf8.index(utf8.startIndex, offsetBy: end)
    return String(decoding: utf8[lower..<upper], as: UTF8.self)
  }
}

// MARK: - Matching support

/// A rule's match that its conditions cancelled ("I'm *not* saying you're lazy").
struct CancelledMatch {
  var move: Move
  var tokens: Range<Int>
}

/// A pattern that matched tokens `start..<end`, for rule `rule` in role `role`.
struct Hit {
  enum Role: UInt8 { case main, unless, requires }
  var rule: Int
  var role: Role
  var start: Int
  var end: Int
}

/// Where each move was found: in the message, by sentence and by clause.
private struct MovePresence {
  private var moves = Set<Move>()
  private var sentences = Set<Int64>()
  private var clauses = Set<Int64>()

  private static func key(_ move: Move, _ index: Int32) -> Int64 {
    Int64(Move.allCases.firstIndex(of: move) ?? 0) << 32 | Int64(UInt32(bitPattern: index))
  }

  mutating func insert(_ move: Move, token: Token) {
    moves.insert(move)
    sentences.insert(Self.key(move, token.sentence))
    clauses.insert(Self.key(move, token.clause))
  }

  func contains(_ move: Move, scope: CoachRule.Scope, token: Token) -> Bool {
    switch scope {
    case .message: return moves.contains(move)
    case .sentence: return sentences.contains(Self.key(move, token.sentence))
    case .clause: return clauses.contains(Self.key(move, token.clause))
    }
  }
}

private struct Context {
  let tokens: [Token]
  let questionSentences: Set<Int32>

  init(tokens: [Token]) {
    self.tokens = tokens
    var questions = Set<Int32>()
    for token in tokens where token.kind == .sentenceEnd && token.text == "?" {
      questions.insert(token.sentence)
    }
    self.questionSentences = questions
  }

  func isQuestion(sentence: Int32) -> Bool { questionSentences.contains(sentence) }

  func sameScope(_ scope: CoachRule.Scope, _ a: Int, _ b: Int) -> Bool {
    switch scope {
    case .message: return true
    case .sentence: return tokens[a].sentence == tokens[b].sentence
    case .clause: return tokens[a].clause == tokens[b].clause
    }
  }
}


extension String {
  /// Whether the template holds `{name}`.
  func hasPlaceholder(_ name: String) -> Bool {
    let needle = Array("{\(name)}".utf8)
    let bytes = Array(utf8)
    guard bytes.count >= needle.count else { return false }
    return (0...(bytes.count - needle.count)).contains { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
  }

  /// Replaces each `{name}` of the template with its value; unknown names stay as written.
  func filling(_ values: [String: String]) -> String {
    guard utf8.contains(UInt8(ascii: "{")) else { return self }
    var out = ""
    var rest = self[...]
    while let open = rest.firstIndex(of: "{") {
      out += rest[..<open]
      guard let close = rest[open...].firstIndex(of: "}") else { break }
      let name = String(rest[rest.index(after: open)..<close])
      if let value = values[name] { out += value } else { out += rest[open...close] }
      rest = rest[rest.index(after: close)...]
    }
    out += rest
    return out
  }
}
