import Foundation
import Yams

/// A style's reply bank: its rules and the generic lines it falls back on.
public struct ReplyBank: Sendable, Equatable {
  public var style: AttachmentStyle
  public var rules: [ReplyRule]
  /// Generic lines by band, used only when no rule has anything fresh to say.
  public var fallback: [Band: [String]]
}

/// Everything the partner needs that is data, not code: style profiles, needs, cues, reply banks.
///
/// Loaded once from `Resources/partner/` (`styles.yaml`, `cues.yaml`, `bank-STYLE.yaml`).
public struct PartnerData: Sendable {
  public var profiles: [AttachmentStyle: StyleProfile]
  public var needs: [String: NeedSpec]
  public var lexicon: CueLexicon
  public var banks: [AttachmentStyle: ReplyBank]

  /// The data shipped in the bundle. Loading problems are a bug in the shipped files;
  /// `PartnerDataTests` keeps them from shipping.
  public static let shared: PartnerData = {
    do {
      return try PartnerData.loadBundled()
    } catch {
      FileHandle.standardError.write(Data("attune: internal error: \(error)\n".utf8))
      return PartnerData(profiles: [:], needs: [:], lexicon: CueLexicon(), banks: [:])
    }
  }()

  public init(
    profiles: [AttachmentStyle: StyleProfile], needs: [String: NeedSpec], lexicon: CueLexicon,
    banks: [AttachmentStyle: ReplyBank]
  ) {
    self.profiles = profiles
    self.needs = needs
    self.lexicon = lexicon
    self.banks = banks
  }

  /// The folder holding the partner data files in the bundle.
  public static var bundledFolder: URL? {
    Bundle.module.url(
      forResource: "styles", withExtension: "yaml", subdirectory: "Resources/partner")?
      .deletingLastPathComponent()
      ?? Bundle.module.bundleURL.appendingPathComponent("Resources/partner")
  }

  public static func loadBundled() throws(ScenarioError) -> PartnerData {
    guard let folder = bundledFolder else {
      throw .unreadable(path: "Resources/partner", reason: "resource bundle not found")
    }
    return try load(from: folder)
  }

  /// Loads and validates the partner data in `folder`.
  public static func load(from folder: URL) throws(ScenarioError) -> PartnerData {
    func read(_ name: String) throws(ScenarioError) -> (String, String) {
      let url = folder.appendingPathComponent(name)
      do {
        let data = try Data(contentsOf: url)
        return (url.path, String(decoding: data, as: UTF8.self))
      } catch {
        throw .unreadable(path: url.path, reason: error.localizedDescription)
      }
    }
    let (stylesPath, stylesText) = try read("styles.yaml")
    var reader = NodeReader(path: stylesPath, source: stylesText)
    let (profiles, needs) = reader.styles(stylesText)
    if reader.hasErrors { throw .invalid(path: stylesPath, diagnostics: reader.diagnostics) }

    let (cuesPath, cuesText) = try read("cues.yaml")
    reader = NodeReader(path: cuesPath, source: cuesText)
    let lexicon = reader.lexicon(cuesText)
    if reader.hasErrors { throw .invalid(path: cuesPath, diagnostics: reader.diagnostics) }

    var banks: [AttachmentStyle: ReplyBank] = [:]
    for style in AttachmentStyle.allCases {
      let (path, text) = try read("bank-\(style.rawValue).yaml")
      reader = NodeReader(path: path, source: text)
      if let bank = reader.bank(text, style: style, needIDs: needs.keys.sorted()) {
        banks[style] = bank
      }
      if reader.hasErrors { throw .invalid(path: path, diagnostics: reader.diagnostics) }
    }
    return PartnerData(profiles: profiles, needs: needs, lexicon: lexicon, banks: banks)
  }
}

extension NodeReader {
  mutating func styles(_ text: String) -> ([AttachmentStyle: StyleProfile], [String: NeedSpec]) {
    var profiles: [AttachmentStyle: StyleProfile] = [:]
    var needs: [String: NeedSpec] = [:]
    guard let root = compose(text),
      let top = mapping(root, "the styles file", allowed: ["version", "needs", "styles"])
    else {
      return (profiles, needs)
    }
    for (key, _, value) in top where key == "needs" {
      for (id, _, spec) in mapping(value, "needs") ?? [] {
        guard
          let fields = mapping(
            spec, "need '\(id)'", allowed: ["text", "moves", "min_trust", "hints"])
        else { continue }
        var need = NeedSpec(id: id, text: id, moves: [], minTrust: 0, hints: [])
        for (field, _, v) in fields {
          switch field {
          case "text": need.text = string(v, "need text") ?? id
          case "moves":
            need.moves = Set(
              (choices(v, "move", valid: Move.allCases.map(\.id)) ?? []).compactMap(Move.init(id:)))
          case "min_trust": need.minTrust = int(v, "min_trust", range: 0...100) ?? 0
          case "hints": need.hints = strings(v, "hints") ?? []
          default: break
          }
        }
        needs[id] = need
      }
    }
    for (key, _, value) in top where key == "styles" {
      for (name, keyNode, spec) in mapping(value, "styles") ?? [] {
        guard let style = AttachmentStyle(rawValue: name) else {
          report(
            "unknown style '\(name)' (valid: \(AttachmentStyle.allCases.map(\.id).joined(separator: ", ")))",
            at: keyNode)
          continue
        }
        if let profile = profile(spec, style: style, needIDs: Array(needs.keys)) {
          profiles[style] = profile
        }
      }
    }
    for style in AttachmentStyle.allCases where profiles[style] == nil {
      report("missing style '\(style.id)' under `styles:`", line: 1, column: 1)
    }
    return (profiles, needs)
  }

  private mutating func profile(_ node: Node, style: AttachmentStyle, needIDs: [String])
    -> StyleProfile?
  {
    let keys = [
      "baseline", "start", "calm_below", "flooded_at", "trust", "recovery", "rupture_after",
      "steady_turns",
      "needs", "soothers", "moves", "cues", "thoughts", "hints",
    ]
    guard let fields = mapping(node, "style '\(style.id)'", allowed: keys) else { return nil }
    var p = StyleProfile(
      style: style, baseline: 40, start: 50, calmBelow: 40, floodedAt: 75, trust: 50, recovery: 0.2,
      ruptureAfter: 2, steadyTurns: 1, needs: [], soothers: [], moveEffects: [:], cueEffects: [:],
      thoughts: [:], hints: [:])
    for (key, _, v) in fields {
      switch key {
      case "baseline": p.baseline = int(v, "baseline", range: 0...100) ?? p.baseline
      case "start": p.start = int(v, "start", range: 0...100) ?? p.start
      case "calm_below": p.calmBelow = int(v, "calm_below", range: 0...100) ?? p.calmBelow
      case "flooded_at": p.floodedAt = int(v, "flooded_at", range: 0...100) ?? p.floodedAt
      case "trust": p.trust = int(v, "trust", range: 0...100) ?? p.trust
      case "recovery": p.recovery = double(v, "recovery", range: 0...1) ?? p.recovery
      case "rupture_after":
        p.ruptureAfter = int(v, "rupture_after", range: 1...20) ?? p.ruptureAfter
      case "steady_turns": p.steadyTurns = int(v, "steady_turns", range: 0...20) ?? p.steadyTurns
      case "needs": p.needs = choices(v, "need", valid: needIDs.sorted()) ?? []
      case "soothers":
        p.soothers = Set(
          (choices(v, "move", valid: Move.allCases.map(\.id)) ?? []).compactMap(Move.init(id:)))
      case "moves":
        for (name, keyNode, effect) in mapping(v, "moves") ?? [] {
          guard let move = Move(id: name) else {
            report(
              "unknown move '\(name)' (valid: \(Move.allCases.map(\.id).joined(separator: ", ")))",
              at: keyNode)
            continue
          }
          if let e = self.effect(effect, "moves.\(name)") { p.moveEffects[move] = e }
        }
      case "cues":
        for (name, keyNode, effect) in mapping(v, "cues") ?? [] {
          guard let cue = Cue(rawValue: name) else {
            report(
              "unknown cue '\(name)' (valid: \(Cue.allCases.map(\.rawValue).joined(separator: ", ")))",
              at: keyNode)
            continue
          }
          if let e = self.effect(effect, "cues.\(name)") { p.cueEffects[cue] = e }
        }
      case "thoughts", "hints":
        var table: [Band: [String]] = [:]
        for (name, keyNode, lines) in mapping(v, key) ?? [] {
          guard let band = Band(rawValue: name) else {
            report("unknown band '\(name)' (valid: calm, activated, flooded)", at: keyNode)
            continue
          }
          table[band] = strings(lines, "\(key).\(name)") ?? []
        }
        if key == "thoughts" { p.thoughts = table } else { p.hints = table }
      default: break
      }
    }
    if p.calmBelow >= p.floodedAt {
      report("calm_below (\(p.calmBelow)) must be below flooded_at (\(p.floodedAt))", at: node)
    }
    return p
  }

  /// `[arousal, trust]`
  private mutating func effect(_ node: Node, _ what: String) -> StyleProfile.Effect? {
    guard let items = sequence(node, what), items.count == 2,
      let a = int(items[0], "\(what) arousal change", range: -50...50),
      let t = int(items[1], "\(what) trust change", range: -50...50)
    else {
      if case .sequence(let s) = node, s.count != 2 {
        report("\(what) must be [arousal change, trust change], e.g. [8, -4]", at: node)
      }
      return nil
    }
    return StyleProfile.Effect(arousal: a, trust: t)
  }

  mutating func lexicon(_ text: String) -> CueLexicon {
    var lexicon = CueLexicon()
    guard let root = compose(text),
      let top = mapping(
        root, "the cues file",
        allowed: [
          "version", "phrases", "english", "foreign", "offtopic", "relationship", "numbers",
          "return_phrases", "safety_message", "figures_of_speech",
        ])
    else { return lexicon }
    func words(_ list: [String]) -> Set<String> { Set(list.flatMap { tokenize($0) }) }
    for (key, _, v) in top {
      switch key {
      case "phrases":
        for (name, keyNode, list) in mapping(v, "phrases") ?? [] {
          guard let cue = Cue(rawValue: name) else {
            report(
              "unknown cue '\(name)' (valid: \(Cue.allCases.map(\.rawValue).joined(separator: ", ")))",
              at: keyNode)
            continue
          }
          lexicon.phrases[cue] = (strings(list, "phrases.\(name)") ?? []).map(tokenize).filter {
            !$0.isEmpty
          }
        }
      case "english": lexicon.english = words(strings(v, key) ?? [])
      case "foreign": lexicon.foreign = words(strings(v, key) ?? [])
      case "offtopic": lexicon.offtopic = words(strings(v, key) ?? [])
      case "relationship": lexicon.relationship = words(strings(v, key) ?? [])
      case "numbers": lexicon.numbers = words(strings(v, key) ?? [])
      case "return_phrases": lexicon.returnPhrases = (strings(v, key) ?? []).map(tokenize)
      case "safety_message": lexicon.safetyMessage = string(v, key) ?? ""
      case "figures_of_speech": lexicon.figuresOfSpeech = (strings(v, key) ?? []).map(tokenize).filter { !$0.isEmpty }
      default: break
      }
    }
    return lexicon
  }

  mutating func bank(_ text: String, style: AttachmentStyle, needIDs: [String]) -> ReplyBank? {
    guard let root = compose(text),
      let top = mapping(
        root, "the \(style.id) bank", allowed: ["version", "style", "rules", "fallback"])
    else { return nil }
    var bank = ReplyBank(style: style, rules: [], fallback: [:])
    for (key, _, v) in top {
      switch key {
      case "style":
        if let name = choice(v, "style", valid: AttachmentStyle.allCases.map(\.id)),
          name != style.id
        {
          report("this bank is for '\(name)' but its file name says '\(style.id)'", at: v)
        }
      case "rules":
        let items = sequence(v, "rules") ?? []
        checkDuplicateIDs(items)
        for (i, item) in items.enumerated() {
          guard var rule = rule(item, "rules[\(i)]", fromScenario: false, needIDs: needIDs) else {
            continue
          }
          if rule.styles == nil { rule.styles = [style] }
          bank.rules.append(rule)
        }
      case "fallback":
        for (name, keyNode, lines) in mapping(v, "fallback") ?? [] {
          guard let band = Band(rawValue: name) else {
            report("unknown band '\(name)' (valid: calm, activated, flooded)", at: keyNode)
            continue
          }
          bank.fallback[band] = strings(lines, "fallback.\(name)") ?? []
        }
      default: break
      }
    }
    for band in Band.allCases where (bank.fallback[band] ?? []).isEmpty {
      report("missing fallback lines for band '\(band.rawValue)'", at: root)
    }
    return bank
  }
}
