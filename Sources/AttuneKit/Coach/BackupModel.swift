import Foundation

/// The coach's second reader: a logistic regression per move over token n-grams, trained on
/// labelled replies by `Scripts/train-coach-model.py` and shipped as a TSV of weights.
///
/// The rules read first. The model only adds a move the rules did not find, when it is confident
/// (above the move's threshold), and names itself as the rule (`criticism.backup-model`) with the
/// n-gram that weighed most as the evidence.
public struct BackupModel: Sendable {
  /// Rule id suffix for moves the model adds.
  public static let ruleSuffix = "backup-model"

  private var unigramIDs: [String: Int32] = [:]
  /// The unigram feature of each word of the rule book's vocabulary (-1: none), so a token's
  /// feature is an array lookup by its id rather than a string hash.
  private var unigramByVocabulary: [Int32] = []
  private var bigramIDs: [UInt64: Int32] = [:]
  /// Feature-major weights: `weights[feature * moveCount + move]`.
  private var weights: [Float] = []
  private var bias: [Float]
  private var thresholds: [Float]
  /// The probability a move needs when the rules found only moves of the other side.
  private var mixedThreshold: Float = 0.9
  /// The weight the strongest n-gram for a move must reach: the model needs a cue, not just priors.
  private var minimumEvidence: Float = 0
  private(set) var featureCount: Int32 = 0
  private static let moves = Move.allCases
  private static let moveCount = Move.allCases.count

  /// An empty model that never adds a move.
  public init() {
    bias = Array(repeating: -100, count: Self.moveCount)
    thresholds = Array(repeating: 1, count: Self.moveCount)
  }

  /// Parses `move<TAB>feature<TAB>weight` lines; `<bias>` and `<threshold>` are special features.
  public init(tsv: String, path: String = "backup-model.tsv") throws {
    self.init()
    thresholds = Array(repeating: 0.9, count: Self.moveCount)
    bias = Array(repeating: 0, count: Self.moveCount)
    var pending: [(Int32, Int, Float)] = []
    pending.reserveCapacity(32_768)
    var lineNumber = 0
    let moveByID = Dictionary(uniqueKeysWithValues: Self.moves.enumerated().map { ($1.rawValue, $0) })
    for line in tsv.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      guard let first = line.first, first != UInt8(ascii: "#") else { continue }
      let cells = line.split(separator: UInt8(ascii: "\t"), maxSplits: 2, omittingEmptySubsequences: false)
      let moveName = String(decoding: cells[0], as: UTF8.self)
      if moveName == "move" { continue }
      let feature = cells.count == 3 ? String(decoding: cells[1], as: UTF8.self) : ""
      let weight = cells.count == 3 ? Float(String(decoding: cells[2], as: UTF8.self)) : nil
      let moveIndex = moveByID[moveName] ?? Move(id: moveName).flatMap { moveByID[$0.rawValue] }
      switch (moveName, feature, weight, moveIndex) {
      // Parameters of the whole model sit on a `*` row.
      case ("*", "<mixed-threshold>", let weight?, _): mixedThreshold = weight
      case ("*", "<min-evidence>", let weight?, _): minimumEvidence = weight
      case (_, "<bias>", let weight?, let move?): bias[move] = weight
      case (_, "<threshold>", let weight?, let move?): thresholds[move] = weight
      case (_, _, let weight?, let move?) where !feature.hasPrefix("<"): pending.append((intern(feature), move, weight))
      default:
        throw RuleBookError.invalid(
          path: "\(path):\(lineNumber)",
          reason: "expected `move<TAB>feature<TAB>weight` (or `*<TAB><mixed-threshold>|<min-evidence><TAB>value`), got '\(String(decoding: line.prefix(60), as: UTF8.self))'")
      }
    }
    weights = Array(repeating: 0, count: Int(featureCount) * Self.moveCount)
    for (feature, move, weight) in pending { weights[Int(feature) * Self.moveCount + move] = weight }
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

  @inline(__always)
  private func unigramID(_ token: Token) -> Int32? {
    if token.id >= 0 && Int(token.id) < unigramByVocabulary.count {
      let id = unigramByVocabulary[Int(token.id)]
      return id >= 0 ? id : nil
    }
    return unigramIDs[token.text]
  }

  private mutating func intern(_ feature: String) -> Int32 {
    let parts = feature.split(separator: " ")
    if parts.count == 2 {
      let key = bigramKey(unigram(String(parts[0])), unigram(String(parts[1])))
      if let id = bigramIDs[key] { return id }
      let id = featureCount
      featureCount += 1
      bigramIDs[key] = id
      return id
    }
    return unigram(feature)
  }

  private mutating func unigram(_ word: String) -> Int32 {
    if let id = unigramIDs[word] { return id }
    let id = featureCount
    featureCount += 1
    unigramIDs[word] = id
    return id
  }

  private func bigramKey(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
  }

  /// A move the model is confident of, with the tokens of the n-gram that weighed most for it.
  struct Finding {
    var move: Move
    var probability: Float
    var tokenRange: Range<Int>
  }

  /// What the model adds to the rules' reading: at most one secure and one insecure move, each the
  /// most probable above its threshold. A side the rules already found gets nothing; a move a rule
  /// matched and then cancelled (negated, voided) is never added; and a move of the other side than
  /// the rules found must clear `mixedThreshold`, because a wrongly mixed verdict is the usual error.
  func findings(in tokens: [Token], found known: MoveSet, vetoed: MoveSet = MoveSet()) -> [Finding] {
    let hasSecure = known.hasSecure
    let hasInsecure = known.hasInsecure
    if hasSecure && hasInsecure { return [] }
    var bestSecure: Finding?
    var bestInsecure: Finding?
    for finding in candidates(in: tokens, excluding: known.union(vetoed)) {
      let secure = finding.move.isSecure
      if secure ? hasSecure : hasInsecure { continue }
      if (hasSecure || hasInsecure) && finding.probability < mixedThreshold { continue }
      if secure {
        if finding.probability > bestSecure?.probability ?? 0 { bestSecure = finding }
      } else if finding.probability > bestInsecure?.probability ?? 0 {
        bestInsecure = finding
      }
    }
    switch (bestSecure, bestInsecure) {
    case let (secure?, insecure?):
      return insecure.tokenRange.lowerBound < secure.tokenRange.lowerBound ? [insecure, secure] : [secure, insecure]
    case let (secure?, nil): return [secure]
    case let (nil, insecure?): return [insecure]
    case (nil, nil): return []
    }
  }

  /// Every move above its threshold, among those not in `known`.
  func candidates(in tokens: [Token], excluding known: MoveSet) -> [Finding] {
    guard featureCount > 0, !tokens.isEmpty else { return [] }
    // Features present, each once, with the tokens that carry it.
    var present: [(feature: Int32, range: Range<Int>)] = []
    // Features already counted, one bit each.
    var seen = [UInt64](repeating: 0, count: (Int(featureCount) + 63) / 64)
    func firstTime(_ feature: Int32) -> Bool {
      let word = Int(feature) >> 6
      let bit = UInt64(1) << UInt64(Int(feature) & 63)
      if seen[word] & bit != 0 { return false }
      seen[word] |= bit
      return true
    }
    var previous: Int32?
    var previousSentence: Int32 = -1
    for (index, token) in tokens.enumerated() {
      let id = unigramID(token)
      if let id, firstTime(id) { present.append((id, index..<index + 1)) }
      if let id, let previous, previousSentence == token.sentence,
        let bigram = bigramIDs[bigramKey(previous, id)], firstTime(bigram)
      {
        present.append((bigram, index - 1..<index + 1))
      }
      previous = id
      previousSentence = token.sentence
      if id == nil { previous = nil }
    }
    var findings: [Finding] = []
    for (moveIndex, move) in Self.moves.enumerated() where !known.contains(move) {
      var z = bias[moveIndex]
      var best: (weight: Float, range: Range<Int>)?
      for (feature, range) in present {
        let weight = weights[Int(feature) * Self.moveCount + moveIndex]
        z += weight
        if weight > (best?.weight ?? 0) { best = (weight, range) }
      }
      let probability = 1 / (1 + exp(-z))
      if probability > thresholds[moveIndex], let best, best.weight >= minimumEvidence {
        findings.append(Finding(move: move, probability: probability, tokenRange: best.range))
      }
    }
    return findings
  }
}
