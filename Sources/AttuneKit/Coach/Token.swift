/// One normalised token of a reply, with where it stands in the original text.
///
/// Contractions expand to several tokens that share one span (`don't` -> `do`, `not`).
public struct Token: Sendable, Equatable {
  /// The normalised form: lowercased, contractions expanded, misspellings and stretched letters fixed.
  public var text: String
  /// Interned id of `text` in the rule book's vocabulary, or `Token.unknown`.
  public var id: Int32
  public var kind: Kind
  /// Offsets in Unicode scalars of the original text, `end` exclusive.
  public var start: Int
  public var end: Int
  /// Byte offsets in the original text's UTF-8, `utf8End` exclusive.
  public var utf8Start: Int
  public var utf8End: Int
  /// Index of the sentence and of the clause (split at commas, `but`, ...) the token belongs to.
  public var sentence: Int32
  public var clause: Int32
  /// Written in capitals for emphasis ("SO", "ONE").
  public var isCaps: Bool

  public static let unknown: Int32 = -1

  public enum Kind: UInt8, Sendable {
    /// A word or number.
    case word
    /// `?`, `!`, `.`, `...`: ends a sentence (`...` only ends a clause).
    case sentenceEnd
    /// `,`, `;`, `:`, a dash.
    case clauseBreak
    /// An emoji or other symbol.
    case symbol
  }

  public var isWord: Bool { kind == .word }
}
