import ArgumentParser
import AttuneKit
import Foundation

extension AttuneCommand {
  struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Practise a conflict conversation with a simulated partner.",
      discussion: """
        On a terminal, with no flags, you pick a scenario and a style from numbered menus. When \
        standard input is not a terminal, each input line is one message, output is plain text, and \
        the chat ends (with a debrief, exit 0) at the end of input; the scenario defaults to \
        '\(ScenarioLibrary.defaultScenarioID)' and the style to secure. Empty lines are ignored. \
        Type /help in the chat for its commands.
        """
    )

    @Option(help: "The scenario: an id from `attune scenarios` or a path to a YAML file.")
    var scenario: String?

    @Option(
      help:
        "The partner's attachment style: secure, anxious (or anxious-ambivalent, ambivalent), avoidant, disorganized."
    )
    var style: String?

    @Option(
      help:
        "Seed for the partner's choices; the same seed and lines give the same replies. Random when omitted."
    )
    var seed: UInt64?

    @Option(help: "Comma-separated player names for a group taking turns (round-robin).")
    var players: String?

    @Option(
      help: "How much coaching to show: live (after every reply), quiet (debrief only) or off.")
    var coach: String = "live"

    @Option(
      name: .customLong("max-turns"),
      help: "End the chat after this many of your replies (default \(ChatOptions.defaultMaxTurns)).")
    var maxTurns: Int?

    @Option(
      help:
        "The participant's name, saved in the transcript and its file name (workshops: one setup for everyone)."
    )
    var name: String?

    @Option(
      help: ArgumentHelp(
        "Continue a saved chat (its scenario, style and seed), into a new transcript.",
        valueName: "FILE"))
    var resume: String?

    @Option(
      help: ArgumentHelp(
        "With --resume: branch at this turn, to say something else there (turns before it are kept).",
        valueName: "TURN"))
    var at: Int?

    @Option(
      help:
        "Where to save the transcript (JSON Lines, mode 0600). Default: a new file in ./Transcripts."
    )
    var transcript: String?

    @Flag(name: .customLong("no-save"), help: "Do not save a transcript.")
    var noSave = false

    func validate() throws {
      if transcript != nil && noSave {
        throw ValidationError("--transcript and --no-save cannot be used together")
      }
      if let style, AttachmentStyle(name: style) == nil {
        throw ValidationError(
          "unknown style '\(style)' (valid: secure, anxious, anxious-ambivalent, ambivalent, avoidant, disorganized)"
        )
      }
      if CoachMode(rawValue: coach) == nil {
        throw ValidationError("unknown coach mode '\(coach)' (valid: live, quiet, off)")
      }
      if let maxTurns, maxTurns < 1 || maxTurns > 1000 {
        throw ValidationError("--max-turns must be between 1 and 1000, not \(maxTurns)")
      }
      if let name, name.trimmingCharacters(in: .whitespaces).isEmpty || name.contains(",") {
        throw ValidationError("--name needs a name without commas, e.g. --name Ana")
      }
      if resume != nil {
        for (flag, given) in [("--scenario", scenario != nil), ("--style", style != nil), ("--seed", seed != nil)]
        where given {
          throw ValidationError(
            "\(flag) cannot be used with --resume: a resumed chat keeps the saved scenario, style and seed")
        }
      } else if at != nil {
        throw ValidationError("--at needs --resume FILE (the chat to branch from)")
      }
      if let at, at < 1 {
        throw ValidationError("--at must be a turn number from 1, not \(at)")
      }
      if let players, playerNames(players).isEmpty {
        throw ValidationError("--players needs at least one name, e.g. --players Ana,Ben")
      }
    }

    func playerNames(_ list: String) -> [String] {
      list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
        !$0.isEmpty
      }
    }

    func run() throws {
      do {
        try RuleBook.checkOverride()
      } catch {
        FileHandle.standardError.write(Data("attune chat: ATTUNE_COACH_RULES: \(error)\n".utf8))
        throw ExitCode(2)
      }
      // Load the coach's rules while the menus and the opening line are shown.
      Thread.detachNewThread { _ = Coach.shared }
      let reader = LineReader()
      let ui = ChatPrinter(style: TTY.style, interactive: reader.interactive)
      let participant = name?.trimmingCharacters(in: .whitespaces)

      var options: ChatOptions
      var playback: TranscriptPlayback?
      if let resume {
        let saved: TranscriptPlayback
        do {
          saved = try TranscriptPlayback.load(path: resume, library: try? ScenarioLibrary.locate())
        } catch {
          TTY.printError("attune chat: error: \(error)")
          throw ExitCode.failure
        }
        playback = saved
        options = saved.options(branchedFrom: nil)
        if let names = players.map(playerNames) { options.players = names }
        if let participant {
          options.name = participant
          if players == nil { options.players = [participant] }
        }
        if let maxTurns { options.maxTurns = maxTurns }
        if let coach = CoachMode(rawValue: coach), coach != .live { options.coach = coach }
      } else {
        guard let scenario = try chooseScenario(reader: reader, ui: ui) else { return }
        guard let style = chooseStyle(reader: reader, ui: ui) else { return }
        let seed = self.seed ?? UInt64.random(in: 0...999_999)
        let names = players.map(playerNames) ?? [participant ?? "you"]
        options = ChatOptions(
          scenario: scenario, style: style, seed: seed, players: names,
          coach: CoachMode(rawValue: coach) ?? .live,
          maxTurns: maxTurns ?? ChatOptions.defaultMaxTurns, name: participant)
      }
      let names = options.players
      let scenario = options.scenario
      let style = options.style
      if let playback {
        do {
          let turn = try playback.branchTurn(at: at, maxTurns: options.maxTurns)
          options.branchedFrom = .init(file: resume ?? playback.transcript.path, turn: turn)
        } catch {
          TTY.printError("attune chat: error: \(error)")
          throw ExitCode.failure
        }
        for issue in playback.transcript.issues where !issue.isNote {
          TTY.printError("attune chat: warning: \(issue)")
        }
      }

      var sink: (any TranscriptSink)?
      var savedPath: String?
      if !noSave {
        let path =
          transcript
          ?? TranscriptFile.defaultPath(
            folder: Self.transcriptFolder(), scenario: scenario.id, style: style,
            name: options.name)
        do {
          sink = try TranscriptFile(path: path)
          savedPath = path
        } catch {
          TTY.printError("attune: error: \(error)")
          throw ExitCode.failure
        }
      }

      let session = ChatSession(options: options, sink: sink)
      ui.header(options)
      if let playback, let branch = options.branchedFrom {
        ui.resumed(playback.resume(session, at: branch.turn), from: branch, session: session)
      } else {
        ui.show(session.start())
      }
      while !session.isOver {
        let prompt = ui.prompt(session.currentPlayer, multiple: names.count > 1)
        guard let line = reader.read(prompt: prompt) else {
          if reader.interactive { print("") }
          ui.show(session.finish(.quit, reason: reader.stopSignal?.name))
          break
        }
        ui.show(session.handle(line))
      }
      if let savedPath {
        ui.note("Transcript saved to \(savedPath)")
      }
      if let signal = reader.stopSignal {
        throw ExitCode(128 + signal.number)
      }
    }

    /// `$ATTUNE_TRANSCRIPTS`, else `./Transcripts`.
    static func transcriptFolder() -> String {
      if let env = ProcessInfo.processInfo.environment["ATTUNE_TRANSCRIPTS"], !env.isEmpty {
        return env
      }
      return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(
        "Transcripts")
    }

    private func chooseScenario(reader: LineReader, ui: ChatPrinter) throws -> Scenario? {
      let result = loadScenario(reader: reader, ui: ui)
      switch result {
      case .success(let scenario):
        return scenario
      case .failure(let error):
        if case .notFound = error, scenario != nil {
          throw ValidationError(error.description)
        }
        DiagnosticPrinter.print(error)
        throw ExitCode.failure
      }
    }

    private func loadScenario(reader: LineReader, ui: ChatPrinter) -> Result<
      Scenario?, ScenarioError
    > {
      if let scenario {
        let library = try? ScenarioLibrary.locate()
        return Result { () throws(ScenarioError) -> Scenario? in
          try ScenarioLibrary.resolve(scenario, library: library)
        }
      }
      let library: ScenarioLibrary
      do {
        library = try ScenarioLibrary.locate()
      } catch {
        return .failure(error)
      }
      if !reader.interactive {
        return Result { () throws(ScenarioError) -> Scenario? in
          try library.scenario(ScenarioLibrary.defaultScenarioID)
        }
      }
      let (scenarios, failures) = library.loadAll()
      if !failures.isEmpty {
        TTY.printError(
          "attune: warning: \(failures.count) scenario file(s) have errors and are not listed (run `attune lint`)"
        )
      }
      guard !scenarios.isEmpty else {
        return .failure(.notFound(id: ScenarioLibrary.defaultScenarioID, available: []))
      }
      let defaultIndex = scenarios.firstIndex { $0.id == ScenarioLibrary.defaultScenarioID } ?? 0
      let items = scenarios.map {
        "\($0.title) \(ui.style.dim("(\($0.id), difficulty \($0.difficulty))"))"
      }
      guard
        let index = ui.menu(
          "Choose a scenario:", items: items, defaultIndex: defaultIndex, reader: reader,
          keys: scenarios.map(\.id))
      else { return .success(nil) }
      return .success(scenarios[index])
    }

    private func chooseStyle(reader: LineReader, ui: ChatPrinter) -> AttachmentStyle? {
      if let style, let parsed = AttachmentStyle(name: style) { return parsed }
      guard reader.interactive else { return .secure }
      let styles = AttachmentStyle.allCases
      let items = styles.map { "\($0.id) \(ui.style.dim("— \($0.blurb)"))" }
      guard
        let index = ui.menu(
          "Choose your partner's attachment style:", items: items, defaultIndex: 1, reader: reader,
          keys: styles.map(\.id),
          parse: { AttachmentStyle(name: $0).flatMap(styles.firstIndex(of:)) })
      else { return nil }
      return styles[index]
    }
  }
}

/// How the chat looks in the terminal (or plain, when piped).
struct ChatPrinter {
  let style: TextStyle
  let interactive: Bool

  func header(_ options: ChatOptions) {
    let s = options.scenario
    print(style.bold("Attune — \(s.title)"))
    print(
      "Your partner is \(options.style.id) (\(options.style.blurb)). Seed \(options.seed), coach \(options.coach.rawValue)."
    )
    print(TTY.wrap(s.setup))
    print(style.dim("Type /help for commands; /quit or Ctrl-D ends and saves."))
    print("")
  }

  /// What a resumed chat shows before the prompt: where it picks up, and the last exchange.
  func resumed(_ resumed: Resumed, from branch: TranscriptHeader.Branch, session: ChatSession) {
    let kept = resumed.turn - 1
    let what = resumed.continuing ? "continuing at turn \(resumed.turn)" : "branching at turn \(resumed.turn)"
    note(
      "Resumed from \(branch.file), \(what): \(kept) earlier turn\(kept == 1 ? "" : "s") replayed.")
    if let difference = resumed.divergence {
      TTY.printError(
        "attune chat: warning: today's engine answers turn \(difference.turn) differently than the saved chat (saved: \"\(Debrief.shortened(difference.saved))\", now: \"\(Debrief.shortened(difference.now ?? ""))\"); going on with today's answers"
      )
    }
    if let last = session.exchanges.last {
      print(style.dim("\(last.player == "you" ? "You" : last.player) (turn \(last.turn)): \(last.text)"))
      show([.partner(last.reply)])
    } else if let opening = session.opening {
      show([.partner(opening)])
    }
  }

  func prompt(_ player: String, multiple: Bool) -> String {
    let text = multiple ? "\(player)> " : "you> "
    return TTY.promptSafe(style.bold(style.blue(text)))
  }

  func note(_ text: String) {
    print(style.dim(text))
  }

  func show(_ outputs: [ChatOutput]) {
    let width = TTY.columns.map { $0 - 1 }
    for output in outputs {
      switch output {
      case .partner(let reply):
        let text =
          width.map {
            TTY.wrap("Partner: " + reply.text, width: $0, indent: "         ").dropFirst(9)
          } ?? Substring(reply.text)
        print("\(style.bold(style.magenta("Partner:"))) \(text)")
      case .coach(let annotation):
        var line =
          "  \(style.dim("coach:")) \(AnnotationFormatter.compact(annotation, style: style))"
        if let antidote = annotation.antidote {
          let tip = "  try (\(antidote.move.label)): \(antidote.tryThis)"
          line +=
            "\n  \(style.dim("try"))"
            + (width.map { TTY.wrap(tip, width: $0, indent: "      ") } ?? tip).dropFirst(5)
        }
        print(line)
      case .safety(let text):
        print("")
        print(style.bold(style.yellow("— Stepping out of the role-play —")))
        print(TTY.wrap(text, width: width ?? 78))
        print("")
      case .info(let text):
        print(style.dim(width.map { TTY.wrap(text, width: $0, indent: "  ") } ?? text))
      case .warning(let text):
        TTY.printError("attune: warning: \(text)")
      case .debrief(_, let text):
        print("")
        print(width.map { TTY.wrap(text, width: $0, indent: "      ") } ?? text)
      }
    }
    fflush(nil)
  }

  /// A numbered menu; Enter takes the default. Nil at end of input.
  func menu(
    _ title: String, items: [String], defaultIndex: Int, reader: LineReader, keys: [String],
    parse: ((String) -> Int?)? = nil
  ) -> Int? {
    print(style.bold(title))
    for (i, item) in items.enumerated() {
      let marker = i == defaultIndex ? "*" : " "
      print(" \(marker)\(String(format: "%2d", i + 1)). \(item)")
    }
    while true {
      guard let answer = reader.read(prompt: "Number [\(defaultIndex + 1)]: ", history: false)
      else {
        print("")
        return nil
      }
      let text = answer.trimmingCharacters(in: .whitespaces)
      if text.isEmpty { return defaultIndex }
      if let n = Int(text), (1...items.count).contains(n) { return n - 1 }
      if let i = keys.firstIndex(where: { $0.lowercased() == text.lowercased() }) { return i }
      if let parse, let i = parse(text) { return i }
      print(
        style.dim("Type a number from 1 to \(items.count), or press Enter for \(defaultIndex + 1).")
      )
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
