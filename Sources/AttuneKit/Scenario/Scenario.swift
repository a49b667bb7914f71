import Foundation
import Yams

/// One conflict to practise, loaded from `Scenarios/ID.yaml`.
public struct Scenario: Sendable, Equatable {
  /// The file stem.
  public var id: String
  public var title: String
  /// What happened, told to the user before the chat starts.
  public var setup: String
  /// 1 (gentle) to 3 (hard): how stirred up the partner starts.
  public var difficulty: Int
  /// Words that mean the user is talking about this subject (`dishes`, `bins`).
  public var words: [String]
  /// What the partner needs here, in order: need id and how it is said.
  public var needs: [NeedSpec]
  /// The needs that must be met (and the partner calm) for the conflict to resolve.
  public var resolution: [String]
  /// The partner's first line, per style (one is picked by the seed).
  public var openings: [AttachmentStyle: [String]]
  /// Secure things to say at each beat, for `/hint`.
  public var hints: [String: [String]]
  /// The scenario's own reply rules, more specific than the style banks.
  public var replies: [ReplyRule]
  /// Where it was loaded from and the SHA-256 of the file's bytes.
  public var path: String
  public var sha256: String

  static let keys = [
    "version", "title", "setup", "difficulty", "words", "needs", "resolution", "openings", "hints",
    "replies",
  ]
  public static let supportedVersion = 1

  /// Loads and validates a scenario file.
  public static func load(
    path: String, needs catalogue: [String: NeedSpec] = PartnerData.shared.needs
  ) throws(ScenarioError) -> Scenario {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
    let result = parse(bytes: Array(data), path: path, catalogue: catalogue)
    guard let scenario = result.scenario,
      !result.diagnostics.contains(where: { $0.severity == .error })
    else {
      throw .invalid(path: path, diagnostics: result.diagnostics)
    }
    return scenario
  }

  /// Parses scenario bytes, returning every problem found (errors and warnings).
  public static func parse(
    bytes: [UInt8], path: String, catalogue: [String: NeedSpec] = PartnerData.shared.needs
  )
    -> (scenario: Scenario?, diagnostics: [Diagnostic])
  {
    let id = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    if let bad = firstInvalidUTF8(bytes) {
      var reader = NodeReader(path: path, source: "")
      reader.report(
        "the file is not valid UTF-8 (bad byte 0x\(String(bytes[bad], radix: 16)) at offset \(bad)); save it as UTF-8",
        line: bad.lineIn(bytes), column: 1)
      return (nil, reader.diagnostics)
    }
    if bytes.contains(0) {
      var reader = NodeReader(path: path, source: "")
      let offset = bytes.firstIndex(of: 0) ?? 0
      reader.report(
        "the file contains a NUL byte (at offset \(offset)); scenario files are plain text",
        line: offset.lineIn(bytes), column: 1)
      return (nil, reader.diagnostics)
    }
    let source = String(decoding: bytes, as: UTF8.self)
    var reader = NodeReader(path: path, source: source)
    let scenario = reader.scenario(
      source, id: id, path: path, catalogue: catalogue, sha256: SHA256.hex(bytes))
    return (scenario, reader.diagnostics)
  }

  private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    var consumed = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        consumed += UTF8.width(scalar)
        offset = consumed
      case .emptyInput:
        return nil
      case .error:
        return offset
      }
    }
  }

  /// The need ids in resolution order, plus the style's own needs.
  public func requiredNeeds(for profile: StyleProfile) -> [String] {
    var ids = resolution
    for need in profile.needs where !ids.contains(need) { ids.append(need) }
    return ids
  }

  /// How the partner says a need ("to feel heard").
  public func needText(_ id: String, catalogue: [String: NeedSpec] = PartnerData.shared.needs)
    -> String
  {
    needs.first { $0.id == id }?.text ?? catalogue[id]?.text ?? id
  }

  public func need(_ id: String, catalogue: [String: NeedSpec] = PartnerData.shared.needs)
    -> NeedSpec?
  {
    needs.first { $0.id == id } ?? catalogue[id]
  }
}

extension Int {
  fileprivate func lineIn(_ bytes: [UInt8]) -> Int {
    1 + bytes.prefix(self).filter { $0 == 0x0A }.count
  }
}

extension NodeReader {
  mutating func scenario(
    _ source: String, id: String, path: String, catalogue: [String: NeedSpec], sha256: String
  ) -> Scenario? {
    guard let root = compose(source),
      let top = mapping(root, "the scenario", allowed: Scenario.keys)
    else { return nil }
    var s = Scenario(
      id: id, title: "", setup: "", difficulty: 1, words: [], needs: [], resolution: [],
      openings: [:],
      hints: [:], replies: [], path: path, sha256: sha256)
    let present = Set(top.map(\.key))
    for key in ["title", "setup", "openings", "needs", "replies"] where !present.contains(key) {
      let what: String
      switch key {
      case "title": what = "a short name for menus"
      case "setup": what = "what happened, told to the user before the chat"
      case "openings":
        what = "the partner's first line for each of secure, anxious, avoidant, disorganized"
      case "needs": what = "what the partner needs, e.g. `heard: \"to hear that it hurt\"`"
      default: what = "the scenario's own reply rules"
      }
      report("missing key `\(key)` (\(what))", at: root)
    }
    // Needs first: rules and hints refer to them.
    if let needsNode = top.first(where: { $0.key == "needs" })?.value {
      for (needID, keyNode, value) in mapping(needsNode, "needs") ?? [] {
        if case .scalar = value {
          guard var need = catalogue[needID] else {
            report(
              "unknown need '\(needID)' (known needs: \(catalogue.keys.sorted().joined(separator: ", ")); or give `text:` and `moves:` to define a new one)",
              at: keyNode)
            continue
          }
          need.text = string(value, "needs.\(needID)") ?? need.text
          s.needs.append(need)
        } else if let fields = mapping(
          value, "needs.\(needID)", allowed: ["text", "moves", "min_trust"])
        {
          var need =
            catalogue[needID]
            ?? NeedSpec(id: needID, text: needID, moves: [], minTrust: 0, hints: [])
          for (field, _, v) in fields {
            switch field {
            case "text": need.text = string(v, "needs.\(needID).text") ?? need.text
            case "moves":
              need.moves = Set(
                (choices(v, "move", valid: Move.allCases.map(\.id)) ?? []).compactMap(
                  Move.init(id:)))
            case "min_trust":
              need.minTrust = int(v, "needs.\(needID).min_trust", range: 0...100) ?? 0
            default: break
            }
          }
          if need.moves.isEmpty {
            report(
              "need '\(needID)' has no `moves:` (which of the user's moves meet it, e.g. [validation, curiosity])",
              at: keyNode)
          }
          s.needs.append(need)
        }
      }
      if s.needs.isEmpty, case .mapping = needsNode {
        report("`needs` is empty (add at least one, e.g. `heard: \"...\"`)", at: needsNode)
      }
    }
    let needIDs =
      s.needs.map(\.id)
      + catalogue.keys.filter { key in !s.needs.contains { $0.id == key } }.sorted()
    for (key, keyNode, value) in top {
      switch key {
      case "version":
        if let version = int(value, "version", range: 0...Int.max - 1),
          version != Scenario.supportedVersion
        {
          report(
            "unsupported scenario version \(version) (highest supported: \(Scenario.supportedVersion))",
            at: value)
        }
      case "title": s.title = string(value, "title") ?? ""
      case "setup": s.setup = (string(value, "setup") ?? "").trimmingWhitespace
      case "difficulty":
        if case .scalar(let scalar) = value,
          let level = ["easy": 1, "medium": 2, "hard": 3][scalar.string.lowercased()]
        {
          s.difficulty = level
        } else {
          s.difficulty = int(value, "difficulty", range: 1...3) ?? 1
        }
      case "words":
        s.words = (strings(value, "words") ?? []).map { $0.lowercased().trimmingWhitespace }
      case "resolution":
        let valid = s.needs.map(\.id)
        if let list = choices(value, "resolution need", valid: valid) {
          s.resolution = list
          if list.isEmpty {
            report(
              "`resolution` is empty (list the needs that must be met, e.g. [heard, plan])",
              at: value)
          }
        }
      case "openings":
        guard let pairs = mapping(value, "openings", allowed: AttachmentStyle.allCases.map(\.id))
        else { break }
        for (name, _, lines) in pairs {
          if let style = AttachmentStyle(rawValue: name),
            let list = strings(lines, "openings.\(name)")
          {
            s.openings[style] = list
          }
        }
        for style in AttachmentStyle.allCases where s.openings[style] == nil {
          report(
            "missing opening for style '\(style.id)' (each of secure, anxious, avoidant, disorganized needs one)",
            at: keyNode)
        }
      case "hints":
        for (name, hintKey, lines) in mapping(value, "hints") ?? [] {
          guard needIDs.contains(name) || Band(rawValue: name) != nil || name == "any" else {
            report(
              "unknown hint beat '\(name)' (valid: \((s.needs.map(\.id) + ["calm", "activated", "flooded", "any"]).joined(separator: ", ")))",
              at: hintKey)
            continue
          }
          s.hints[name] = strings(lines, "hints.\(name)") ?? []
        }
      case "replies":
        let items = sequence(value, "replies") ?? []
        checkDuplicateIDs(items)
        for (i, item) in items.enumerated() {
          guard let rule = rule(item, "replies[\(i)]", fromScenario: true, needIDs: needIDs) else {
            continue
          }
          s.replies.append(rule)
        }
      default: break
      }
    }
    if s.resolution.isEmpty { s.resolution = s.needs.map(\.id) }
    if present.contains("replies") {
      for style in AttachmentStyle.allCases {
        let count = s.replies.filter { $0.styles == nil || $0.styles?.contains(style) == true }
          .reduce(0) { $0 + $1.lines.count }
        if count < 10 {
          report(
            "only \(count) reply lines for style '\(style.id)' (write at least 10 so the partner has this scenario's voice in a long chat)",
            line: root.mark?.line ?? 1, column: 1, severity: .warning)
        }
      }
    }
    return s
  }
}
