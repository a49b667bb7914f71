/// What the partner said and why: the reply, the rule that produced it and the state change.
public struct PartnerReply: Sendable, Equatable {
  public var text: String
  /// The responder rule that produced it (`avoidant.criticism.flooded`).
  public var rule: String
  /// True when no specific rule had anything to say and a generic line was used.
  public var fallback: Bool
  /// The move, cue or event the reply answers.
  public var answered: String?
  public var before: Meters
  public var after: Meters
  /// Needs met by this turn.
  public var metNow: [String]
  /// Set when this reply ends the chat.
  public var outcome: Outcome?
  /// True when the partner stepped out of the role for a safety message.
  public var safety: Bool
  /// The cues the partner noticed in the user's line.
  public var cues: [Cue]
}

/// The simulated partner: a style profile, a scenario and a state, answering one line at a time.
///
/// Same scenario, style, seed and user lines give the same replies, byte for byte.
public struct Partner: Sendable {
  public let style: AttachmentStyle
  public let profile: StyleProfile
  public let scenario: Scenario
  public let data: PartnerData
  private let detector: CueDetector
  /// Rules by trigger: scenario rules first, then the style bank, each in file order.
  private let index: [Trigger: [ReplyRule]]
  /// The needs that must be met, in order (the scenario's resolution plus the style's own).
  public let requiredNeeds: [String]
  public private(set) var state: PartnerState

  public init(scenario: Scenario, style: AttachmentStyle, seed: UInt64, data: PartnerData = .shared)
  {
    self.style = style
    self.scenario = scenario
    self.data = data
    let profile =
      data.profiles[style]
      ?? StyleProfile(
        style: style, baseline: 40, start: 50, calmBelow: 40, floodedAt: 75, trust: 50,
        recovery: 0.2, ruptureAfter: 3,
        steadyTurns: 1, needs: [], soothers: [], moveEffects: [:], cueEffects: [:], thoughts: [:],
        hints: [:])
    self.profile = profile
    self.detector = CueDetector(lexicon: data.lexicon)
    var index: [Trigger: [ReplyRule]] = [:]
    let rules =
      scenario.replies.filter { $0.styles?.contains(style) ?? true }
      + (data.banks[style]?.rules ?? [])
    for rule in rules {
      for trigger in rule.triggers { index[trigger, default: []].append(rule) }
    }
    self.index = index
    self.requiredNeeds = scenario.requiredNeeds(for: profile)
    let arousal = min(100, profile.start + (scenario.difficulty - 1) * StyleProfile.difficultyStep)
    state = PartnerState(
      arousal: arousal, trust: profile.trust, band: profile.band(for: arousal), seed: seed)
  }

  /// The next unmet need, or `done`.
  public var beat: String {
    requiredNeeds.first { !state.met.contains($0) } ?? "done"
  }

  /// Puts back an earlier state (for `/undo`).
  public mutating func restore(_ earlier: PartnerState) {
    state = earlier
  }

  // MARK: Turns

  /// The partner's first line.
  public mutating func open() -> PartnerReply {
    let meters = state.meters
    let lines = scenario.openings[style] ?? []
    var candidates: [Candidate] = []
    for (i, line) in lines.enumerated() {
      candidates.append(
        Candidate(
          ruleID: "\(scenario.id).opening.\(style.id)", key: "opening#\(i)",
          text: fill(line, values: baseValues()) ?? line, specificity: 0, order: i))
    }
    let draw = state.rng.next()
    if let chosen = ReplySelector.best(from: candidates, state: state, draw: draw) {
      state.recordUse(chosen.key, text: chosen.text)
      return PartnerReply(
        text: chosen.text, rule: chosen.ruleID, fallback: false, answered: "opening",
        before: meters,
        after: state.meters, metNow: [], outcome: nil, safety: false, cues: [])
    }
    return pick(
      topics: [.event(.opening)], values: baseValues(), tokens: [], meters: meters, metNow: [],
      outcome: nil, cues: [])
  }

  /// Answers the user's line, given the coach's reading of it.
  public mutating func respond(to annotation: Annotation) -> PartnerReply {
    let before = state.meters
    let text = annotation.text
    let tokens = tokenize(text)
    let moves = orderedMoves(annotation)
    let hits = detector.detect(
      text, previous: state.userLines, topicWords: scenario.words, hasMoves: !moves.isEmpty)
    let cues = hits.map(\.cue)
    state.userLines.append(CueDetector.normalise(text))
    if state.userLines.count > 12 { state.userLines.removeFirst() }

    if cues.contains(.safety) {
      let reply = data.lexicon.safetyMessage
      state.recordUse("safety", text: "")
      state.recent.removeLast()
      return PartnerReply(
        text: reply, rule: "safety.step-out", fallback: false, answered: "safety", before: before,
        after: before, metNow: [], outcome: nil, safety: true, cues: cues)
    }

    let returning = state.memory.onBreak
    // 1. The meters.
    applyEffects(moves: moves, cues: cues)
    // 2. Needs met: only heard when not flooded, and with enough trust.
    var metNow: [String] = []
    if state.band != .flooded {
      for id in requiredNeeds where !state.met.contains(id) {
        guard let need = scenario.need(id, catalogue: data.needs) else { continue }
        // "Can we talk?" reads as a request, but it asks for a conversation, not a plan.
        var counted = cues.contains(.bid) ? moves.filter { $0 != .request } : moves
        // A proposal the coach missed still counts as a request.
        if cues.contains(.proposal) && !cues.contains(.bid) && !counted.contains(.request) { counted.append(.request) }
        if state.trust >= need.minTrust, counted.contains(where: need.moves.contains) {
          state.met.append(id)
          metNow.append(id)
        }
      }
    }
    // 3. Outcome.
    var outcome: Outcome?
    if state.floodedTurns >= profile.ruptureAfter {
      outcome = .rupture
    } else if beat == "done", state.band == .calm, state.steadyTurns >= profile.steadyTurns {
      outcome = .resolved
    }
    state.outcome = outcome

    // 4. What to answer, most pressing first.
    var topics: [Trigger] = []
    if let outcome { topics.append(.event(outcome == .resolved ? .resolved : .rupture)) }
    if returning { topics.append(.event(.return)) }
    // Cues about the whole line ("...", "ok", "are you a bot?") say more than the coach's reading of it.
    topics += Self.leadingCues.filter(cues.contains).map(Trigger.cue)
    topics += moves.map(Trigger.move)
    topics += Self.cueOrder.filter { cues.contains($0) && !Self.leadingCues.contains($0) }.map(
      Trigger.cue)

    var values = baseValues()
    values["echo"] = Self.echo(text)
    var evidence: [Trigger: String] = [:]
    for match in annotation.moves where evidence[.move(match.move)] == nil {
      evidence[.move(match.move)] = Self.clip(match.evidence)
    }
    for hit in hits where evidence[.cue(hit.cue)] == nil {
      evidence[.cue(hit.cue)] = Self.clip(hit.evidence)
    }

    var reply = pick(
      topics: topics, values: values, evidence: evidence, tokens: tokens, meters: before,
      metNow: metNow, outcome: outcome, cues: cues)
    // 5. Remember, after replying (a promise is not thrown back in the same breath).
    remember(annotation: annotation, moves: moves, cues: cues, text: text, returning: returning)
    reply.after = state.meters
    return reply
  }

  /// The user takes a break of `minutes` (`/pause`): the partner answers, and time calms things.
  public mutating func pause(minutes: Int) -> PartnerReply {
    let before = state.meters
    state.memory.breakReturn = "in \(minutes) minute\(minutes == 1 ? "" : "s")"
    var reply = pick(
      topics: [.event(.pause)], values: baseValues(), tokens: [], meters: before, metNow: [],
      outcome: nil, cues: [])
    state.memory.onBreak = true
    let steps = max(1, min(12, minutes / 5))
    for _ in 0..<steps where state.arousal > profile.baseline {
      state.arousal -= max(1, Int(Double(state.arousal - profile.baseline) * profile.recovery))
    }
    updateBand()
    reply.after = state.meters
    return reply
  }

  /// The partner's last line when the chat stops for a turn limit or because the user quit.
  public mutating func close(_ outcome: Outcome) -> PartnerReply {
    let event: PartnerEvent
    switch outcome {
    case .resolved: event = .resolved
    case .rupture: event = .rupture
    case .turnLimit: event = .turnLimit
    case .quit: event = .quit
    }
    state.outcome = outcome
    return pick(
      topics: [.event(event)], values: baseValues(), tokens: [], meters: state.meters, metNow: [],
      outcome: outcome, cues: [])
  }

  // MARK: State

  static let insecureOrder: [Move] = [
    .threat, .contempt, .criticism, .stonewalling, .dismissing, .protest, .defensiveness,
    .withdrawal, .selfBlame,
  ]
  static let secureOrder: [Move] = [
    .selfSoothing, .responsibility, .request, .repair, .reassurance, .validation, .curiosity,
    .appreciation, .gentleStartup, .boundary,
  ]
  static let cueOrder: [Cue] = [
    .repeat, .bot, .gibberish, .foreign, .emoji, .silence, .back, .ack, .swear, .ultimatum, .global,
    .blame, .plea, .shutdown, .apology, .affection,
    .thanks, .empathy, .flooding, .proposal, .shout, .bid, .offtopic, .question, .unsure, .feeling, .need,
    .topic,
  ]
  static let backupCues: Set<Cue> = [
    .blame, .plea, .shutdown, .ultimatum, .apology, .affection, .thanks, .empathy, .global, .proposal,
  ]
  static let leadingCues: [Cue] = [.repeat, .bot, .gibberish, .foreign, .emoji, .silence, .ack, .bid, .offtopic]
  /// How far below baseline secure moves can settle the partner.
  static let restingDepth = 15
  /// Replies to wait before a rule that brings up a memory can fire again.
  static let memoryCooldown = 4

  /// The distinct moves, most pressing first: insecure by severity, then secure.
  func orderedMoves(_ annotation: Annotation) -> [Move] {
    let found = annotation.moveSet
    return (Self.insecureOrder + Self.secureOrder).filter(found.contains)
  }

  private mutating func applyEffects(moves: [Move], cues: [Cue]) {
    let hasInsecure = moves.contains { !$0.isSecure }
    // A bare "ok" or "..." read as stonewalling lands softer than a full sentence of it.
    let bare = cues.contains { Self.leadingCues.contains($0) && $0 != .repeat }
    var delta = 0
    var trustDelta = 0
    for move in moves {
      guard let effect = profile.moveEffects[move] else { continue }
      var a = bare && effect.arousal > 0 ? effect.arousal / 2 : effect.arousal
      if move.isSecure && a < 0 {
        if profile.soothers.contains(move) {
          a -= 2
        } else if state.band == .flooded {
          a /= 2
        }
        if hasInsecure { a /= 2 }
        if state.trust < 25 { a = a * 2 / 3 }
      }
      delta += a
      trustDelta += move.isSecure && hasInsecure ? effect.trust / 2 : effect.trust
    }
    for cue in Set(cues) {
      guard let effect = profile.cueEffects[cue] else { continue }
      // Backup cues stand in for moves the coach did not find; they never count twice.
      if !moves.isEmpty && (Self.backupCues.contains(cue) || cue == .question) { continue }
      delta += effect.arousal
      trustDelta += effect.trust
    }
    delta = max(-22, min(30, delta))
    var arousal = state.arousal + delta
    if !hasInsecure && delta <= 2 && arousal > profile.baseline {
      arousal -= Int((Double(arousal - profile.baseline) * profile.recovery).rounded())
    }
    if delta < 0 {
      // Secure moves settle a partner, but not below a resting floor under their baseline.
      arousal = max(arousal, min(state.arousal, profile.baseline - Self.restingDepth))
    }
    state.arousal = max(0, min(100, arousal))
    state.trust = max(0, min(100, state.trust + trustDelta))
    state.steadyTurns = hasInsecure || cues.contains(.shout) ? 0 : state.steadyTurns + 1
    updateBand(improving: delta < 0 && !hasInsecure)
  }

  /// Recomputes the band. A flooded turn counts toward rupture unless it is getting better
  /// (a repair being received holds the count where it is).
  private mutating func updateBand(improving: Bool = false) {
    state.band = profile.band(for: state.arousal)
    if state.band != .flooded {
      state.floodedTurns = 0
    } else if !improving {
      state.floodedTurns += 1
    }
  }

  private mutating func remember(
    annotation: Annotation, moves: [Move], cues: [Cue], text: String, returning: Bool
  ) {
    var memory = state.memory
    if returning {
      memory.onBreak = false
      memory.returned = true
      memory.breakReturn = nil
      memory.walkout = false
    }
    let hasInsecure = moves.contains { !$0.isSecure }
    if moves.contains(.responsibility) || (cues.contains(.apology) && !hasInsecure) {
      memory.apologyTurn = state.replies
    }
    if !hasInsecure, let promise = Self.promise(in: text) {
      memory.promise = promise
    }
    let weights: [Move: Int] = [
      .contempt: 5, .threat: 4, .criticism: 3, .dismissing: 2, .stonewalling: 1,
    ]
    for match in annotation.moves {
      if let weight = weights[match.move], weight >= memory.hurtWeight {
        memory.hurt = Self.clip(Self.echo(text, breaks: ".!?;,\n") ?? match.evidence)
        memory.hurtWeight = weight
      }
    }
    if moves.contains(.selfSoothing) {
      if let time = detector.returnTime(in: text) {
        memory.breakReturn = time
        memory.onBreak = true
      }
    } else if moves.contains(.withdrawal)
      || moves.contains(.stonewalling) && detector.returnTime(in: text) == nil && text.count > 12
    {
      if moves.contains(.withdrawal) { memory.walkout = true }
    }
    // Hurt fades once the user has been steady for a while.
    if state.steadyTurns >= 4 {
      memory.hurt = nil
      memory.hurtWeight = 0
    }
    state.memory = memory
  }

  // MARK: Choosing a line

  private func baseValues() -> [String: String] {
    var values: [String: String] = [:]
    values["topic"] = scenario.words.first ?? scenario.title.lowercased()
    values["promise"] = state.memory.promise
    values["hurt"] = state.memory.hurt
    values["return"] = state.memory.breakReturn
    return values
  }

  private mutating func pick(
    topics: [Trigger], values: [String: String], evidence: [Trigger: String] = [:],
    tokens: [String], meters: Meters,
    metNow: [String], outcome: Outcome?, cues: [Cue]
  ) -> PartnerReply {
    var seen: Set<Trigger> = []
    for topic in topics where seen.insert(topic).inserted {
      var local = values
      local["evidence"] = evidence[topic]
      let candidates = candidates(for: topic, values: local, tokens: tokens)
      let draw = state.rng.next()
      if let chosen = ReplySelector.best(from: candidates, state: state, draw: draw) {
        state.recordUse(chosen.key, text: chosen.text)
        return PartnerReply(
          text: chosen.text, rule: chosen.ruleID, fallback: false, answered: topic.description,
          before: meters, after: state.meters, metNow: metNow, outcome: outcome, safety: false,
          cues: cues)
      }
    }
    // Nothing specific left to say: a generic line for this band.
    let lines = data.banks[style]?.fallback[state.band] ?? []
    let ruleID = "\(style.id).fallback.\(state.band.rawValue)"
    var candidates: [Candidate] = []
    for (i, line) in lines.enumerated() {
      if let text = fill(line, values: values) {
        candidates.append(
          Candidate(ruleID: ruleID, key: "\(ruleID)#\(i)", text: text, specificity: 0, order: i))
      }
    }
    let draw = state.rng.next()
    let chosen =
      ReplySelector.best(from: candidates, state: state, draw: draw)
      ?? ReplySelector.leastRecent(from: candidates, state: state)
    let text = chosen?.text ?? "..."
    state.recordUse(chosen?.key ?? ruleID, text: text)
    return PartnerReply(
      text: text, rule: ruleID, fallback: true, answered: nil, before: meters, after: state.meters,
      metNow: metNow, outcome: outcome, safety: false, cues: cues)
  }

  /// Every line the rules for `trigger` could say now.
  func candidates(for trigger: Trigger, values: [String: String], tokens: [String]) -> [Candidate] {
    var out: [Candidate] = []
    var order = 0
    for rule in index[trigger] ?? [] {
      guard let word = applies(rule, tokens: tokens) else { continue }
      var local = values
      if !word.isEmpty { local["word"] = word }
      for (i, line) in rule.lines.enumerated() {
        order += 1
        guard let text = fill(line, values: local) else { continue }
        let personal =
          line.contains("{evidence}") || line.contains("{word}") || line.contains("{echo}") ? 1 : 0
        out.append(
          Candidate(
            ruleID: rule.id, key: "\(rule.id)#\(i)", text: text,
            specificity: rule.specificity + personal, order: order))
      }
    }
    return out
  }

  /// Whether a rule's conditions hold; returns the matched word ("" when the rule has no `words`).
  func applies(_ rule: ReplyRule, tokens: [String]) -> String? {
    if let styles = rule.styles, !styles.contains(style) { return nil }
    if let bands = rule.bands, !bands.contains(state.band) { return nil }
    if let beats = rule.beats, !beats.contains(beat) { return nil }
    if let min = rule.minTrust, state.trust < min { return nil }
    if let max = rule.maxTrust, state.trust > max { return nil }
    for kind in rule.memory where !state.memory.has(kind) { return nil }
    // Bringing up the past is powerful once; not every other turn.
    if !rule.memory.isEmpty, let last = state.ruleUses[rule.id],
      state.replies - last <= Self.memoryCooldown
    {
      return nil
    }
    if rule.words.isEmpty { return "" }
    for word in rule.words {
      if word.contains(" ") {
        if find(word.split(separator: " ").map(String.init), in: tokens) != nil { return word }
      } else if tokens.contains(word) {
        return word
      }
    }
    return nil
  }

  private func fill(_ line: String, values: [String: String]) -> String? {
    guard var text = Template.fill(line, values) else { return nil }
    // A quote that opens the reply starts with a capital: "'Never'? I took the bins out."
    if text.hasPrefix("'"), let second = text.dropFirst().first, second.isLowercase {
      text = "'" + second.uppercased() + text.dropFirst(2)
    }
    return text
  }

  // MARK: Words

  /// A short quote of the user's first clause, for reflecting it back.
  static func echo(_ text: String, breaks: String = ".!?;\n") -> String? {
    let clause = text.split(whereSeparator: { breaks.contains($0) }).first.map(String.init) ?? text
    let words = clause.split(whereSeparator: \.isWhitespace)
    guard !words.isEmpty else { return nil }
    var quote = words.prefix(8).joined(separator: " ")
    while let last = quote.last, ",:-–—\"'".contains(last) { quote.removeLast() }
    if words.count > 8 { quote += "…" }
    if let first = quote.first, first.isUppercase,
      !(quote.hasPrefix("I ") || quote.hasPrefix("I'") || quote.hasPrefix("I’") || quote == "I"),
      quote.count > 1, !(quote.dropFirst().first?.isUppercase ?? false)
    {
      quote = first.lowercased() + quote.dropFirst()
    }
    return quote.isEmpty ? nil : quote
  }

  static func clip(_ text: String) -> String {
    let trimmed = text.trimmingWhitespace
    guard trimmed.count > 60 else { return trimmed }
    return String(trimmed.prefix(57)) + "…"
  }

  /// "I'll put my phone away" → "put your phone away".
  static func promise(in text: String) -> String? {
    let lower = text.lowercased().replacingOccurrences(of: "’", with: "'")
    let starters = [
      "i promise to ", "i promise i'll ", "i promise i will ", "i'll ", "i will ", "i'm going to ",
      "i am going to ",
    ]
    for starter in starters {
      guard let range = lower.range(of: starter) else { continue }
      if range.lowerBound != lower.startIndex {
        let before = lower[lower.index(before: range.lowerBound)]
        if before.isLetter { continue }
      }
      let rest = lower[range.upperBound...]
      let clause =
        rest.split(whereSeparator: { ".!?;,\n".contains($0) }).first.map(String.init)
        ?? String(rest)
      var words = clause.split(separator: " ").map(String.init)
      if let cut = words.firstIndex(where: { ["but", "if", "when", "because"].contains($0) }) {
        words = Array(words[..<cut])
      }
      guard words.count >= 2, !["try", "be", "leave", "go"].contains(words[0]) || words.count >= 3
      else { continue }
      let flip = [
        "my": "your", "me": "you", "i": "you", "i'm": "you're", "myself": "yourself",
        "mine": "yours",
        "your": "my", "you": "me", "yours": "mine", "yourself": "myself", "we": "we",
        "i'll": "you'll",
      ]
      let flipped = words.prefix(10).map { flip[$0] ?? $0 }
      return flipped.joined(separator: " ")
    }
    return nil
  }

  // MARK: Checking rules

  /// The topic the partner would answer first for `annotation`, and the rules that could answer
  /// it, with the state set up so that `rule`'s own conditions (band, trust, memory, beat) hold.
  /// Used to check that a rule's sample lines reach it. Does not say anything.
  public mutating func probe(annotation: Annotation, forcing rule: ReplyRule) -> (
    trigger: String?, rules: [String]
  ) {
    if let band = rule.bands?.first {
      state.arousal =
        band == .calm
        ? profile.calmBelow - 5
        : band == .flooded ? profile.floodedAt + 5 : (profile.calmBelow + profile.floodedAt) / 2
      state.band = band
    }
    if let min = rule.minTrust { state.trust = Swift.max(state.trust, min) }
    if let max = rule.maxTrust { state.trust = Swift.min(state.trust, max) }
    for kind in rule.memory {
      switch kind {
      case .promise: state.memory.promise = "try harder"
      case .apology: state.memory.apologyTurn = 0
      case .break: state.memory.breakReturn = "in twenty minutes"
      case .hurt: state.memory.hurt = "you always do this"
      case .walkout: state.memory.walkout = true
      case .returned: state.memory.returned = true
      }
    }
    if let beat = rule.beats?.first {
      state.met = beat == "done" ? requiredNeeds : Array(requiredNeeds.prefix { $0 != beat })
    }
    let text = annotation.text
    let tokens = tokenize(text)
    let moves = orderedMoves(annotation)
    let hits = detector.detect(
      text, previous: [], topicWords: scenario.words, hasMoves: !moves.isEmpty)
    let cues = hits.map(\.cue)
    if cues.contains(.safety) { return ("safety", []) }
    var topics: [Trigger] = Self.leadingCues.filter(cues.contains).map(Trigger.cue)
    topics += moves.map(Trigger.move)
    topics += Self.cueOrder.filter { cues.contains($0) && !Self.leadingCues.contains($0) }.map(
      Trigger.cue)
    var values = baseValues()
    values["echo"] = Self.echo(text)
    values["evidence"] = "x"
    for topic in topics {
      let found = candidates(for: topic, values: values, tokens: tokens)
      if !found.isEmpty {
        return (topic.description, Array(Set(found.map(\.ruleID))).sorted())
      }
    }
    return (nil, [])
  }

  // MARK: For the chat

  /// A secure thing to say now, for this scenario, beat and band; least recently shown first.
  public mutating func hint() -> String {
    var options: [String] = []
    if state.band == .flooded {
      options += scenario.hints["flooded"] ?? []
      options += profile.hints[.flooded] ?? []
    }
    options += scenario.hints[beat] ?? []
    if let need = scenario.need(beat, catalogue: data.needs) { options += need.hints }
    options += scenario.hints[state.band.rawValue] ?? []
    options += scenario.hints["any"] ?? []
    options += profile.hints[state.band] ?? []
    if options.isEmpty {
      options = ["I can see this matters to you. Can you tell me more about how it felt?"]
    }
    let best = options.enumerated().min { a, b in
      let ua = state.hintUses[a.element] ?? -1
      let ub = state.hintUses[b.element] ?? -1
      return ua != ub ? ua < ub : a.offset < b.offset
    }
    let text = best?.element ?? options[0]
    state.hintCount += 1
    state.hintUses[text] = state.hintCount
    return text
  }

  /// What the partner feels and needs now, for the `/state` thought bubble.
  public func thought() -> (feels: String, needs: String) {
    let lines = profile.thoughts[state.band] ?? []
    let feels = lines.isEmpty ? "" : lines[(state.replies + state.arousal) % lines.count]
    let needs =
      beat == "done"
      ? "to settle, and know this will hold" : scenario.needText(beat, catalogue: data.needs)
    return (feels, needs)
  }
}
