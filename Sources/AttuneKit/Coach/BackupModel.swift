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
/// The rules read first. For a side where they found nothing, the model adds one move when the side
/// model's logit is above that side's threshold: the side's most probable move that no rule
/// cancelled (negated, voided). It names itself as the rule (`criticism.backup-model`), with the
/// n-gram that weighed most for the move as the evidence.
public struct BackupModel: Sendable {
  /// Rule id suffix for moves the model adds.
  public static let ruleSuffix = "backup-model"

  private static let moves = Move.allCases
  private static let moveCount = Move.allCases.count
  /// Weight columns: one per move, then the secure and the insecure side.
  private static let columnCount = moveCount + 2
  private static let sentenceStart = "<s>"
  private static let sentenceEnd = "</s>"

  private var unigramIDs: [String: Int32] = [:]
  /// The unigram feature of each word of the rule book's vocabulary (-1: none), so a token's
  /// feature is an array lookup by its id rather than a string hash.
  private var unigramByVocabulary: [Int32] = []
  private var bigramIDs: [UInt64: Int32] = [:]
  private var trigramIDs: [UInt64: Int32] = [:]
  /// Feature-major weights: `weights[feature * columnCount + column]`.
  private var weights: [Float] = []
  private var bias: [Float]
  /// Per side (secure, insecure): the logit its side model must exceed when the rules found nothing.
  private var sideThresholds: [Float] = [.infinity, .infinity]
  /// Per side: the logit needed when the rules found the other side elsewhere in the reply (a
  /// mixed verdict: "Thanks for cooking. Would it kill you to wipe the counter?").
  private var mixedThresholds: [Float] = [.infinity, .infinity]
  /// Per side: the logit needed when the evidence lies in the words or the clause where the rules
  /// found the other side: the model reading the same words the other way, which is rarely right.
  private var samePlaceThresholds: [Float] = [.infinity, .infinity]
  /// Features made only of common words ("if", "and you"): no evidence on their own.
  private var weakEvidence = Set<Int32>()
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
    var pending: [(Int32, Int, Float)] = []
    pending.reserveCapacity(65_536)
    var lineNumber = 0
    var columnByName = Dictionary(uniqueKeysWithValues: Self.moves.enumerated().map { ($1.rawValue, $0) })
    columnByName["side:secure"] = Self.moveCount
    columnByName["side:insecure"] = Self.moveCount + 1
    var weakWords: [Substring] = []
    var featureWords: [Int32: String] = [:]
    for line in tsv.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      guard let first = line.first, first != UInt8(ascii: "#") else { continue }
      let cells = line.split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
      let columnName = String(decoding: cells[0], as: UTF8.self)
      if columnName == "move" { continue }
      let feature = cells.count == 3 ? String(decoding: cells[1], as: UTF8.self) : ""
      let value = cells.count == 3 ? String(decoding: cells[2], as: UTF8.self) : ""
      let weight = Float(value)
      let column = columnByName[columnName] ?? Move(id: columnName).flatMap { columnByName[$0.rawValue] }
      switch (columnName, feature, weight, column) {
      case ("*", "<weak-evidence>", _, _): weakWords.append(contentsOf: value.split(separator: " "))
      case (_, "<bias>", let weight?, let column?): bias[column] = weight
      case (_, "<threshold>", let weight?, let column?) where column >= Self.moveCount:
        sideThresholds[column - Self.moveCount] = weight
      case (_, "<mixed-threshold>", let weight?, let column?) where column >= Self.moveCount:
        mixedThresholds[column - Self.moveCount] = weight
      case (_, "<same-place-threshold>", let weight?, let column?) where column >= Self.moveCount:
        samePlaceThresholds[column - Self.moveCount] = weight
      case (_, _, let weight?, let column?) where !feature.isEmpty && !feature.hasSuffix("threshold>"):
        let id = intern(feature)
        pending.append((id, column, weight))
        featureWords[id] = feature
      default:
        throw RuleBookError.invalid(
          path: "\(path):\(lineNumber)",
          reason: "expected `column<TAB>feature<TAB>weight` with a move id or side:secure|side:insecure as the column "
            + "(or `*<TAB><weak-evidence><TAB>words`), got '\(String(decoding: line.prefix(60), as: UTF8.self))'")
      }
    }
    let weak = Set(weakWords.map(String.init) + [Self.sentenceStart, Self.sentenceEnd])
    weakEvidence = Set(featureWords.filter { $0.value.split(separator: " ").allSatisfy { weak.contains(String($0)) } }.keys)
    weights = Array(repeating: 0, count: Int(featureCount) * Self.columnCount)
    for (feature, column, weight) in pending { weights[Int(feature) * Self.columnCount + column] = weight }
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
      unigramByVocabulary[Int(id)] = unigramIDs[word] ?? -1
    }
  }

  // MARK: - Features

  @inline(__always)
  private func unigramID(_ token: Token) -> Int32? {
    if token.id >= 0 && Int(token.id) < unigramByVocabulary.count {
      let id = unigramByVocabulary[Int(token.id)]
      return id >= 0 ? id : nil
    }
    return unigramIDs[token.text]
  }

  private mutating func intern(_ feature: String) -> Int32 {
    let parts = feature.split(separator: " ").map { unigram(String($0)) }
    switch parts.count {
    case 2:
      let key = Self.key(parts[0], parts[1])
      if let id = bigramIDs[key] { return id }
      bigramIDs[key] = featureCount
    case 3:
      let key = Self.key(parts[0], parts[1], parts[2])
      if let id = trigramIDs[key] { return id }
      trigramIDs[key] = featureCount
    default:
      return unigram(feature)
    }
    featureCount += 1
    return featureCount - 1
  }

  private mutating func unigram(_ word: String) -> Int32 {
    if let id = unigramIDs[word] { return id }
    let id = featureCount
    featureCount += 1
    unigramIDs[word] = id
    return id
  }

  private static func key(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
  }

  /// Three feature ids (each below 2^21) in one key.
  private static func key(_ a: Int32, _ b: Int32, _ c: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 42 | UInt64(UInt32(bitPattern: b)) << 21 | UInt64(UInt32(bitPattern: c))
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
    present.reserveCapacity(tokens.count * 3)
    var seen = [UInt64](repeating: 0, count: (Int(featureCount) + 63) / 64)
    func add(_ feature: Int32?, _ range: Range<Int>) {
      guard let feature else { return }
      let word = Int(feature) >> 6
      let bit = UInt64(1) << UInt64(Int(feature) & 63)
      if seen[word] & bit != 0 { return }
      seen[word] |= bit
      present.append(Present(feature: feature, tokens: range))
    }
    let start = unigramIDs[Self.sentenceStart]
    let end = unigramIDs[Self.sentenceEnd]
    // Unigram ids of the current sentence's tokens so far (nil: a word the model never saw).
    var sentence: [Int32?] = []
    var sentenceFirst = 0
    for index in 0...tokens.count {
      if index == tokens.count || (index > sentenceFirst && tokens[index].sentence != tokens[sentenceFirst].sentence) {
        if let last = sentence.last, let last, let end {
          add(bigramIDs[Self.key(last, end)], index - 1..<index)
        }
        if index == tokens.count { break }
        sentence.removeAll(keepingCapacity: true)
        sentenceFirst = index
      }
      let id = unigramID(tokens[index])
      add(id, index..<index + 1)
      if let id {
        if sentence.isEmpty, let start { add(bigramIDs[Self.key(start, id)], index..<index + 1) }
        if let previous = sentence.last, let previous {
          add(bigramIDs[Self.key(previous, id)], index - 1..<index + 1)
          if sentence.count >= 2, let before = sentence[sentence.count - 2] {
            add(trigramIDs[Self.key(before, previous, id)], index - 2..<index + 1)
          }
        }
      }
      sentence.append(id)
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

  /// What the model adds to the rules' reading: for each side the rules left empty, the side's most
  /// probable move that no rule cancelled, with the n-gram beyond common words that weighs most for
  /// it as evidence, when the side model is above the side's threshold. The threshold is higher
  /// when the rules found the other side (`<mixed-threshold>`), and higher again when the evidence
  /// lies in the words or the clause where they found it (`<same-place-threshold>`). A side whose
  /// evidence lies in words a rule of that side matched and cancelled ("I'm not saying you're
  /// *lazy*") gets nothing: the rules read those words and decided.
  func findings(in tokens: [Token], read: [(move: Move, tokens: Range<Int>)], cancelled: [CancelledMatch] = []) -> [Finding] {
    var known = MoveSet()
    for item in read { known.insert(item.move) }
    let vetoed = MoveSet(cancelled.map(\.move))
    let hasSide = [known.hasSecure, known.hasInsecure]
    guard featureCount > 0, !tokens.isEmpty, !(hasSide[0] && hasSide[1]) else { return [] }
    let present = presentFeatures(in: tokens)
    var logits = bias
    weights.withUnsafeBufferPointer { weights in
      for item in present {
        let row = Int(item.feature) * Self.columnCount
        for column in 0..<Self.columnCount { logits[column] += weights[row + column] }
      }
    }
    var findings: [Finding] = []
    for side in 0..<2 where !hasSide[side] {
      let secure = side == 0
      let options = Self.moves.indices.filter { Self.moves[$0].isSecure == secure && !vetoed.contains(Self.moves[$0]) }
      guard let move = options.max(by: { logits[$0] < logits[$1] }),
        let range = strongest(present, column: move) ?? strongest(present, column: Self.moveCount + side)
      else { continue }
      var threshold = sideThresholds[side]
      if hasSide[1 - side] {
        let other = read.filter { $0.move.isSecure != secure }.map(\.tokens)
        let clause = tokens[range.lowerBound].clause
        let samePlace = other.contains { $0.overlaps(range) || tokens[$0].contains { $0.clause == clause } }
        threshold = samePlace ? samePlaceThresholds[side] : mixedThresholds[side]
      }
      guard logits[Self.moveCount + side] > threshold else { continue }
      if cancelled.contains(where: { $0.move.isSecure == secure && $0.tokens.overlaps(range) }) { continue }
      let probability = 1 / (1 + exp(-logits[Self.moveCount + side]))
      findings.append(Finding(move: Self.moves[move], probability: probability, tokenRange: range))
    }
    return findings.sorted { $0.tokenRange.lowerBound < $1.tokenRange.lowerBound }
  }

  /// The tokens of the present feature that weighs most for a column, leaving out features of
  /// common words only; nil when none weighs for it.
  private func strongest(_ present: [Present], column: Int) -> Range<Int>? {
    var best: (weight: Float, tokens: Range<Int>)?
    for item in present where !weakEvidence.contains(item.feature) {
      let weight = weights[Int(item.feature) * Self.columnCount + column]
      if weight > (best?.weight ?? 0) { best = (weight, item.tokens) }
    }
    return best?.tokens
  }
}
