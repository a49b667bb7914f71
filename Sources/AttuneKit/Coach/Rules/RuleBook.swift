import Foundation
import Yams

/// The coach's rules, word lists and normalisation, compiled once from YAML.
public struct RuleBook: Sendable {
  public let rules: [CoachRule]
  /// The second reader, consulted for moves the rules did not find (`backup-model.tsv`).
  public var backupModel = BackupModel()
  /// Per move: why it hurts, and a template for a better way to say it.
  public let antidotes: [Move: AntidoteTemplate]
  let normalizer: Normalizer
  let vocabulary: [String: Int32]
  let negators: Set<Int32>
  let negationBarriers: Set<Int32>
  let numberWords: Set<Int32>
  let clauseWords: Set<String>
  /// Every token set the patterns use, numbered (the rule index keys sets by these numbers).
  let tokenSets: TokenSets

  public struct AntidoteTemplate: Sendable, Codable, Equatable {
    public var why: String
    public var `try`: String
  }

  /// The rule book shipped with Attune (or the folder named by `ATTUNE_COACH_RULES`, for rule authors).
  public static let bundled: RuleBook = {
    do {
      if let folder = ProcessInfo.processInfo.environment["ATTUNE_COACH_RULES"], !folder.isEmpty {
        return try RuleBook.load(from: URL(fileURLWithPath: folder))
      }
      return try RuleBook.load(from: bundledURL)
    } catch {
      fatalError("the coach rules are broken: \(error)")
    }
  }()

  /// When `ATTUNE_COACH_RULES` names a rules folder, loads it once so that a mistake in it is
  /// reported as an error (file, line, what is wrong) instead of stopping the program later.
  public static func checkOverride() throws {
    guard let folder = ProcessInfo.processInfo.environment["ATTUNE_COACH_RULES"], !folder.isEmpty else { return }
    _ = try RuleBook.load(from: URL(fileURLWithPath: folder))
  }

  static var bundledURL: URL {
    Bundle.module.url(forResource: "coach", withExtension: nil, subdirectory: "Resources")
      ?? Bundle.module.bundleURL.appendingPathComponent("Resources/coach")
  }

  /// Loads and compiles a rule book: one YAML file, or every `.yaml` file of a folder (in name order).
  public static func load(from url: URL) throws -> RuleBook {
    var isFolder: ObjCBool = false
    let files: [URL]
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
      files = names.filter { $0.hasSuffix(".yaml") }.sorted().map { url.appendingPathComponent($0) }
    } else {
      files = [url]
    }
    // The backup model loads on another core while the rules are parsed and compiled.
    let modelURL = url.appendingPathComponent("backup-model.tsv")
    let model = Pending<BackupModel>()
    if isFolder.boolValue {
      DispatchQueue.global().async(group: model.group) {
        model.result = Result { try BackupModel.load(from: modelURL) }
      }
    }
    var merged = RuleBookFile(rules: [])
    for file in files {
      let text: String
      do {
        text = try String(contentsOf: file, encoding: .utf8)
      } catch {
        throw RuleBookError.unreadable(path: file.path, reason: error.localizedDescription)
      }
      try merged.merge(try RuleBookFile.decode(text, path: file.path), path: file.path)
    }
    var book = try RuleBook(file: merged, path: url.path)
    if isFolder.boolValue {
      model.group.wait()
      if let result = model.result {
        book.backupModel = try result.get()
        book.backupModel.link(vocabulary: book.vocabulary)
      }
    }
    return book
  }

  /// Compiles a rule book from YAML text.
  public init(yaml: String, path: String = "rules.yaml") throws {
    try self.init(file: try RuleBookFile.decode(yaml, path: path), path: path)
  }

  private init(file: RuleBookFile, path: String) throws {
    var vocabulary: [String: Int32] = [:]
    func intern(_ word: String) -> Int32 {
      if let id = vocabulary[word] { return id }
      let id = Int32(vocabulary.count)
      vocabulary[word] = id
      return id
    }
    for mark in ["?", "!", ".", ",", ";", "..."] { _ = intern(mark) }
    for word in file.normalize?.clauseWords ?? [] { _ = intern(word) }

    let lists = file.lists ?? [:]
    // Split once, not at every pattern that names a list.
    let listEntries = lists.mapValues(PatternCompiler.ListEntries.init)
    let listIDs = PatternCompiler.ListIDs()
    var rules: [CoachRule] = []
    var seen = Set<String>()
    for spec in file.rules {
      let path = spec.file ?? path
      let compiler = PatternCompiler(lists: listEntries, listIDs: listIDs, path: path)
      guard let move = Move(id: spec.move) else {
        throw RuleBookError.unknownMove(path: path, rule: spec.id, move: spec.move)
      }
      guard seen.insert(spec.id).inserted else { throw RuleBookError.duplicateRule(path: path, rule: spec.id) }
      var voidedBy = Set<Move>()
      for name in spec.voidedBy ?? [] {
        guard let other = Move(id: name) else { throw RuleBookError.unknownMove(path: path, rule: spec.id, move: name) }
        voidedBy.insert(other)
      }
      func compile(_ sources: [String]?) throws -> [Pattern] {
        try (sources ?? []).map { try compiler.compile($0, rule: spec.id, intern: intern) }
      }
      rules.append(
        CoachRule(
          id: spec.id, move: move, doc: spec.doc ?? "", patterns: try compile(spec.patterns),
          unless: try compile(spec.unless), requires: try compile(spec.requires), voidedBy: voidedBy,
          scope: spec.scope ?? .sentence, question: spec.question, negatable: spec.negatable ?? true,
          antidote: spec.antidote, samples: spec.samples ?? []))
    }

    var antidotes: [Move: AntidoteTemplate] = [:]
    for (name, template) in file.antidotes ?? [:] {
      guard let move = Move(id: name) else { throw RuleBookError.unknownMove(path: path, rule: "antidotes", move: name) }
      antidotes[move] = template
    }
    for move in Move.allCases where !move.isSecure && antidotes[move] == nil {
      throw RuleBookError.missingAntidote(path: path, move: move.rawValue)
    }

    let normalize = file.normalize
    var replacements: [String: [String]] = [:]
    for (from, to) in normalize?.replace ?? [:] {
      replacements[from] = to.split(separator: " ").map(String.init)
    }
    self.rules = rules
    self.antidotes = antidotes
    self.negators = Set((normalize?.negators ?? []).map(intern))
    self.negationBarriers = Set((normalize?.negationBarriers ?? []).map(intern))
    self.numberWords = Set((normalize?.numbers ?? []).map(intern))
    self.clauseWords = Set(normalize?.clauseWords ?? [])
    self.vocabulary = vocabulary
    var normalizer = Normalizer(
      replacements: replacements, isStems: Set(normalize?.isStems ?? []), vocabulary: Set(vocabulary.keys))
    normalizer.intern(vocabulary)
    self.normalizer = normalizer
    self.tokenSets = listIDs.tokenSets
  }
}

/// What can be wrong with a rule book file.
public enum RuleBookError: Error, CustomStringConvertible, Equatable {
  case unreadable(path: String, reason: String)
  case invalid(path: String, reason: String)
  case unknownMove(path: String, rule: String, move: String)
  case duplicateRule(path: String, rule: String)
  case unknownList(path: String, rule: String, list: String, known: [String])
  case badPattern(path: String, rule: String, pattern: String, reason: String)
  case missingAntidote(path: String, move: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): return "\(path): error: cannot read the rule book: \(reason)"
    case .invalid(let path, let reason): return "\(path): error: \(reason)"
    case .unknownMove(let path, let rule, let move):
      return "\(path): error: rule '\(rule)': unknown move '\(move)' (valid: \(Move.allCases.map(\.rawValue).joined(separator: ", ")))"
    case .duplicateRule(let path, let rule): return "\(path): error: rule id '\(rule)' is used twice"
    case .unknownList(let path, let rule, let list, let known):
      return "\(path): error: rule '\(rule)': unknown list '@\(list)' (known: \(known.joined(separator: ", ")))"
    case .badPattern(let path, let rule, let pattern, let reason):
      return "\(path): error: rule '\(rule)': pattern '\(pattern)': \(reason)"
    case .missingAntidote(let path, let move): return "\(path): error: no antidote for insecure move '\(move)'"
    }
  }

  static func describe(_ error: DecodingError) -> String {
    switch error {
    case .dataCorrupted(let context):
      if let underlying = context.underlyingError { return "\(underlying)" }
      return context.debugDescription
    case .keyNotFound(let key, let context):
      return "missing key `\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))`"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "`\(context.codingPath.map(\.stringValue).joined(separator: "."))`: \(context.debugDescription)"
    @unknown default:
      return "\(error)"
    }
  }
}

// MARK: - File format

struct RuleBookFile: Decodable {
  struct Normalize: Decodable {
    var replace: [String: String]?
    var isStems: [String]?
    var negators: [String]?
    var negationBarriers: [String]?
    var numbers: [String]?
    var clauseWords: [String]?

    enum CodingKeys: String, CodingKey {
      case replace, negators, numbers
      case isStems = "is-stems"
      case negationBarriers = "negation-barriers"
      case clauseWords = "clause-words"
    }
  }

  struct RuleSpec: Decodable {
    var id: String
    var move: String
    var doc: String?
    var patterns: [String]?
    var unless: [String]?
    var requires: [String]?
    var voidedBy: [String]?
    var scope: CoachRule.Scope?
    var question: CoachRule.QuestionRequirement?
    var negatable: Bool?
    var antidote: String?
    var samples: [String]?
    /// The file the rule came from, for error messages.
    var file: String?

    enum CodingKeys: String, CodingKey {
      case id, move, doc, patterns, unless, requires, scope, question, negatable, antidote, samples
      case voidedBy = "voided-by"
    }
  }

  var normalize: Normalize?
  var lists: [String: [String]]?
  var antidotes: [String: RuleBook.AntidoteTemplate]?
  var rules: [RuleSpec]

  static func decode(_ yaml: String, path: String) throws -> RuleBookFile {
    do {
      return try YAMLDecoder().decode(RuleBookFile.self, from: yaml)
    } catch let error as DecodingError {
      throw RuleBookError.invalid(path: path, reason: RuleBookError.describe(error))
    } catch {
      throw RuleBookError.invalid(path: path, reason: "\(error)")
    }
  }

  /// Adds another file's rules, lists and antidotes; lists of the same name are joined.
  mutating func merge(_ other: RuleBookFile, path: String) throws {
    if let normalize = other.normalize {
      if self.normalize != nil {
        throw RuleBookError.invalid(path: path, reason: "a second `normalize` section (only one file may have it)")
      }
      self.normalize = normalize
    }
    for (name, entries) in other.lists ?? [:] {
      lists = lists ?? [:]
      lists?[name, default: []].append(contentsOf: entries)
    }
    for (move, template) in other.antidotes ?? [:] {
      antidotes = antidotes ?? [:]
      antidotes?[move] = template
    }
    rules.append(contentsOf: other.rules.map { rule in
      var rule = rule
      rule.file = path
      return rule
    })
  }
}

// MARK: - Pattern compiler

struct PatternCompiler {
  let lists: [String: ListEntries]
  /// Shared by the compilers of every rule, so a list's words are interned once, not at every use.
  let listIDs: ListIDs
  let path: String

  /// Each word list's single-word entries as token ids, once interned (in list order, at the
  /// list's first use: the vocabulary grows exactly as if every use interned them again).
  final class ListIDs {
    var ids: [String: [Int32]] = [:]
    var sets: [String: TokenSet] = [:]
    /// Every token set compiled so far; a word's one-id set is found by its id without hashing a set.
    var tokenSets = TokenSets()
    var wordSets: [Int32: TokenSet] = [:]
    /// How many `phrases` steps have been compiled (the next one's number).
    var phraseCount: Int32 = 0

    /// The numbered set with these ids.
    func set(_ ids: Set<Int32>) -> TokenSet { tokenSets.set(ids) }

    /// The numbered set holding just this word.
    func set(word id: Int32) -> TokenSet {
      if let known = wordSets[id] { return known }
      let set = tokenSets.set([id])
      wordSets[id] = set
      return set
    }
  }

  /// One option of a word atom: a literal word, or a word list's single words (`@name`).
  fileprivate enum WordSource {
    case word(String)
    case list(String)
  }

  /// A word list's entries, lowercased: single words, and phrases as their words.
  struct ListEntries {
    var words: [String] = []
    /// The phrases as pattern nodes (one word node per word), built once: a list is named by
    /// many patterns, and building and freeing its nodes at each use was a third of compiling.
    fileprivate var phrases: [[Node]] = []

    init(_ entries: [String]) {
      for entry in entries {
        let parts = entry.lowercased().split(separator: " ").map(String.init)
        if parts.count == 1 {
          words.append(parts[0])
        } else if parts.count > 1 {
          phrases.append(parts.map { .words([.word($0)], caps: false) })
        }
      }
    }
  }

  fileprivate indirect enum Node {
    case words([WordSource], caps: Bool)
    case sequences([[Node]])
    case optional(Node)
    case gap(Int)
    case wideGap(Int)
    case start, end, number, anyWord
  }

  func compile(_ source: String, rule: String, intern: (String) -> Int32) throws -> Pattern {
    var tokens = lex(source)[...]
    let nodes = try parseSequence(&tokens, rule: rule, source: source, closing: false)
    guard !nodes.isEmpty else {
      throw RuleBookError.badPattern(path: path, rule: rule, pattern: source, reason: "empty pattern")
    }
    var variants: [[Pattern.Step]] = [[]]
    for node in nodes {
      let expansions = expand(node, intern: intern)
      var next: [[Pattern.Step]] = []
      for prefix in variants {
        for expansion in expansions { next.append(prefix + expansion) }
      }
      variants = next
      if variants.count > 4096 {
        throw RuleBookError.badPattern(path: path, rule: rule, pattern: source, reason: "too many alternatives (over 4096)")
      }
    }
    variants = variants.filter { !$0.isEmpty }
    for variant in variants {
      switch variant.first {
      case .gap, .wideGap, .none:
        throw RuleBookError.badPattern(path: path, rule: rule, pattern: source, reason: "a pattern cannot start with a gap")
      default: break
      }
    }
    return Pattern(source: source, variants: variants)
  }

  /// Splits a pattern into atoms. Inside parentheses `|` separates token sequences;
  /// outside, `a|b` is one atom meaning one word of several.
  private func lex(_ source: String) -> [String] {
    if let tokens = source.utf8.withContiguousStorageIfAvailable(Self.lexASCII), let tokens { return tokens }
    var out: [String] = []
    var current = ""
    var depth = 0
    func flush() {
      if !current.isEmpty { out.append(current) }
      current = ""
    }
    var characters = source[...]
    while let character = characters.popFirst() {
      switch character {
      case " ":
        flush()
      case "(":
        flush()
        depth += 1
        out.append("(")
      case ")":
        flush()
        depth -= 1
        if characters.first == "?" {
          characters.removeFirst()
          out.append(")?")
        } else {
          out.append(")")
        }
      case "|" where depth > 0:
        flush()
        out.append("|")
      default:
        current.append(character)
      }
    }
    flush()
    return out
  }

  /// `lex` on the bytes of an ASCII pattern (where bytes and characters are one), or nil.
  private static func lexASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
    guard ByteKeys.isASCII(bytes) else { return nil }
    var out: [String] = []
    var start = 0
    var depth = 0
    func flush(_ end: Int) {
      if end > start { out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)) }
    }
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: " "):
        flush(index)
        start = index + 1
      case UInt8(ascii: "("):
        flush(index)
        depth += 1
        out.append("(")
        start = index + 1
      case UInt8(ascii: ")"):
        flush(index)
        depth -= 1
        if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?") {
          index += 1
          out.append(")?")
        } else {
          out.append(")")
        }
        start = index + 1
      case UInt8(ascii: "|") where depth > 0:
        flush(index)
        out.append("|")
        start = index + 1
      default:
        break
      }
      index += 1
    }
    flush(bytes.count)
    return out
  }

  private func parseSequence(_ tokens: inout ArraySlice<String>, rule: String, source: String, closing: Bool) throws -> [Node] {
    var nodes: [Node] = []
    while let token = tokens.first {
      if token == ")" || token == ")?" || token == "|" {
        if closing { return nodes }
        throw RuleBookError.badPattern(path: path, rule: rule, pattern: source, reason: "unbalanced '\(token)'")
      }
      tokens.removeFirst()
      if token == "(" {
        var options: [[Node]] = []
        while true {
          let option = try parseSequence(&tokens, rule: rule, source: source, closing: true)
          options.append(option)
          guard let next = tokens.first else {
            throw RuleBookError.badPattern(path: path, rule: rule, pattern: source, reason: "missing ')'")
          }
          tokens.removeFirst()
          if next == "|" { continue }
          nodes.append(next == ")?" ? .optional(.sequences(options)) : .sequences(options))
          break
        }
        continue
      }
      nodes.append(try parseAtom(token, rule: rule, source: source))
    }
    if closing { throw RuleBookError.badPattern(path: path, rule: rule, pattern: source, reason: "missing ')'") }
    return nodes
  }

  private func parseAtom(_ raw: String, rule: String, source: String) throws -> Node {
    var text = raw
    var optional = false
    if text.count > 1, text.hasSuffix("?"), text != "<?>" {
      optional = true
      text.removeLast()
    }
    let node: Node
    switch text {
    case "^": node = .start
    case "$": node = .end
    case "#num": node = .number
    case "_": node = .anyWord
    default:
      if text.hasPrefix("**"), let limit = Int(text.dropFirst(2)), limit > 0 {
        node = .wideGap(limit)
      } else if text.hasPrefix("*"), let limit = Int(text.dropFirst()), limit > 0 {
        node = .gap(limit)
      } else {
        var caps = false
        if text.hasSuffix(":caps") {
          caps = true
          text.removeLast(5)
        }
        var sequences: [[Node]] = []
        var words: [WordSource] = []
        for option in Self.options(of: text) {
          if option.hasPrefix("@") {
            let name = String(option.dropFirst())
            guard let entries = lists[name] else {
              throw RuleBookError.unknownList(path: path, rule: rule, list: name, known: lists.keys.sorted())
            }
            if !entries.words.isEmpty { words.append(.list(name)) }
            sequences.append(contentsOf: entries.phrases)
          } else if option.hasPrefix("<"), option.hasSuffix(">") {
            words.append(.word(String(option.dropFirst().dropLast())))
          } else {
            words.append(.word(option.lowercased()))
          }
        }
        if sequences.isEmpty {
          node = .words(words, caps: caps)
        } else {
          if !words.isEmpty { sequences.append([.words(words, caps: caps)]) }
          node = .sequences(sequences)
        }
      }
    }
    return optional ? .optional(node) : node
  }

  /// An atom's `|`-separated options: split on the bytes when ASCII (where bytes and characters
  /// are one), as characters otherwise.
  private static func options(of atom: String) -> [String] {
    // Most atoms are one word: no copy, and no generic split over the UTF-8 view.
    guard atom.utf8.contains(UInt8(ascii: "|")) else { return atom.isEmpty ? [] : [atom] }
    guard atom.utf8.allSatisfy({ $0 < 0x80 }) else { return atom.split(separator: "|").map(String.init) }
    return atom.utf8.split(separator: UInt8(ascii: "|")).map { String(decoding: $0, as: UTF8.self) }
  }

  private func expand(_ node: Node, intern: (String) -> Int32) -> [[Pattern.Step]] {
    switch node {
    case .words(let words, let caps): return [[.any(ids(of: words, intern: intern), caps: caps, optional: false)]]
    case .gap(let limit): return [[.gap(limit)]]
    case .wideGap(let limit): return [[.wideGap(limit)]]
    case .start: return [[.sentenceStart]]
    case .end: return [[.sentenceEnd]]
    case .number: return [[.number(optional: false)]]
    case .anyWord: return [[.anyWord(optional: false)]]
    case .optional(let inner):
      // A single optional token is matched in place; anything longer expands into with/without.
      switch inner {
      case .words(let words, let caps): return [[.any(ids(of: words, intern: intern), caps: caps, optional: true)]]
      case .number: return [[.number(optional: true)]]
      case .anyWord: return [[.anyWord(optional: true)]]
      case .sequences(let options):
        if let phrases = plainPhrases(options, intern: intern) { return [[.phrases(phrases, optional: true)]] }
        return expand(inner, intern: intern) + [[]]
      default: return expand(inner, intern: intern) + [[]]
      }
    case .sequences(let options):
      if let phrases = plainPhrases(options, intern: intern) { return [[.phrases(phrases, optional: false)]] }
      var out: [[Pattern.Step]] = []
      for option in options {
        var variants: [[Pattern.Step]] = [[]]
        for child in option {
          let expansions = expand(child, intern: intern)
          variants = variants.flatMap { prefix in expansions.map { prefix + $0 } }
        }
        out.append(contentsOf: variants)
      }
      return out
    }
  }

  /// The token ids of a word atom's options, interned in order.
  private func ids(of words: [WordSource], intern: (String) -> Int32) -> TokenSet {
    if words.count == 1, case .list(let name) = words[0] { return listSet(name, intern: intern) }
    if words.count == 1, case .word(let word) = words[0] { return listIDs.set(word: intern(word)) }
    var out = Set<Int32>()
    for source in words {
      switch source {
      case .word(let word): out.insert(intern(word))
      case .list(let name): out.formUnion(listWordIDs(name, intern: intern))
      }
    }
    return listIDs.set(out)
  }

  /// A list's single words as token ids, interned at its first use.
  private func listWordIDs(_ name: String, intern: (String) -> Int32) -> [Int32] {
    if let known = listIDs.ids[name] { return known }
    let ids = (lists[name]?.words ?? []).map(intern)
    listIDs.ids[name] = ids
    return ids
  }

  private func listSet(_ name: String, intern: (String) -> Int32) -> TokenSet {
    if let known = listIDs.sets[name] { return known }
    let set = listIDs.set(Set(listWordIDs(name, intern: intern)))
    listIDs.sets[name] = set
    return set
  }

  /// The options as token-set sequences when every option is plain words (no gaps, optionals or caps).
  private func plainPhrases(_ options: [[Node]], intern: (String) -> Int32) -> Phrases? {
    var out: [[TokenSet]] = []
    for option in options {
      var sequence: [TokenSet] = []
      for node in option {
        guard case .words(let words, false) = node else { return nil }
        sequence.append(ids(of: words, intern: intern))
      }
      guard !sequence.isEmpty else { return nil }
      out.append(sequence)
    }
    listIDs.phraseCount += 1
    return Phrases(number: listIDs.phraseCount - 1, options: out)
  }
}

/// A value computed on another thread; read `result` only after `group.wait()`.
private final class Pending<Value>: @unchecked Sendable {
  let group = DispatchGroup()
  var result: Result<Value, any Error>?
}
