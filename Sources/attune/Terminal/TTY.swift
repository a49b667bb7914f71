import AttuneKit
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Terminal facts and output helpers for the executable.
enum TTY {
  static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) != 0 }
  static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

  /// Colour for stdout: a terminal, `TERM` not dumb, `NO_COLOR` unset or empty.
  static var style: TextStyle {
    TextStyle.detect(isTerminal: stdoutIsTerminal, environment: ProcessInfo.processInfo.environment)
  }

  static var errorStyle: TextStyle {
    TextStyle.detect(
      isTerminal: isatty(STDERR_FILENO) != 0, environment: ProcessInfo.processInfo.environment)
  }

  /// The terminal's width when stdout is a terminal; nil when output is piped (no wrapping).
  static var columns: Int? {
    guard stdoutIsTerminal else { return nil }
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return 80 }
    return Int(size.ws_col)
  }

  static func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  /// Wraps ANSI codes in a readline prompt so the cursor position stays right.
  static func promptSafe(_ text: String) -> String {
    var out = ""
    var inEscape = false
    for scalar in text.unicodeScalars {
      if scalar == "\u{1B}" {
        out += "\u{1}"
        inEscape = true
      }
      out.unicodeScalars.append(scalar)
      if inEscape && scalar == "m" {
        out += "\u{2}"
        inEscape = false
      }
    }
    return out
  }

  /// Word-wraps text to `width` columns, keeping an indent on continuation lines.
  static func wrap(_ text: String, width: Int = 78, indent: String = "") -> String {
    var out: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if paragraph.count <= width {
        out.append(String(paragraph))
        continue
      }
      let lead = String(paragraph.prefix { $0 == " " })
      var line = lead
      for word in paragraph.split(separator: " ") {
        if line.count > lead.count && line.count + 1 + word.count > width {
          out.append(line)
          line = lead + indent + word
        } else {
          line += line.count == lead.count ? String(word) : " " + word
        }
      }
      out.append(line)
    }
    return out.joined(separator: "\n")
  }
}
