/// A phrase pattern over normalised tokens, compiled once when the rule book loads.
///
/// Syntax (space-separated elements):
/// - `word` a literal; `a|b|c` one of several; `@list` any entry of a word list (entries may be phrases)
/// - `(you are|your)` one of several token sequences; any element may end in `?` (optional)
/// - `*N` up to N words in between (never across a clause break, a sentence end or a negator);
///   `**N` up to N tokens of any kind within the sentence
/// - `^` start of a sentence; `$` end of a sentence; `#num` a number; `<?>` `<!>` `<,>` `<.>` `<...>` punctuation
/// - `word:caps` the word written in capitals for emphasis; `_` any one word
///
/// Alternatives of several tokens are expanded at load into linear variants; single optional
/// tokens and gaps are matched with backtracking.
struct Pattern: Sendable {
  enum Step: Sendable, Equatable {
    case any(TokenSet, caps: Bool, optional: Bool)
    /// One of several token sequences, each token one of a set (`(you are|your)`, a list with phrases).
    case phrases(Phrases, optional: Bool)
    case gap(Int)
    case wideGap(Int)
    case sentenceStart
    case sentenceEnd
    case number(optional: Bool)
    /// Any one word (`_`).
    case anyWord(optional: Bool)
  }

  let source: String
  /// One linear sequence of steps per expansion of the pattern's alternatives.
  let variants: [[Step]]
}

/// A set of token ids with its number in the rule book's `TokenSets`: sets with the same ids have
/// the same number, so they compare (and the rule index keys them) by number, without hashing.
struct TokenSet: Sendable, Equatable {
  let number: Int32
  let ids: Set<Int32>

  static func == (a: TokenSet, b: TokenSet) -> Bool { a.number == b.number }
}

/// The token sequences of a `phrases` step, with a number of its own (one per compiled atom, shared
/// by every variant the atom expands into), so the rule index derives what it needs from them once.
struct Phrases: Sendable, Equatable {
  let number: Int32
  let options: [[TokenSet]]
}

/// The distinct token sets of a rule book, numbered in the order they are first met.
struct TokenSets: Sendable {
  private(set) var members: [Set<Int32>] = []
  private var numbers: [Set<Int32>: Int32] = [:]

  /// The set with these ids, numbered anew when first met.
  mutating func set(_ ids: Set<Int32>) -> TokenSet {
    if let known = numbers[ids] { return TokenSet(number: known, ids: ids) }
    let number = Int32(members.count)
    numbers[ids] = number
    members.append(ids)
    return TokenSet(number: number, ids: ids)
  }
}

/// The columns of a tokenised reply that matching reads, kept apart so the hot loop touches no strings.
struct TokenColumns {
  var ids: [Int32] = []
  var sentences: [Int32] = []
  var clauses: [Int32] = []
  /// Bit 0: word, 2: caps, 3: negator, 4: number.
  var flags: [UInt8] = []

  static let word: UInt8 = 1
  static let caps: UInt8 = 4
  static let negator: UInt8 = 8
  static let number: UInt8 = 16

  init(tokens: [Token], isNegator: (Int32) -> Bool, isNumberWord: (Int32) -> Bool) {
    ids.reserveCapacity(tokens.count)
    sentences.reserveCapacity(tokens.count)
    clauses.reserveCapacity(tokens.count)
    flags.reserveCapacity(tokens.count)
    for token in tokens {
      ids.append(token.id)
      sentences.append(token.sentence)
      clauses.append(token.clause)
      var flag: UInt8 = 0
      if token.kind == .word {
        flag |= Self.word
        if isNumberWord(token.id) || token.text.utf8.first.map({ $0 >= 48 && $0 <= 57 }) == true {
          flag |= Self.number
        }
        if isNegator(token.id) { flag |= Self.negator }
      }
      if token.isCaps { flag |= Self.caps }
      flags.append(flag)
    }
  }
}
