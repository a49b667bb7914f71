import AttuneKit

/// Prints diagnostics as `PATH:LINE:COL: error: message`, then the source line and a caret.
enum DiagnosticPrinter {
  static func render(_ diagnostic: Diagnostic, style: TextStyle) -> String {
    let severity =
      diagnostic.severity == .error
      ? style.bold(style.red("error")) : style.bold(style.yellow("warning"))
    var text =
      "\(style.bold("\(diagnostic.path):\(diagnostic.line):\(diagnostic.column):")) \(severity): \(diagnostic.message)"
    if !diagnostic.sourceLine.isEmpty {
      let caretPad = String(
        diagnostic.sourceLine.unicodeScalars.prefix(max(0, diagnostic.column - 1)).map {
          $0 == "\t" ? "\t" : " "
        })
      text += "\n\(diagnostic.sourceLine)\n\(caretPad)\(style.green("^"))"
    }
    return text
  }

  static func print(_ diagnostics: [Diagnostic]) {
    let style = TTY.errorStyle
    for diagnostic in diagnostics {
      TTY.printError(render(diagnostic, style: style))
    }
  }

  /// Prints a scenario error: located diagnostics with carets, or its one-line message.
  static func print(_ error: ScenarioError) {
    switch error {
    case .invalid(_, let diagnostics):
      print(diagnostics)
    default:
      TTY.printError("attune: error: \(error)")
    }
  }
}
