/// How words are normalised before rules see them: contractions, common misspellings and
/// chat shorthand, stretched letters. Loaded from the `normalize` section of the rule book.
public struct Normalizer: Sendable {
  /// Whole-word replacements: `dont` -> `do not`, `u` -> `you`, `becuase` -> `because`.
  public var replacements: [String: [String]]
  /// Stems whose `'s` means `is` (`it's`, `that's`); any other `'s` is a possessive and dropped.
  public var isStems: Set<String>
  /// Every word the rules know, used to undo stretched letters (`sooo` -> `so`, `pleeease` -> `please`).
  public var vocabulary: Set<String>

  /// Every word whose normal form is known, with its pieces already interned: one lookup per word.
  private var lexicon: [String: [Piece]] = [:]
  /// The lexicon's ASCII words by their bytes, to `asciiPieces` indices: a reply's plain ASCII
  /// words are looked up without making a `String` or hashing one with SipHash.
  private var asciiLexicon = ByteKeyTable()
  private var asciiPieces: [[Piece]] = []
  /// Whether the bytes of an ASCII word decide: false when some non-ASCII lexicon word holds
  /// U+037E, U+1FEF or U+212A (the only scalars that decompose to ASCII), which `String`
  /// comparison would equate with an ASCII word. Never so in the shipped rules.
  private var asciiBytesDecide = true

  /// One normalised token and its id in the rule book's vocabulary.
  struct Piece: Sendable {
    var text: String
    var id: Int32
  }

  public init(replacements: [String: [String]] = [:], isStems: Set<String> = [], vocabulary: Set<String> = []) {
    self.replacements = replacements
    self.isStems = isStems
    self.vocabulary = vocabulary
  }

  /// Prepares the one-lookup lexicon for the given token ids.
  mutating func intern(_ ids: [String: Int32]) {
    var lexicon: [String: [Piece]] = [:]
    for word in vocabulary { lexicon[word] = [Piece(text: word, id: ids[word] ?? Token.unknown)] }
    for (word, pieces) in replacements {
      lexicon[word] = pieces.map { Piece(text: $0, id: ids[$0] ?? Token.unknown) }
    }
    var asciiLexicon = ByteKeyTable(capacity: lexicon.count)
    var asciiPieces: [[Piece]] = []
    for (word, pieces) in lexicon {
      var word = word
      word.withUTF8 { bytes in
        if ByteKeys.isASCII(bytes) {
          asciiLexicon.insert(bytes, value: Int32(asciiPieces.count))
          asciiPieces.append(pieces)
        }
      }
      if ByteKeys.canEqualASCIIWord(word) { asciiBytesDecide = false }
    }
    self.asciiLexicon = asciiLexicon
    self.asciiPieces = asciiPieces
    self.lexicon = lexicon
    self.ids = ids
  }

  private var ids: [String: Int32] = [:]

  /// The pieces of one lowercased word, in one dictionary lookup for the common case.
  func pieces(_ word: String, apostrophe: Bool, stretched: Bool) -> [Piece] {
    if !apostrophe, !stretched {
      if let known = lexicon[word] { return known }
      return [Piece(text: word, id: Token.unknown)]
    }
    return expand(word).map { Piece(text: $0, id: ids[$0] ?? Token.unknown) }
  }

  /// The pieces of a plain word (no apostrophe, no stretched letters) from its lowercased UTF-8
  /// bytes, as `pieces(_:apostrophe:stretched:)` gives them; nil when the bytes alone cannot decide
  /// (a non-ASCII word: `String` compares by canonical equivalence).
  func plainPieces(_ bytes: UnsafeBufferPointer<UInt8>) -> [Piece]? {
    guard asciiBytesDecide, ByteKeys.isASCII(bytes) else { return nil }
    if let index = asciiLexicon.value(for: bytes) { return asciiPieces[Int(index)] }
    return [Piece(text: String(decoding: bytes, as: UTF8.self), id: Token.unknown)]
  }

  /// Normalises one lowercased word (ASCII apostrophes kept) into one or more tokens.
  func expand(_ word: String) -> [String] {
    if let apostrophe = word.firstIndex(of: "'") {
      let stem = String(word[..<apostrophe])
      let suffix = String(word[word.index(after: apostrophe)...])
      switch suffix {
      case "t" where stem.hasSuffix("n"):
        let base = String(stem.dropLast())
        switch base {
        case "ca": return ["can", "not"]
        case "wo": return ["will", "not"]
        case "sha": return ["shall", "not"]
        case "ai": return ["is", "not"]
        case "": return ["not"]
        default: return expand(base) + ["not"]
        }
      case "re": return expand(stem) + ["are"]
      case "m": return expand(stem) + ["am"]
      case "ll": return expand(stem) + ["will"]
      case "ve": return expand(stem) + ["have"]
      case "d": return expand(stem) + ["would"]
      case "s":
        if stem == "let" { return ["let", "us"] }
        return isStems.contains(stem) ? expand(stem) + ["is"] : expand(stem)
      case "": return expand(stem)
      default:
        // y'all, o'clock, rock'n'roll: keep the letters together.
        return expand(word.replacingOccurrences(of: "'", with: ""))
      }
    }
    if let replacement = replacements[word] { return replacement }
    if vocabulary.contains(word) || word.count < 3 { return [word] }
    let squeezed = Normalizer.squeeze(word, keep: 2)
    if squeezed != word {
      if let replacement = replacements[squeezed] { return replacement }
      if vocabulary.contains(squeezed) { return [squeezed] }
      let single = Normalizer.squeeze(word, keep: 1)
      if let replacement = replacements[single] { return replacement }
      if vocabulary.contains(single) { return [single] }
      return [squeezed]
    }
    return [word]
  }

  /// Shortens every run of three or more identical letters to `keep` letters.
  static func squeeze(_ word: String, keep: Int) -> String {
    var out: [Character] = []
    var run = 0
    var previous: Character?
    for character in word {
      if character == previous {
        run += 1
      } else {
        run = 1
        previous = character
      }
      out.append(character)
      if run > 2 {
        // Undo the whole stretched run down to `keep` letters once it reaches three.
        if run == 3 { out.removeLast(3 - keep) } else { out.removeLast() }
      }
    }
    return String(out)
  }
}
