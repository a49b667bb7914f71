/// One problem found in a data file, with where it is.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable, Equatable {
    case error, warning
  }

  public var path: String
  /// 1-based line, 0 when unknown.
  public var line: Int
  /// 1-based column in Unicode scalars, 0 when unknown.
  public var column: Int
  public var severity: Severity
  /// A lowercase fragment naming what is wrong and what would be valid.
  public var message: String
  /// The source line the problem is on, for a caret display (empty when unknown).
  public var sourceLine: String

  public init(
    path: String, line: Int, column: Int, severity: Severity = .error, message: String,
    sourceLine: String = ""
  ) {
    self.path = path
    self.line = line
    self.column = column
    self.severity = severity
    self.message = message
    self.sourceLine = sourceLine
  }

  /// `PATH:LINE:COLUMN: error: message`
  public var description: String {
    "\(path):\(line):\(column): \(severity.rawValue): \(message)"
  }
}
