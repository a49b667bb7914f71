import AttuneKit
import CReadline

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads the user's lines: GNU readline on a terminal, plain lines otherwise.
///
/// On a terminal: line editing, in-session history (Up arrow; never written to disk, it holds
/// private words), Ctrl-C drops the line being typed, Ctrl-D ends. Not a terminal: plain lines
/// with no prompt or echo (readline would echo them to stdout).
final class LineReader {
  let interactive: Bool
  private var stream: LineStream?

  init() {
    interactive = isatty(STDIN_FILENO) != 0
    creadline_end_on_signals(interactive ? 0 : 1)
    if interactive {
      creadline_set_name(strdup("attune"))  // readline keeps the pointer: never freed
      creadline_disable_bracketed_paste()
      creadline_cancel_line_on_sigint()
    } else {
      stream = LineStream(descriptor: STDIN_FILENO) { creadline_stop_signal() != 0 }
    }
  }

  /// The signal (SIGTERM, SIGHUP; SIGINT when piped) that asked the chat to end, if one came.
  var stopSignal: (number: Int32, name: String)? {
    let number = creadline_stop_signal()
    switch number {
    case 0: return nil
    case SIGTERM: return (number, "SIGTERM")
    case SIGHUP: return (number, "SIGHUP")
    case SIGINT: return (number, "SIGINT")
    default: return (number, "signal \(number)")
    }
  }

  /// The next line, or nil at end of input (Ctrl-D on a terminal).
  /// - Parameters:
  ///   - prompt: shown on a terminal only; colour codes must be wrapped in \u{1}...\u{2}.
  ///   - history: whether to add the line to the Up-arrow history.
  func read(prompt: String, history: Bool = true) -> String? {
    if stopSignal != nil { return nil }
    guard interactive else { return stream?.nextLine() }
    fflush(nil)
    guard let pointer = readline(prompt), stopSignal == nil else { return nil }
    defer { free(pointer) }
    let line = String(
      decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    if history, !line.allSatisfy(\.isWhitespace) { add_history(pointer) }
    return line
  }
}
