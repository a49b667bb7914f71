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

    @Option(name: .customLong("max-turns"), help: "End the chat after this many of your replies.")
    var maxTurns: Int = ChatOptions.defaultMaxTurns

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
      if maxTurns < 1 || maxTurns > 1000 {
        throw ValidationError("--max-turns must be between 1 and 1000, not \(maxTurns)")
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

      guard let scenario = try chooseScenario(reader: reader, ui: ui) else { return }
      guard let style = chooseStyle(reader: reader, ui: ui) else { return }
      let seed = self.seed ?? UInt64.random(in: 0...999_999)
      let names = players.map(playerNames) ?? ["you"]
      let options = ChatOptions(
        scenario: scenario, style: style, seed: seed, players: names,
        coach: CoachMode(rawValue: coach) ?? .live, maxTurns: maxTurns)

      var sink: (any TranscriptSink)?
      var savedPath: String?
      if !noSave {
        let path =
          transcript
          ?? TranscriptFile.defaultPath(
            folder: Self.transcriptFolder(), scenario: scenario.id, style: style)
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
      ui.show(session.start())
      while !session.isOver {
        let prompt = ui.prompt(session.currentPlayer, multiple: names.count > 1)
        guard let line = reader.read(prompt: prompt) else {
          if reader.interactive { print("") }
          ui.show(session.finish(.quit))
          break
        }
        ui.show(session.handle(line))
      }
      if let savedPath {
        ui.note("Transcript saved to \(savedPath)")
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
