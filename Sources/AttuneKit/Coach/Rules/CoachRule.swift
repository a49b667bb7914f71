/// One rule of the coach: a move, the phrase patterns that reveal it, and when they don't count.
///
/// Rules live in `Resources/coach/rules.yaml`; each documents what it flags and carries sample
/// replies that a test checks it fires on.
public struct CoachRule: Sendable {
  public enum Scope: String, Sendable, Codable {
    case clause, sentence, message
  }

  public enum QuestionRequirement: String, Sendable, Codable {
    /// The sentence must end in a question mark.
    case required
    /// The sentence must not end in a question mark.
    case forbidden
  }

  /// Dotted id shown in every annotation it produces (`criticism.global-you`).
  public let id: String
  public let move: Move
  /// What the rule flags, in a sentence.
  public let doc: String
  let patterns: [Pattern]
  /// Patterns that cancel the rule when they match within `scope`.
  let unless: [Pattern]
  /// Patterns one of which must also match somewhere in the reply.
  let requires: [Pattern]
  /// Moves that cancel the rule when found within `scope`.
  public let voidedBy: Set<Move>
  public let scope: Scope
  public let question: QuestionRequirement?
  /// Whether a negator just before the match ("not", "never", "don't") cancels it.
  public let negatable: Bool
  /// A better way to say it, with `{rest}` (the user's words after the evidence) and `{evidence}`.
  public let antidote: String?
  /// Replies the rule must fire on.
  public let samples: [String]
}
