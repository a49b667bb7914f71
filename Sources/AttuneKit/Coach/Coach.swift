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
  /// Per rule: what judging its hits needs, kept apart so the hot path copies no `CoachRule`.
  private let facts: [RuleFacts]
  /// Per token id: `WordFlags` bits (negator, number word, negation barrier): an array read, no hashing.
  private let wordFlags: [UInt8]

  /// The coach with the rules shipped with Attune, compiled once.
  public static let shared = Coach()

  /// A coach with the rules shipped with Attune.
  public init() {
    self.init(rules: RuleBook.bundled)
  }

  public init(rules: RuleBook) {
    self.rules = rules
    let tokenizer = Tokenizer(
      normalizer: rules.normalizer, vocabulary: rules.vocabulary,
      clauseWords: Set(rules.clauseWords.compactMap { rules.vocabulary[$0] }))
    self.tokenizer = tokenizer
    // How often each word occurs in the rules' sample replies: a stand-in for real replies.
    var frequency = [Int](repeating: 0, count: rules.vocabulary.count)
    for rule in rules.rules {
      for sample in rule.samples {
        for token in tokenizer.tokenize(sample) where token.id >= 0 { frequency[Int(token.id)] += 1 }
      }
    }
    self.index = RuleIndex(
      rules: rules.rules, vocabularySize: rules.vocabulary.count, tokenSets: rules.tokenSets,
      commonWords: Set(Coach.commonWords.compactMap { rules.vocabulary[$0] }), frequency: frequency)
    self.facts = rules.rules.map(RuleFacts.init)
    var wordFlags = [UInt8](repeating: 0, count: rules.vocabulary.count)
    for (ids, flag) in [
      (rules.negators, WordFlags.negator), (rules.numberWords, WordFlags.number), (rules.negationBarriers, WordFlags.barrier),
    ] {
      for id in ids where id >= 0 && Int(id) < wordFlags.count { wordFlags[Int(id)] |= flag }
    }
    self.wordFlags = wordFlags
  }

  /// The bits of `wordFlags`.
  enum WordFlags {
    static let negator: UInt8 = 1
    static let number: UInt8 = 2
    static let barrier: UInt8 = 4
  }

  /// Whether token id `id` has the `WordFlags` bit `flag` (unknown words have none).
  @inline(__always)
  private func word(_ id: Int32, is flag: UInt8) -> Bool {
    id >= 0 && Int(id) < wordFlags.count && wordFlags[Int(id)] & flag != 0
  }

  /// What judging a rule's hits reads, copied out of `CoachRule` once.
  private struct RuleFacts {
    var move: Move
    var voidedBy: MoveSet
    var scope: CoachRule.Scope
    var question: CoachRule.QuestionRequirement?
    var negatable: Bool
    var hasRequires: Bool

    init(_ rule: CoachRule) {
      move = rule.move
      // A rule's own move never voids it.
      var voidedBy = MoveSet(rule.voidedBy)
      voidedBy.remove(rule.move)
      self.voidedBy = voidedBy
      scope = rule.scope
      question = rule.question
      negatable = rule.negatable
      hasRequires = !rule.requires.isEmpty
    }
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

  /// The rules' reading of a reply before the backup model, for training it.
  public struct RuleReading: Sendable {
    /// The rules kept (the first of each move, as `annotate(_:)` keeps them), with their tokens.
    public var rules: [(id: String, tokens: Range<Int>)]
    /// The moves whose rules matched but were cancelled.
    public var cancelled: Set<Move>
    /// The clause index of each token.
    public var clauses: [Int32]
  }

  public func ruleReading(_ text: String) -> RuleReading {
    let tokens = tokenizer.tokenize(text)
    let (kept, cancelled) = evaluate(tokens)
    let read = firstOfEachMove(kept).map { (id: rules.rules[$0.rule].id, tokens: $0.start..<$0.end) }
    return RuleReading(rules: read, cancelled: Set(cancelled.map(\.move)), clauses: tokens.map(\.clause))
  }

  /// The first kept hit of each move, in text order: the rules' reading of a reply.
  private func firstOfEachMove(_ kept: [Hit]) -> [Hit] {
    var seen = MoveSet()
    return kept.filter { seen.insert(facts[$0.rule].move) }
  }

  /// Annotates one reply.
  public func annotate(_ text: String) -> Annotation {
    let tokens = tokenizer.tokenize(text)
    let (kept, cancelled) = evaluate(tokens)
    let ruled = firstOfEachMove(kept)
    let read = ruled.map { (move: facts[$0.rule].move, tokens: $0.start..<$0.end) }
    // The backup model may overrule a side the rules found, and add what they missed.
    let reading = rules.backupModel.reading(of: tokens, read: read, cancelled: cancelled)
    var found: [Found] = []
    var seen = MoveSet()
    for hit in ruled where reading.keeps(facts[hit.rule].move) {
      seen.insert(facts[hit.rule].move)
      found.append(
        Found(
          match: match(for: hit, text: text, tokens: tokens), tokens: hit.start..<hit.end,
          antidote: rules.rules[hit.rule].antidote))
    }
    for finding in reading.findings {
      seen.insert(finding.move)
      let first = tokens[finding.tokenRange.lowerBound]
      let last = tokens[finding.tokenRange.upperBound - 1]
      let match = MoveMatch(
        move: finding.move, evidence: slice(text, from: first.utf8Start, to: last.utf8End), start: first.start,
        end: last.end, rule: Coach.backupRuleIDs[finding.move.ordinal])
      found.append(Found(match: match, tokens: finding.tokenRange, antidote: nil))
    }
    found.sort { ($0.match.start, $0.match.end) < ($1.match.start, $1.match.end) }
    let moves = found.map(\.match)
    return Annotation(
      text: text, verdict: Verdict(moves: moves.map(\.move)), moves: moves, signals: signals(for: seen, tokens: tokens),
      antidote: found.first { !$0.match.move.isSecure }.map { antidote(for: $0, text: text, tokens: tokens) })
  }

  /// Per move (by ordinal): the rule id the backup model's findings carry (`criticism.backup-model`).
  private static let backupRuleIDs = Move.allCases.map { "\($0.rawValue).\(BackupModel.ruleSuffix)" }

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
  ///
  /// A reply has a handful of hits, so conditions are checked by scanning them: no dictionaries or sets.
  private func evaluate(_ tokens: [Token]) -> (kept: [Hit], cancelled: [CancelledMatch]) {
    guard !tokens.isEmpty else { return ([], []) }
    let columns = TokenColumns(tokens: tokens) { word($0, is: WordFlags.negator) } isNumberWord: { word($0, is: WordFlags.number) }
    let hits = index.hits(in: columns)
    guard !hits.isEmpty else { return ([], []) }

    // 1. Keep main-pattern hits whose own conditions hold.
    var candidates: [Hit] = []
    for hit in hits where hit.role == .main {
      let rule = facts[hit.rule]
      if rule.negatable, isNegated(hit, tokens: tokens) { continue }
      if let question = rule.question {
        let asked = isQuestion(sentence: tokens[hit.start].sentence, tokens: tokens)
        if question == .required && !asked || question == .forbidden && asked { continue }
      }
      // Auxiliary hits (unless / requires) of the same rule.
      if rule.hasRequires, !hits.contains(where: { $0.rule == hit.rule && $0.role == .requires }) { continue }
      if hits.contains(where: {
        $0.rule == hit.rule && $0.role == .unless && sameScope(rule.scope, $0.start, hit.start, tokens: tokens)
      }) {
        continue
      }
      candidates.append(hit)
    }

    // 2. Drop hits voided by another move found within the rule's scope.
    var kept: [Hit] = []
    for hit in candidates {
      let rule = facts[hit.rule]
      if !rule.voidedBy.isEmpty, candidates.contains(where: { other in
        rule.voidedBy.contains(facts[other.rule].move) && sameScope(rule.scope, other.start, hit.start, tokens: tokens)
      }) {
        continue
      }
      kept.append(hit)
    }

    kept.sort { ($0.start, $0.rule) < ($1.start, $1.rule) }
    var keptMoves = MoveSet()
    for hit in kept { keptMoves.insert(facts[hit.rule].move) }
    var cancelled: [CancelledMatch] = []
    for hit in hits where hit.role == .main && !keptMoves.contains(facts[hit.rule].move) {
      cancelled.append(CancelledMatch(move: facts[hit.rule].move, tokens: hit.start..<hit.end))
    }
    return (kept, cancelled)
  }

  /// Whether the sentence ends in a question mark.
  private func isQuestion(sentence: Int32, tokens: [Token]) -> Bool {
    tokens.contains { $0.sentence == sentence && $0.kind == .sentenceEnd && $0.text == "?" }
  }

  /// Whether tokens `a` and `b` share the scope (always, for the whole message).
  private func sameScope(_ scope: CoachRule.Scope, _ a: Int, _ b: Int, tokens: [Token]) -> Bool {
    switch scope {
    case .message: return true
    case .sentence: return tokens[a].sentence == tokens[b].sentence
    case .clause: return tokens[a].clause == tokens[b].clause
    }
  }

  // MARK: - Conditions

  /// A negator in the same clause just before the match ("I'm not saying you're lazy").
  private func isNegated(_ hit: Hit, tokens: [Token]) -> Bool {
    let first = tokens[hit.start]
    if word(first.id, is: WordFlags.negator) { return false }
    var position = hit.start - 1
    var looked = 0
    while position >= 0, looked < 3 {
      let token = tokens[position]
      guard token.clause == first.clause, token.kind == .word else { return false }
      if word(token.id, is: WordFlags.barrier) { return false }
      if word(token.id, is: WordFlags.negator) { return !isRhetorical(negatorAt: position, tokens: tokens) }
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

  private func signals(for moves: MoveSet, tokens: [Token]) -> [String] {
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
