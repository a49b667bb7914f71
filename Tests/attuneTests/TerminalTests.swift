import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Drives `attune` through a pseudo-terminal, so readline, the menus, Ctrl-C and Ctrl-D are real.
final class PTYSession {
  let process = Process()
  let master: Int32
  private(set) var output = ""

  init(_ arguments: [String], environment: [String: String] = [:]) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw POSIXError(.ENOTTY) }
    self.master = master
    process.executableURL = Bundle.main.bundleURL.appendingPathComponent("attune")
    process.arguments = arguments
    process.currentDirectoryURL = projectRoot
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm"
    env["NO_COLOR"] = "1"
    env["INPUTRC"] = "/dev/null"
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
    process.standardInput = handle
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let flags = fcntl(master, F_GETFL)
    _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
  }

  deinit {
    if process.isRunning { process.terminate() }
    close(master)
  }

  func send(_ text: String) {
    _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
  }

  /// Reads until `text` appears (or ten seconds pass); returns whether it did.
  @discardableResult
  func wait(for text: String, timeout: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while Date() < deadline {
      let n = read(master, &buffer, buffer.count)
      if n > 0 {
        output += String(decoding: buffer[0..<n], as: UTF8.self)
        if output.contains(text) { return true }
      } else {
        if output.contains(text) { return true }
        if !process.isRunning && n <= 0 { return output.contains(text) }
        usleep(20_000)
      }
    }
    return output.contains(text)
  }

  func exitStatus(timeout: Double = 10) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline {
      wait(for: "\u{0}", timeout: 0.05)
    }
    return process.isRunning ? nil : process.terminationStatus
  }
}

@Test func onATerminalMenusReadlineCtrlCAndCtrlDWork() throws {
  let folder = tempPath("tty")
  let tty = try PTYSession([], environment: ["ATTUNE_TRANSCRIPTS": folder])
  #expect(tty.wait(for: "Choose a scenario:"))
  #expect(tty.wait(for: "Number [7]: "))
  tty.send("\r")  // Enter takes the default scenario
  #expect(tty.wait(for: "Choose your partner's attachment style:"))
  tty.send("3\r")  // avoidant
  #expect(tty.wait(for: "Your partner is avoidant"))
  #expect(tty.wait(for: "you> "))
  tty.send("You never listen to me\r")
  #expect(tty.wait(for: "coach: insecure"))
  tty.send("this half-typed line is dropped")
  tty.send("\u{3}")  // Ctrl-C: cancels the line, not the chat
  usleep(200_000)
  tty.send("/state\r")
  #expect(tty.wait(for: "Arousal ["))
  tty.send("\u{4}")  // Ctrl-D: ends and saves
  #expect(tty.wait(for: "Debrief"))
  #expect(tty.wait(for: "Transcript saved to"))
  #expect(tty.exitStatus() == 0)
  let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
  #expect(files.count == 1)
  let saved = try String(contentsOfFile: folder + "/" + (files.first ?? ""), encoding: .utf8)
  #expect(!saved.contains("half-typed"))
  #expect(saved.contains(#""type":"end","outcome":"quit""#))
  #expect(!tty.output.contains("\u{1B}[?2004h"))
}
