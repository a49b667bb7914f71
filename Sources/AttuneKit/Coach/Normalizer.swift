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
