/// Reads one reply and names its secure and insecure moves.
public struct Coach: Sendable {
  public init() {}

  /// Annotates one reply.
  public func annotate(_ text: String) -> Annotation {
    Annotation(text: text, verdict: .neutral, moves: [], signals: [], antidote: nil)
  }
}
