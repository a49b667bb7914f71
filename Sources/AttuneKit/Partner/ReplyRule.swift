import Yams

/// One responder rule: when it applies and the lines it can say.
///
/// Rules come from the style banks (`Resources/partner/bank-STYLE.yaml`) and from each
/// scenario's `replies:`. Lines may hold placeholders filled from the user's words and the
/// partner's memory: `{evidence}` (the words that made the move), `{echo}` (a short quote of
/// the user's line), `{word}` (the word a `words:` condition matched), `{promise}`, `{hurt}`,
/// `{return}` (the promised return time), `{topic}` (the scenario's subject).
public struct ReplyRule: Sendable, Equatable {
  public var id: String
  /// What the rule answers; it applies when any of these is present this turn.
  public var triggers: [Trigger]
  /// Only for these styles (nil: all).
  public var styles: Set<AttachmentStyle>?
  /// Only in these bands (nil: any).
  public var bands: Set<Band>?
  /// Only while the scenario is at one of these beats (the next unmet need, or `done`).
  public var beats: Set<String>?
  /// Memories that must all be present.
  public var memory: [MemoryKind]
  /// Any of these words must appear in the user's line (lowercase, whole words or phrases).
  public var words: [String]
  public var minTrust: Int?
  public var maxTrust: Int?
  public var lines: [String]
  /// Sample user lines that should reach this rule (checked by tests and `attune lint`).
  public var samples: [String]
  /// Whether the rule came from a scenario (more specific than a style bank rule).
  public var fromScenario: Bool
  /// Where the rule was written, for diagnostics.
  public var line: Int
  public var column: Int

  public init(
    id: String, triggers: [Trigger], styles: Set<AttachmentStyle>? = nil, bands: Set<Band>? = nil,
    beats: Set<String>? = nil, memory: [MemoryKind] = [], words: [String] = [],
    minTrust: Int? = nil,
    maxTrust: Int? = nil, lines: [String], samples: [String] = [], fromScenario: Bool = false,
    line: Int = 0, column: Int = 0
  ) {
    self.id = id
    self.triggers = triggers
    self.styles = styles
    self.bands = bands
    self.beats = beats
    self.memory = memory
    self.words = words
    self.minTrust = minTrust
    self.maxTrust = maxTrust
    self.lines = lines
    self.samples = samples
    self.fromScenario = fromScenario
    self.line = line
    self.column = column
  }

  /// How narrow the rule is: each condition counts, and scenario rules count once more.
  public var specificity: Int {
    var score = fromScenario ? 2 : 0
    if styles != nil { score += 1 }
    if bands != nil { score += 1 }
    if beats != nil { score += 1 }
    score += memory.count * 3
    if !words.isEmpty { score += 2 }
    if minTrust != nil || maxTrust != nil { score += 1 }
    return score
  }

  static let keys = [
    "id", "on", "styles", "bands", "beat", "memory", "words", "min_trust", "max_trust", "lines",
    "samples", "note",
  ]
}

extension NodeReader {
  /// Reads one rule mapping; `nil` (with diagnostics) when it is unusable.
  mutating func rule(_ node: Node, _ what: String, fromScenario: Bool, needIDs: [String])
    -> ReplyRule?
  {
    guard let pairs = mapping(node, what, allowed: ReplyRule.keys) else { return nil }
    var id: String?
    var triggers: [Trigger] = []
    var rule = ReplyRule(
      id: "", triggers: [], lines: [], fromScenario: fromScenario,
      line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    var sawOn = false
    var sawLines = false
    for (key, _, value) in pairs {
      switch key {
      case "id":
        id = string(value, "\(what).id")
        if let text = id, text.contains(where: { $0.isWhitespace }) {
          report(
            "rule id '\(text)' has spaces (use dots and dashes: `anxious.criticism.flooded`)",
            at: value)
        }
      case "on":
        sawOn = true
        if let names = choices(value, "trigger", valid: Trigger.allNames) {
          triggers = names.compactMap(Trigger.init(name:))
        }
      case "styles":
        if let names = choices(value, "style", valid: AttachmentStyle.allCases.map(\.id)) {
          rule.styles = Set(names.compactMap(AttachmentStyle.init(rawValue:)))
        }
      case "bands":
        if let names = choices(value, "band", valid: Band.allCases.map(\.rawValue)) {
          rule.bands = Set(names.compactMap(Band.init(rawValue:)))
        }
      case "beat":
        if let names = choices(value, "beat", valid: needIDs + ["done"]) {
          rule.beats = Set(names)
        }
      case "memory":
        if let names = choices(value, "memory", valid: MemoryKind.allCases.map(\.rawValue)) {
          rule.memory = names.compactMap(MemoryKind.init(rawValue:))
        }
      case "words":
        rule.words = (strings(value, "\(what).words") ?? []).map { $0.lowercased() }
      case "min_trust":
        rule.minTrust = int(value, "\(what).min_trust", range: 0...100)
      case "max_trust":
        rule.maxTrust = int(value, "\(what).max_trust", range: 0...100)
      case "lines":
        sawLines = true
        rule.lines = strings(value, "\(what).lines") ?? []
        if let items = sequenceIfAny(value) {
          for item in items { checkPlaceholders(item) }
        } else {
          checkPlaceholders(value)
        }
      case "samples":
        rule.samples = strings(value, "\(what).samples") ?? []
      default:
        break  // note: free text for authors
      }
    }
    if id == nil {
      report(
        "missing key `id` in \(what) (give the rule a dotted name, e.g. `chores.criticism.never`)",
        at: node)
    }
    if !sawOn {
      report(
        "missing key `on` in \(what) (what it answers: a move such as `criticism`, a cue such as `question`, or an event such as `resolved`)",
        at: node)
    }
    if !sawLines {
      report("missing key `lines` in \(what) (the things the partner can say)", at: node)
    }
    guard let id, !triggers.isEmpty, !rule.lines.isEmpty else { return nil }
    rule.id = id
    rule.triggers = triggers
    return rule
  }

  /// Reports rule ids used twice in a list of rule mappings (even when a rule is otherwise broken).
  mutating func checkDuplicateIDs(_ items: [Node]) {
    var seen: Set<String> = []
    for item in items {
      guard case .mapping(let mapping) = item, let idNode = mapping["id"],
        case .scalar(let scalar) = idNode
      else { continue }
      if !seen.insert(scalar.string).inserted {
        report("duplicate rule id '\(scalar.string)' (each rule needs its own id)", at: idNode)
      }
    }
  }

  private func sequenceIfAny(_ node: Node) -> [Node]? {
    if case .sequence(let sequence) = node { return Array(sequence) }
    return nil
  }

  static let placeholders: Set<String> = [
    "evidence", "echo", "word", "promise", "hurt", "return", "topic",
  ]

  /// Reports `{unknown}` placeholders in a line.
  mutating func checkPlaceholders(_ node: Node) {
    guard case .scalar(let scalar) = node else { return }
    for name in Template.placeholderNames(in: scalar.string) where !Self.placeholders.contains(name)
    {
      report(
        "unknown placeholder '{\(name)}' (valid: \(Self.placeholders.sorted().map { "{\($0)}" }.joined(separator: ", ")))",
        at: node)
    }
  }
}
