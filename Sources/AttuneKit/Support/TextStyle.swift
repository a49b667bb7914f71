/// ANSI styling for terminal output, or none at all.
///
/// Colour follows the NO_COLOR convention: on only when the stream is a terminal, `TERM` is not
/// `dumb` and `NO_COLOR` is unset or empty.
public struct TextStyle: Sendable, Equatable {
  public var colour: Bool

  public init(colour: Bool) {
    self.colour = colour
  }

  public static let plain = TextStyle(colour: false)

  /// Decides colour for a stream from whether it is a terminal and the environment.
  public static func detect(isTerminal: Bool, environment: [String: String]) -> TextStyle {
    let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    let dumb = environment["TERM"] == "dumb"
    return TextStyle(colour: isTerminal && !noColor && !dumb)
  }

  public func bold(_ text: String) -> String { wrap(text, "1") }
  public func dim(_ text: String) -> String { wrap(text, "2") }
  public func underline(_ text: String) -> String { wrap(text, "4") }
  public func red(_ text: String) -> String { wrap(text, "31") }
  public func green(_ text: String) -> String { wrap(text, "32") }
  public func yellow(_ text: String) -> String { wrap(text, "33") }
  public func blue(_ text: String) -> String { wrap(text, "34") }
  public func magenta(_ text: String) -> String { wrap(text, "35") }
  public func cyan(_ text: String) -> String { wrap(text, "36") }

  private func wrap(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
