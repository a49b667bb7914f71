import ArgumentParser
import AttuneKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension TextStyle {
  /// The style for standard output: colour only on a terminal without NO_COLOR.
  static func forStandardOutput() -> TextStyle {
    TextStyle.detect(isTerminal: isatty(STDOUT_FILENO) != 0, environment: ProcessInfo.processInfo.environment)
  }
}

/// Writes one line to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension AnnotationBatch.Format: ExpressibleByArgument {}
