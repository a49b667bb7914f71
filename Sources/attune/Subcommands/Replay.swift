import ArgumentParser
import AttuneKit
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension AttuneCommand {
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Replay a saved chat: each line with its annotation, the partner's meters, the debrief.",
      discussion: """
        On a terminal the events come at a reading pace (--delay) or one per keypress (--step); \
        piped, all at once. A damaged transcript is shown up to what can be read, and every \
        problem is named (file, line, field) on standard error.
        --verify plays your lines again through today's engine with the saved scenario, style and \
        seed: exit 0 when every partner reply is identical, else 1, showing the first that differs.
        --recoach reads every line again with today's coach and lists where it reads it differently.
        """
    )

    @Argument(help: "The transcript (a .jsonl file written by `attune chat`).")
    var file: String

    @Flag(help: "Wait for Enter (or Space) before each event; q stops.")
    var step = false

    @Option(help: "Milliseconds between events on a terminal (default 900; 0 shows all at once).")
    var delay: Int?

    @Flag(help: "Annotate every line again with today's coach and show where it differs.")
    var recoach = false

    @Flag(help: "Play the lines again through today's engine; exit 1 if any partner reply differs.")
    var verify = false

    @Option(
      help:
        "For --verify: the scenario (id or YAML path) to play against, instead of the saved scenario id."
    )
    var scenario: String?

    func validate() throws {
      if let delay, delay < 0 || delay > 60_000 {
        throw ValidationError("--delay must be between 0 and 60000 milliseconds, not \(delay)")
      }
      if step && delay != nil {
        throw ValidationError("--step and --delay cannot be used together")
      }
    }

    func run() throws {
      let transcript: Transcript
      do {
        transcript = try TranscriptReader.read(path: file)
      } catch {
        TTY.printError("attune replay: error: \(error)")
        throw ExitCode.failure
      }
      let style = TTY.style
      var failed = false
      if verify {
        failed = !runVerify(transcript, style: style)
      }
      if recoach {
        runRecoach(transcript, style: style)
      }
      if !verify && !recoach {
        try show(transcript, style: style)
      }
      reportIssues(transcript)
      if failed { throw ExitCode.failure }
    }

    // MARK: Replay

    private func show(_ transcript: Transcript, style: TextStyle) throws {
      let scenario = transcript.header.flatMap { try? scenarioFor($0, explicit: self.scenario) }
      let renderer = ReplayRenderer(style: style, scenario: scenario)
      let width = TTY.columns.map { $0 - 1 }
      let pacer = Pacer(step: step, delay: delay)
      print(renderer.header(transcript))
      print("")
      fflush(nil)
      for block in renderer.events(transcript) {
        guard pacer.wait() else {
          print(style.dim("(stopped)"))
          return
        }
        print(width.map { TTY.wrap(block, width: $0, indent: "    ") } ?? block)
        fflush(nil)
      }
      _ = pacer.wait()
      print("")
      print(renderer.debrief(transcript, includeCoach: transcript.header?.coach != .off))
    }

    // MARK: Verify

    /// Prints the verdict; true when every saved partner reply is what today's engine says.
    private func runVerify(_ transcript: Transcript, style: TextStyle) -> Bool {
      guard let header = transcript.header else {
        print("Cannot verify \(file): it has no readable session line, so scenario, style and seed are unknown.")
        return false
      }
      let scenario: Scenario
      do {
        scenario = try scenarioFor(header, explicit: self.scenario)
      } catch {
        print("Cannot verify \(file): \(error)")
        return false
      }
      var scenarioNote: String?
      if let saved = header.scenarioSHA256, saved != scenario.sha256 {
        scenarioNote =
          "\(scenario.path) changed since this transcript was saved (sha256 \(saved.prefix(12))… then, \(scenario.sha256.prefix(12))… now)"
      }
      Thread.detachNewThread { _ = Coach.shared }
      let result = TranscriptPlayback(transcript: transcript, header: header, scenario: scenario)
        .verify()
      let damage = transcript.issues.filter { !$0.isNote }
      if let note = scenarioNote { print(style.yellow("note: ") + note) }
      if let difference = result.difference {
        print(
          style.red(style.bold("Differs"))
            + ": \(file) turn \(difference.turn) (line \(difference.line)), the partner's \(difference.field):"
        )
        print("  saved: \(difference.saved)")
        print("  now:   \(difference.now ?? "(no reply at this point)")")
        print(
          "\(result.compared) partner line\(result.compared == 1 ? "" : "s") before it were identical."
        )
        if scenarioNote == nil {
          print("The engine (coach, partner or reply banks) answers differently now.")
        }
        return false
      }
      if !damage.isEmpty {
        print(
          style.red(style.bold("Cannot verify whole"))
            + ": \(file) is damaged (\(damage.count) problem\(damage.count == 1 ? "" : "s"), below); the \(result.compared) partner lines that could be read are identical."
        )
        return false
      }
      print(
        style.green(style.bold("Identical"))
          + ": all \(result.compared) partner lines of \(file) are what today's engine says (\(header.scenario), \(header.style.id), seed \(header.seed))."
      )
      return true
    }

    private func scenarioFor(_ header: TranscriptHeader, explicit: String?) throws(ScenarioError)
      -> Scenario
    {
      let library = try? ScenarioLibrary.locate()
      return try ScenarioLibrary.resolve(explicit ?? header.scenario, library: library)
    }

    // MARK: Recoach

    private func runRecoach(_ transcript: Transcript, style: TextStyle) {
      let (compared, differences) = transcript.recoach(with: Coach.shared)
      print(style.bold("Recoach: \(file) read again by today's coach"))
      for difference in differences {
        print("  \(difference.summary)")
        print(style.dim("    \"\(Debrief.shortened(difference.text))\""))
      }
      let count = differences.count
      print(
        "\(count) of \(compared) line\(compared == 1 ? "" : "s") read differently\(count == 0 ? ": the coach agrees with every saved reading" : "")."
      )
    }

    // MARK: Problems

    private func reportIssues(_ transcript: Transcript) {
      guard !transcript.issues.isEmpty else { return }
      let style = TTY.errorStyle
      for issue in transcript.issues {
        let label = issue.isNote ? style.dim("note") : style.yellow("warning")
        TTY.printError("attune replay: \(label): \(issue)")
      }
      let damage = transcript.issues.filter { !$0.isNote }.count
      if damage > 0 {
        TTY.printError(
          "attune replay: \(damage) problem\(damage == 1 ? "" : "s") in \(file); everything else was read"
        )
      }
    }
  }
}

/// Paces the replay: a delay between events, or a keypress, on a terminal only.
struct Pacer {
  let step: Bool
  let delay: Int?

  /// False when the user asked to stop.
  func wait() -> Bool {
    if step {
      return Self.waitForKey()
    }
    guard TTY.stdoutIsTerminal else { return true }
    let ms = delay ?? 900
    if ms > 0 { usleep(useconds_t(ms) * 1000) }
    return true
  }

  /// Enter or Space goes on; q, Q, Esc or end of input stops. Without a terminal, one line each.
  static func waitForKey() -> Bool {
    guard TTY.stdinIsTerminal else {
      guard let line = readLine() else { return false }
      return !line.lowercased().hasPrefix("q")
    }
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    tcsetattr(STDIN_FILENO, TCSANOW, &raw)
    defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    FileHandle.standardError.write(Data("\u{1B}[2m[Enter: next · q: stop]\u{1B}[0m\r".utf8))
    var byte: UInt8 = 0
    let got = read(STDIN_FILENO, &byte, 1)
    FileHandle.standardError.write(Data("\u{1B}[2K\r".utf8))
    return got == 1 && byte != UInt8(ascii: "q") && byte != UInt8(ascii: "Q") && byte != 0x1B
      && byte != 0x04
  }
}
