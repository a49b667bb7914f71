import Foundation

/// The coach's second reader: logistic regressions over token n-grams, trained on labelled replies
/// by `Scripts/train-coach-model.py` and shipped as a TSV of weights.
///
/// Features are the normalised tokens the rules see: words, pairs and triples of words within a
/// sentence, and each sentence's first and last word. Two kinds of model read them:
/// - a *side* model for each side (`side:secure`, `side:insecure`) says whether the reply holds
///   any move of that side; it pools every labelled reply of the side, so it reads a side better
///   than any single move's model;
/// - a model per move says which move of the side it is, and which n-gram gave it away.
///
/// The rules read first. A side they found whose side model is far below zero (`<overrule-threshold>`)
/// is overruled: their words were innocent in this reply ("I know you didn't mean to hurt me"). For a
/// side where they found nothing, the model adds one move when the side model's logit is above that
/// side's threshold: the side's most probable move that no rule cancelled (negated, voided). It names
/// itself as the rule (`criticism.backup-model`), with the n-gram that weighed most for the move as
/// the evidence.
public struct BackupModel: Sendable {
  /// Rule id suffix for moves the model adds.
  public static let ruleSuffix = "backup-model"

  private static let moves = Move.allCases
  private static let moveCount = Move.allCases.count
  /// Weight columns: one per move, then the secure and the insecure side.
  private static let columnCount = moveCount + 2
  private static let sentenceStart = "<s>"
  private static let sentenceEnd = "</s>"

  /// Unigram ids by the words' UTF-8 bytes: the fast path, for the parser and for replies.
  private var words = ByteKeyTable()
  /// Unigram ids by `String`, which compares by canonical equivalence as the model's words always
  /// have been: the authority when the bytes alone do not decide (non-ASCII text missing from `words`).
  private var wordsByString: [String: Int32] = [:]
  /// Whether some non-ASCII word of the model equals an ASCII one as a `String` (it holds U+037E,
  /// U+1FEF or U+212A, the only scalars that decompose to ASCII): then an ASCII word missing from
  /// `words` may still be in `wordsByString`. Never so in the shipped model.
  private var hasASCIIAliases = false
  /// The unigram feature of each word of the rule book's vocabulary (-1: none), so a token's
  /// feature is an array lookup by its id rather than a string hash.
  private var unigramByVocabulary: [Int32] = []
  private var bigramIDs = PackedKeyTable()
  private var trigramIDs = PackedKeyTable()
  /// The unigram ids of `<s>` and `</s>` (-1: none).
  private var sentenceStartID: Int32 = -1
  private var sentenceEndID: Int32 = -1
  /// Feature-major weights: `weights[feature * columnCount + column]`.
  private var weights: [Float] = []
  private var bias: [Float]
  /// Per side (secure, insecure): the logit its side model must exceed when the rules found nothing.
  private var sideThresholds: [Float] = [.infinity, .infinity]
  /// Per side: the logit needed when the rules found the other side (a wrong mixed verdict costs more).
  private var mixedThresholds: [Float] = [.infinity, .infinity]
  /// Per side: the logit needed when the evidence lies in the words or the clause where the rules
  /// found the other side: the model reading the same words the other way, which is rarely right.
  private var samePlaceThresholds: [Float] = [.infinity, .infinity]
  /// The logit a further move of a side already present needs on its own (a second secure move
  /// beside a first, say): it changes the moves, never the verdict.
  private var extraThreshold: Float = .infinity
  /// Per side: below this logit the side model overrules the rules' moves of that side (their words
  /// were innocent here: "I know you didn't mean to hurt me").
  private var overruleThresholds: [Float] = [-.infinity, -.infinity]
  /// A side the rules found alone in a reply of fewer tokens is never overruled: a few words are too
  /// little for the model to judge ("Sorry." is a published repair phrase).
  private var overruleMinimumTokens = 0
  /// Per feature: made only of common words ("if", "and you"), so no evidence on its own.
  private var isWeak: [Bool] = []
  private(set) var featureCount: Int32 = 0

  /// An empty model that never adds a move.
  public init() {
    bias = Array(repeating: -100, count: Self.columnCount)
  }

  /// Parses `column<TAB>feature<TAB>weight` lines, where a column is a move id or `side:secure`,
  /// `side:insecure`; `<bias>` and `<threshold>` are special features, and the row
  /// `*<TAB><weak-evidence><TAB>word word ...` lists words that are no evidence alone.
  public init(tsv: String, path: String = "backup-model.tsv") throws {
    self.init()
    bias = Array(repeating: 0, count: Self.columnCount)
    var text = tsv
    var parser = Parser(path: path)
    var model = self
    try text.withUTF8 { try parser.parse($0, into: &model) }
    self = model
  }

  /// Loads the model file, or an empty model when there is none.
  public static func load(from url: URL) throws -> BackupModel {
    guard FileManager.default.fileExists(atPath: url.path) else { return BackupModel() }
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw RuleBookError.unreadable(path: url.path, reason: error.localizedDescription)
    }
    return try BackupModel(tsv: text, path: url.path)
  }

  /// Links the model to the rule book's vocabulary (token ids), for fast feature lookup.
  mutating func link(vocabulary: [String: Int32]) {
    let size = Int(vocabulary.values.max() ?? -1) + 1
    unigramByVocabulary = Array(repeating: -1, count: size)
    for (word, id) in vocabulary where id >= 0 {
      unigramByVocabulary[Int(id)] = wordsByString[word] ?? -1
    }
  }

  // MARK: - Features

  @inline(__always)
  private func unigramID(_ token: Token) -> Int32? {
    if token.id >= 0 && Int(token.id) < unigramByVocabulary.count {
      let id = unigramByVocabulary[Int(token.id)]
      return id >= 0 ? id : nil
    }
    return unigramID(token.text)
  }

  /// The unigram id of a word not in the rule book's vocabulary: by its bytes, by `String` when
  /// the bytes cannot decide.
  private func unigramID(_ word: String) -> Int32? {
    var isASCII = true
    let found = word.utf8.withContiguousStorageIfAvailable { bytes -> Int32? in
      isASCII = ByteKeys.isASCII(bytes)
      return words.value(for: bytes)
    }
    if let found = found, let found { return found }
    if found != nil, isASCII, !hasASCIIAliases { return nil }
    return wordsByString[word]
  }

  /// A new feature id.
  private mutating func newFeature() -> Int32 {
    featureCount += 1
    return featureCount - 1
  }

  /// The unigram id of a word, interning it when new. Words equal as `String`s share one id.
  private mutating func unigram(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
    if let id = words.value(for: bytes) { return id }
    let word = String(decoding: bytes, as: UTF8.self)
    let id: Int32
    if let known = wordsByString[word] {
      id = known
    } else {
      id = newFeature()
      wordsByString[word] = id
      if !ByteKeys.isASCII(bytes) {
        hasASCIIAliases = hasASCIIAliases || ByteKeys.canEqualASCIIWord(word)
      }
    }
    words.insert(bytes, value: id)
    return id
  }

  private mutating func unigram(_ word: String) -> Int32 {
    var word = word
    return word.withUTF8 { unigram($0) }
  }

  private static func key(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
  }

  /// Three feature ids (each below 2^21) in one key.
  private static func key(_ a: Int32, _ b: Int32, _ c: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 42 | UInt64(UInt32(bitPattern: b)) << 21 | UInt64(UInt32(bitPattern: c))
  }

  // MARK: - Parsing

  /// Reads the model file's lines on their UTF-8 bytes: no `String` per line or cell, weights
  /// parsed in place, each distinct feature split into words once.
  private struct Parser {
    let path: String
    var lineNumber = 0
    /// Feature ids by the feature as written (`love you`), so its other rows (one per column)
    /// cost one lookup.
    var features = ByteKeyTable(capacity: 32_768)
    /// Each distinct feature's words (unigram ids), as runs of `partList`, to flag weak evidence
    /// once every row is read: `(feature, start, end)`.
    var partRuns: [(feature: Int32, start: Int32, end: Int32)] = []
    var partList: [Int32] = []
    /// The `<weak-evidence>` words.
    var weakWords: [String] = []
    /// The last row's column cell and what it named (rows come grouped by column).
    var lastColumnName: [UInt8] = []
    var lastColumn: Int?
    static let columnByName: [String: Int] = {
      var names = Dictionary(uniqueKeysWithValues: BackupModel.moves.enumerated().map { ($1.rawValue, $0) })
      names["side:secure"] = BackupModel.moveCount
      names["side:insecure"] = BackupModel.moveCount + 1
      return names
    }()

    init(path: String) {
      self.path = path
    }

    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, into model: inout BackupModel) throws {
      partRuns.reserveCapacity(32_768)
      partList.reserveCapacity(65_536)
      model.weights.reserveCapacity(32_768 * BackupModel.columnCount)
      var lineStart = 0
      while lineStart <= bytes.count {
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        lineNumber += 1
        try parseLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), into: &model)
        lineStart = lineEnd + 1
      }
      finish(&model)
    }

    private mutating func parseLine(_ line: UnsafeBufferPointer<UInt8>, into model: inout BackupModel) throws {
      guard let first = line.first, first != UInt8(ascii: "#") else { return }
      // Cells: the column, the feature, and the rest of the line (the weight, or the weak words).
      let tab = UInt8(ascii: "\t")
      let firstTab = line.firstIndex(of: tab) ?? line.count
      let name = UnsafeBufferPointer(rebasing: line[..<firstTab])
      if Self.equals(name, "move") { return }
      var feature = UnsafeBufferPointer(rebasing: line[0..<0])
      var value = feature
      if firstTab < line.count, let secondTab = line[(firstTab + 1)...].firstIndex(of: tab) {
        feature = UnsafeBufferPointer(rebasing: line[(firstTab + 1)..<secondTab])
        value = UnsafeBufferPointer(rebasing: line[(secondTab + 1)...])
      }
      let weight = BackupModel.weight(value)
      let column = column(named: name)
      let moveCount = BackupModel.moveCount
      if Self.equals(name, "*"), Self.equals(feature, "<weak-evidence>") {
        weakWords.append(contentsOf: String(decoding: value, as: UTF8.self).split(separator: " ").map(String.init))
      } else if Self.equals(feature, "<bias>"), let weight, let column {
        model.bias[column] = weight
      } else if Self.equals(feature, "<threshold>"), let weight, let column, column >= moveCount {
        model.sideThresholds[column - moveCount] = weight
      } else if Self.equals(feature, "<mixed-threshold>"), let weight, let column, column >= moveCount {
        model.mixedThresholds[column - moveCount] = weight
      } else if Self.equals(feature, "<same-place-threshold>"), let weight, let column, column >= moveCount {
        model.samePlaceThresholds[column - moveCount] = weight
      } else if Self.equals(feature, "<overrule-threshold>"), let weight, let column, column >= moveCount {
        model.overruleThresholds[column - moveCount] = weight
      } else if Self.equals(name, "*"), Self.equals(feature, "<extra-threshold>"), let weight {
        model.extraThreshold = weight
      } else if Self.equals(name, "*"), Self.equals(feature, "<overrule-min-tokens>"), let weight {
        model.overruleMinimumTokens = Int(weight)
      } else if let weight, let column, !feature.isEmpty, !Self.isThresholdName(feature) {
        let id = intern(feature, into: &model)
        let needed = Int(model.featureCount) * BackupModel.columnCount
        if model.weights.count < needed {
          model.weights.append(contentsOf: repeatElement(0, count: needed - model.weights.count))
        }
        model.weights[Int(id) * BackupModel.columnCount + column] = weight
      } else {
        throw RuleBookError.invalid(
          path: "\(path):\(lineNumber)",
          reason: "expected `column<TAB>feature<TAB>weight` with a move id or side:secure|side:insecure as the column "
            + "(or `*<TAB><weak-evidence><TAB>words`), got '\(String(decoding: line.prefix(60), as: UTF8.self))'")
      }
    }

    /// The weight column a row's first cell names: a move id (any case, `_` for `-`) or a side.
    private mutating func column(named name: UnsafeBufferPointer<UInt8>) -> Int? {
      // Compared with memcmp: the generic `elementsEqual` cost about as much as parsing the row.
      if name.count == lastColumnName.count,
        name.isEmpty || lastColumnName.withUnsafeBufferPointer({ memcmp(name.baseAddress!, $0.baseAddress!, name.count) == 0 })
      {
        return lastColumn
      }
      let text = String(decoding: name, as: UTF8.self)
      let column = Self.columnByName[text] ?? Move(id: text).flatMap { Self.columnByName[$0.rawValue] }
      lastColumnName = Array(name)
      lastColumn = column
      return column
    }

    /// A feature's id, interning it when new. Its words are split at spaces and interned first; a
    /// pair or a triple is keyed by its words' ids, anything else is one word, spaces and all.
    private mutating func intern(_ feature: UnsafeBufferPointer<UInt8>, into model: inout BackupModel) -> Int32 {
      if let id = features.value(for: feature) { return id }
      let start = Int32(partList.count)
      if ByteKeys.isASCII(feature) {
        var wordStart = 0
        for index in 0...feature.count where index == feature.count || feature[index] == UInt8(ascii: " ") {
          if index > wordStart { partList.append(model.unigram(UnsafeBufferPointer(rebasing: feature[wordStart..<index]))) }
          wordStart = index + 1
        }
      } else {
        // Split as `String` does, by characters: a space may carry a combining mark.
        for part in String(decoding: feature, as: UTF8.self).split(separator: " ") {
          partList.append(model.unigram(String(part)))
        }
      }
      let parts = partList[Int(start)...]
      var id: Int32
      switch parts.count {
      case 2:
        let key = BackupModel.key(parts[parts.startIndex], parts[parts.startIndex + 1])
        id = model.bigramIDs.value(for: key, orInsert: model.featureCount)
        if id == model.featureCount { id = model.newFeature() }
      case 3:
        let key = BackupModel.key(parts[parts.startIndex], parts[parts.startIndex + 1], parts[parts.startIndex + 2])
        id = model.trigramIDs.value(for: key, orInsert: model.featureCount)
        if id == model.featureCount { id = model.newFeature() }
      default:
        id = model.unigram(feature)
      }
      features.insert(feature, value: id)
      partRuns.append((id, start, Int32(partList.count)))
      return id
    }

    /// Flags weak evidence (features whose every word is a `<weak-evidence>` word or a sentence
    /// edge), finds the sentence edges' ids and sizes the weights to every feature.
    private mutating func finish(_ model: inout BackupModel) {
      var weakWord = [Bool](repeating: false, count: Int(model.featureCount))
      for word in weakWords + [BackupModel.sentenceStart, BackupModel.sentenceEnd] {
        if let id = model.wordsByString[word] { weakWord[Int(id)] = true }
      }
      model.isWeak = [Bool](repeating: false, count: Int(model.featureCount))
      for run in partRuns {
        model.isWeak[Int(run.feature)] = partList[Int(run.start)..<Int(run.end)].allSatisfy { weakWord[Int($0)] }
      }
      model.sentenceStartID = model.wordsByString[BackupModel.sentenceStart] ?? -1
      model.sentenceEndID = model.wordsByString[BackupModel.sentenceEnd] ?? -1
      let size = Int(model.featureCount) * BackupModel.columnCount
      model.weights.append(contentsOf: repeatElement(0, count: size - model.weights.count))
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
      bytes.count == text.utf8CodeUnitCount
        && memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0
    }

    /// Whether a feature ends in `threshold>` (`<threshold>`, `<mixed-threshold>`, a misspelt one).
    private static func isThresholdName(_ feature: UnsafeBufferPointer<UInt8>) -> Bool {
      guard ByteKeys.isASCII(feature) else { return String(decoding: feature, as: UTF8.self).hasSuffix("threshold>") }
      let suffix: StaticString = "threshold>"
      let length = suffix.utf8CodeUnitCount
      return feature.count >= length
        && memcmp(feature.baseAddress! + (feature.count - length), suffix.utf8Start, length) == 0
    }
  }

  /// Powers of ten exact in a `Float` (5^10 < 2^24).
  private static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

  /// A weight cell as `Float(String)` reads it. Plain decimals of up to 7 digits (`-1.0962`) are
  /// read in place: the digits and the power of ten are exact in a `Float`, so one division rounds
  /// correctly, as `Float(String)` does. Anything else goes through `Float(String)`.
  static func weight(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
    var index = 0
    let negative = bytes.first == UInt8(ascii: "-")
    if negative { index = 1 }
    var mantissa: UInt32 = 0
    var digits = 0
    var fractionDigits = 0
    var seenPoint = false
    while index < bytes.count {
      let byte = bytes[index]
      if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
        digits += 1
        guard digits <= 7 else { return Float(String(decoding: bytes, as: UTF8.self)) }
        mantissa = mantissa * 10 + UInt32(byte - UInt8(ascii: "0"))
        if seenPoint { fractionDigits += 1 }
      } else if byte == UInt8(ascii: "."), !seenPoint {
        seenPoint = true
      } else {
        return Float(String(decoding: bytes, as: UTF8.self))
      }
      index += 1
    }
    guard digits > 0 else { return Float(String(decoding: bytes, as: UTF8.self)) }
    let value = Float(mantissa) / powersOfTen[fractionDigits]
    return negative ? -value : value
  }

  /// A feature present in a reply, with the tokens that carry it.
  private struct Present {
    var feature: Int32
    var tokens: Range<Int>
  }

  /// Every feature of the reply, each once: words, pairs and triples within a sentence, and the
  /// sentence's first and last word (`<s> word`, `word </s>`).
  private func presentFeatures(in tokens: [Token]) -> [Present] {
    var present: [Present] = []
    present.reserveCapacity(tokens.count * 3 + 1)
    // The features added so far, in a small open-addressing set sized to the reply (a token adds
    // at most four features) rather than a bitset of every feature of the model.
    let bound = min(tokens.count * 4, Int(featureCount))
    var capacity = 16
    while capacity < bound * 2 { capacity <<= 1 }
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: capacity) { seen in
      seen.initialize(repeating: -1)
      let mask = capacity - 1
      func add(_ feature: Int32?, _ range: Range<Int>) {
        guard let feature else { return }
        var slot = Int(truncatingIfNeeded: UInt32(bitPattern: feature) &* 0x9E37_79B1) & mask
        while seen[slot] >= 0 {
          if seen[slot] == feature { return }
          slot = (slot + 1) & mask
        }
        seen[slot] = feature
        present.append(Present(feature: feature, tokens: range))
      }
      // The unigram ids of the sentence's previous two tokens (-1: no such token, or a word the
      // model never saw).
      var previous: Int32 = -1
      var before: Int32 = -1
      var sentenceFirst = 0
      for index in 0...tokens.count {
        if index == tokens.count || (index > sentenceFirst && tokens[index].sentence != tokens[sentenceFirst].sentence) {
          if previous >= 0, sentenceEndID >= 0 {
            add(bigramIDs.value(for: Self.key(previous, sentenceEndID)), index - 1..<index)
          }
          if index == tokens.count { break }
          previous = -1
          before = -1
          sentenceFirst = index
        }
        let id = unigramID(tokens[index]) ?? -1
        if id >= 0 {
          add(id, index..<index + 1)
          if index == sentenceFirst, sentenceStartID >= 0 {
            add(bigramIDs.value(for: Self.key(sentenceStartID, id)), index..<index + 1)
          }
          if previous >= 0 {
            add(bigramIDs.value(for: Self.key(previous, id)), index - 1..<index + 1)
            if before >= 0 { add(trigramIDs.value(for: Self.key(before, previous, id)), index - 2..<index + 1) }
          }
        }
        before = previous
        previous = id
      }
    }
    return present
  }

  // MARK: - Reading

  /// A move the model adds, with the tokens of the n-gram that weighed most for it.
  struct Finding {
    var move: Move
    /// The side model's probability that the reply holds a move of this side.
    var probability: Float
    var tokenRange: Range<Int>
  }

  /// The model's reading beside the rules': the sides it overrules, and the moves it adds.
  struct Reading {
    /// Per side (secure, insecure): the rules' moves of this side are dropped.
    var overruled: [Bool]
    var findings: [Finding]

    func keeps(_ move: Move) -> Bool { !overruled[move.isSecure ? 0 : 1] }
  }

  /// The model's reading beside the rules'.
  ///
  /// First, a side the rules found but whose side model is below `<overrule-threshold>` is
  /// overruled: the rules' words were innocent in this reply. Not when it is the only side the rules
  /// found in a reply shorter than `<overrule-min-tokens>`. Then, for each side left empty: the side's most probable move that no rule cancelled, with
  /// the n-gram beyond common words that weighs most for it as evidence, when the side model is
  /// above the side's threshold. The threshold is higher when the rules found the other side
  /// (`<mixed-threshold>`), and higher again when the evidence lies in the words or the clause where
  /// they found it (`<same-place-threshold>`). Then any further move of a side now present whose
  /// own logit is above `<extra-threshold>`. Evidence in words a rule of that side matched and
  /// cancelled ("I'm not saying you're *lazy*") adds nothing: the rules read those words and decided.
  func reading(of tokens: [Token], read: [(move: Move, tokens: Range<Int>)], cancelled: [CancelledMatch] = []) -> Reading {
    var reading = Reading(overruled: [false, false], findings: [])
    guard featureCount > 0, !tokens.isEmpty else { return reading }
    let present = presentFeatures(in: tokens)
    var logits = bias
    weights.withUnsafeBufferPointer { weights in
      for item in present {
        let row = Int(item.feature) * Self.columnCount
        for column in 0..<Self.columnCount { logits[column] += weights[row + column] }
      }
    }
    let ruled = [read.contains { $0.move.isSecure }, read.contains { !$0.move.isSecure }]
    var read = read
    for side in 0..<2 where ruled[side] && logits[Self.moveCount + side] < overruleThresholds[side] {
      if !ruled[1 - side] && tokens.count < overruleMinimumTokens { continue }
      let secure = side == 0
      reading.overruled[side] = true
      read.removeAll { $0.move.isSecure == secure }
    }
    var known = MoveSet()
    for item in read { known.insert(item.move) }
    var cancelledMoves = MoveSet()
    for match in cancelled { cancelledMoves.insert(match.move) }
    let hasSide = [known.hasSecure, known.hasInsecure]
    func readCancelled(_ range: Range<Int>, secure: Bool) -> Bool {
      cancelled.contains { $0.move.isSecure == secure && $0.tokens.overlaps(range) }
    }
    var findings: [Finding] = []
    var added = known
    for side in 0..<2 where !hasSide[side] {
      let secure = side == 0
      // The side's most probable move no rule cancelled (the first of equals).
      var best: Int?
      for index in Self.moves.indices where Self.moves[index].isSecure == secure && !cancelledMoves.contains(Self.moves[index]) {
        if best.map({ logits[$0] < logits[index] }) ?? true { best = index }
      }
      // The evidence shown must weigh for the move named, not just for its side.
      guard let move = best, let range = strongest(present, column: move) else { continue }
      var threshold = sideThresholds[side]
      if hasSide[1 - side] {
        let clause = tokens[range.lowerBound].clause
        let samePlace = read.contains { item in
          item.move.isSecure != secure && (item.tokens.overlaps(range) || tokens[item.tokens].contains { $0.clause == clause })
        }
        threshold = samePlace ? max(samePlaceThresholds[side], mixedThresholds[side]) : mixedThresholds[side]
      }
      guard logits[Self.moveCount + side] > threshold, !readCancelled(range, secure: secure) else { continue }
      let probability = 1 / (1 + exp(-logits[Self.moveCount + side]))
      findings.append(Finding(move: Self.moves[move], probability: probability, tokenRange: range))
      added.insert(Self.moves[move])
    }
    for (index, move) in Self.moves.enumerated() where logits[index] > extraThreshold {
      guard !added.contains(move), !cancelledMoves.contains(move), move.isSecure ? added.hasSecure : added.hasInsecure,
        let range = strongest(present, column: index), !readCancelled(range, secure: move.isSecure)
      else { continue }
      let probability = 1 / (1 + exp(-logits[index]))
      findings.append(Finding(move: move, probability: probability, tokenRange: range))
      added.insert(move)
    }
    reading.findings = findings.sorted { $0.tokenRange.lowerBound < $1.tokenRange.lowerBound }
    return reading
  }

  /// The tokens of the present feature that weighs most for a column, leaving out features of
  /// common words only; nil when none weighs for it.
  private func strongest(_ present: [Present], column: Int) -> Range<Int>? {
    var best: (weight: Float, tokens: Range<Int>)?
    for item in present where !isWeak[Int(item.feature)] {
      let weight = weights[Int(item.feature) * Self.columnCount + column]
      if weight > (best?.weight ?? 0) { best = (weight, item.tokens) }
    }
    return best?.tokens
  }
}
