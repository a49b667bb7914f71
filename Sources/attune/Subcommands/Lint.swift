import ArgumentParser
import AttuneKit
import Foundation

extension AttuneCommand {
  struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate scenario files.",
      discussion: """
        Reports each problem as PATH:LINE:COLUMN: error: message, with the line and a caret. \
        Also checks that each rule's sample user lines reach that rule. With no paths, lints \
        every shipped scenario. Exits 1 when any file has an error.
        """
    )

    @Argument(help: "Scenario files or folders to check. Default: the shipped Scenarios folder.")
    var paths: [String] = []

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
      var files: [String] = []
      if paths.isEmpty {
        do {
          files = try ScenarioLibrary.locate().files()
        } catch {
          TTY.printError("attune: error: \(error)")
          throw ExitCode.failure
        }
      }
      for path in paths {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
          files += ScenarioLibrary(folder: path).files()
        } else {
          files.append(path)
        }
      }
      var errors = 0
      var warnings = 0
      let linter = ScenarioLinter()
      for file in files {
        let diagnostics = linter.lint(path: file)
        DiagnosticPrinter.print(diagnostics)
        errors += diagnostics.filter { $0.severity == .error }.count
        warnings += diagnostics.filter { $0.severity == .warning }.count
      }
      let summary =
        "\(files.count) file\(files.count == 1 ? "" : "s") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
      print(summary)
      if errors > 0 || (strict && warnings > 0) { throw ExitCode.failure }
    }
  }
}
