import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Drives `attune` through a pseudo-terminal that is its controlling terminal (as in a shell), so
/// readline, the menus, Ctrl-C (SIGINT from the terminal) and Ctrl-D are real.
final class PTYSession {
  let master: Int32
  private let pid: pid_t
  private var status: Int32?
  private var received: [UInt8] = []
  private var cursor = 0
  /// Everything the terminal showed so far.
  var output: String { String(decoding: received, as: UTF8.self) }

  init(_ arguments: [String], environment: [String: String] = [:]) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    guard openpty(&master, &slave, nil, nil, nil) == 0, let name = ttyname(slave) else { throw POSIXError(.ENOTTY) }
    self.master = master
    let slavePath = String(cString: name)
    close(slave)
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm"
    env["NO_COLOR"] = "1"
    env["INPUTRC"] = "/dev/null"
    env["ATTUNE_SCENARIOS"] = projectRoot.appendingPathComponent("Scenarios").path
    for (key, value) in environment { env[key] = value }

    // A new session whose first terminal opened becomes its controlling terminal.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // glibc's POSIX_SPAWN_SETSIGDEF | SETSIGMASK | SETSID (the last is not exported to Swift): a new
    // session, and signals as a shell would give them (the test runner's threads block some).
    let spawnFlags: Int16 = 0x04 | 0x08 | 0x80
    posix_spawnattr_setflags(&attributes, spawnFlags)
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addclose(&actions, master)
    posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)

    let executable = Bundle.main.bundleURL.appendingPathComponent("attune").path
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var child: pid_t = 0
    let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
    guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
    pid = child
    let flags = fcntl(master, F_GETFL)
    _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
  }

  deinit {
    if isRunning { kill(pid, SIGKILL); _ = isRunning }
    close(master)
  }

  /// Whether the child still runs (reaping it when it has ended).
  var isRunning: Bool {
    if status != nil { return false }
    var raw: Int32 = 0
    if waitpid(pid, &raw, WNOHANG) == pid {
      status = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
      return false
    }
    return true
  }

  func send(_ text: String) {
    _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
  }

  /// Reads until `text` appears (or ten seconds pass); returns whether it did.
  @discardableResult
  func wait(for text: String, timeout: Double = 30) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      if consume(text) { return true }
      guard Date() < deadline else { return false }
      let n = read(master, &buffer, buffer.count)
      if n > 0 {
        received.append(contentsOf: buffer[0..<n])
      } else {
        if !isRunning { return consume(text) }
        usleep(20_000)
      }
    }
  }

  /// Finds `text` after what earlier waits matched and moves past it, so waits happen in order
  /// ("the next prompt", not any prompt so far).
  private func consume(_ text: String) -> Bool {
    let needle = Array(text.utf8)
    guard !needle.isEmpty, received.count - cursor >= needle.count else { return needle.isEmpty }
    for start in cursor...(received.count - needle.count) where received[start..<start + needle.count].elementsEqual(needle) {
      cursor = start + needle.count
      return true
    }
    return false
  }

  func exitStatus(timeout: Double = 10) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while isRunning && Date() < deadline {
      wait(for: "\u{0}", timeout: 0.05)
    }
    return isRunning ? nil : status
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
  #expect(tty.wait(for: "is dropped"))  // readline has echoed it: the line is being edited
  tty.send("\u{3}")  // Ctrl-C: cancels the line, not the chat
  usleep(200_000)
  tty.send("/state\r")
  #expect(tty.wait(for: "Arousal ["))
  #expect(tty.wait(for: "you> "))  // the next prompt: readline is waiting again
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
