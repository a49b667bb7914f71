import Foundation

/// How much of the coach the user sees during a chat.
public enum CoachMode: String, CaseIterable, Sendable {
  /// After every reply: verdict, moves, evidence, antidote.
  case live
  /// Nothing during the chat; the debrief has the coach's counts.
  case quiet
  /// Nothing during the chat, and the debrief leaves the coach's counts out.
  case off
}

/// Everything a chat is started with.
public struct ChatOptions: Sendable {
  public var scenario: Scenario
  public var style: AttachmentStyle
  public var seed: UInt64
  public var players: [String]
  public var coach: CoachMode
  public var maxTurns: Int
  /// The participant's name (`--name`), saved in the transcript; the player too, when alone.
  public var name: String?
  /// Set when this chat continues or branches from a saved one.
  public var branchedFrom: TranscriptHeader.Branch?

  public init(
    scenario: Scenario, style: AttachmentStyle, seed: UInt64, players: [String] = ["you"],
    coach: CoachMode = .live, maxTurns: Int = ChatOptions.defaultMaxTurns, name: String? = nil,
    branchedFrom: TranscriptHeader.Branch? = nil
  ) {
    self.scenario = scenario
    self.style = style
    self.seed = seed
    let players = players.filter { !$0.isEmpty }
    self.players = players.isEmpty ? [name ?? "you"] : players
    self.coach = coach
    self.maxTurns = maxTurns
    self.name = name
    self.branchedFrom = branchedFrom
  }

  public static let defaultMaxTurns = 40
  /// Longer lines are cut to this many characters before the coach and partner read them.
  public static let maxLineLength = 4000
}

/// What the chat has to show after each line; the terminal layer decides how it looks.
public enum ChatOutput: Sendable, Equatable {
  /// The partner speaks.
  case partner(PartnerReply)
  /// The coach's reading of the user's line (live mode only).
  case coach(Annotation)
  /// The partner steps out of the role with a safety message.
  case safety(String)
  /// A note from the program (help, hints, state, undo...), one or more lines.
  case info(String)
  /// The chat is over.
  case debrief(Debrief, text: String)
  /// Saving failed; the chat goes on but the user must know.
  case warning(String)
}

/// One chat: the coach, the partner and the transcript, driven one input line at a time.
///
/// The terminal layer reads lines and prints `ChatOutput`s; everything else happens here, so it
/// can be tested without a terminal.
public final class ChatSession {
  public let options: ChatOptions
  public private(set) var partner: Partner
  /// Nil: `Coach.shared`, looked up at the first line, so the opening is not kept waiting for the rules to load.
  private let customCoach: Coach?
  private var sink: (any TranscriptSink)?
  private var saveFailed = false
  /// Completed exchanges, newest last.
  public private(set) var exchanges: [ExchangeRecord] = []
  /// Partner states before each exchange, for `/undo`.
  private var snapshots: [PartnerState] = []
  private var openingArousal = 0
  private var playerIndex = 0
  public private(set) var outcome: Outcome?
  public private(set) var started = false
  /// The partner's first line, once started.
  public private(set) var opening: PartnerReply?

  public init(
    options: ChatOptions, coach: Coach? = nil, sink: (any TranscriptSink)? = nil,
    data: PartnerData = .shared
  ) {
    self.options = options
    self.customCoach = coach
    self.sink = sink
    self.partner = Partner(
      scenario: options.scenario, style: options.style, seed: options.seed, data: data)
  }

  public var isOver: Bool { outcome != nil }
  /// The transcript lines written so far, when saving to memory.
  public var savedLines: [String]? { (sink as? MemorySink)?.lines }
  /// The number of the next user turn.
  public var nextTurn: Int { exchanges.count + 1 }
  public var currentPlayer: String { options.players[playerIndex % options.players.count] }

  /// Writes the session line and returns the partner's opening.
  public func start(date: Date = Date()) -> [ChatOutput] {
    guard !started else { return [] }
    started = true
    var out: [ChatOutput] = []
    save(TranscriptLine.session(options, started: date), into: &out)
    let reply = partner.open()
    opening = reply
    openingArousal = reply.after.arousal
    save(TranscriptLine.partner(turn: 0, reply: reply), into: &out)
    out.insert(.partner(reply), at: 0)
    return out
  }

  /// Handles one line the user typed: a `/command` or something said to the partner.
  public func handle(_ raw: String) -> [ChatOutput] {
    guard !isOver else { return [] }
    if !started { _ = start() }
    var (line, cut) = Self.clean(raw)
    if line.isEmpty { return [] }
    if line.hasPrefix("/") && !line.hasPrefix("//") {
      return command(line)
    }
    if line.hasPrefix("//") { line.removeFirst() }
    var out: [ChatOutput] = []
    if cut {
      out.append(
        .info(
          "(That was a very long message: your partner read the first \(ChatOptions.maxLineLength) characters.)"
        ))
    }
    let turn = nextTurn
    let player = currentPlayer
    let annotation = (customCoach ?? Coach.shared).annotate(line)
    snapshots.append(partner.state)
    save(TranscriptLine.user(turn: turn, player: player, annotation: annotation), into: &out)
    if options.coach == .live && !annotation.moves.isEmpty
      || options.coach == .live && annotation.verdict != .neutral
    {
      out.append(.coach(annotation))
    }
    let reply = partner.respond(to: annotation)
    exchanges.append(ExchangeRecord(turn: turn, player: player, text: line, annotation: annotation, reply: reply))
    playerIndex += 1
    save(TranscriptLine.partner(turn: turn, reply: reply), into: &out)
    if reply.safety {
      out.append(.safety(reply.text))
      return out
    }
    out.append(.partner(reply))
    if let ending = reply.outcome {
      out += finish(ending, closingLine: false)
    } else if turn >= options.maxTurns {
      out += finish(.turnLimit)
    }
    return out
  }

  /// Ends the chat (end of input, Ctrl-D, `/quit`, `/end`): the partner's last line, the end event, the debrief.
  public func finish(_ ending: Outcome = .quit, closingLine: Bool = true, reason: String? = nil)
    -> [ChatOutput]
  {
    guard !isOver else { return [] }
    if !started { _ = start() }
    outcome = ending
    var out: [ChatOutput] = []
    if closingLine {
      let reply = partner.close(ending)
      save(TranscriptLine.partner(turn: exchanges.count, reply: reply), into: &out)
      out.append(.partner(reply))
    }
    let debrief = makeDebrief(ending)
    save(
      TranscriptLine.end(outcome: ending, turns: exchanges.count, debrief: debrief, reason: reason),
      into: &out)
    let scenario = options.scenario
    let needs = partner.data.needs
    out.append(
      .debrief(
        debrief,
        text: debrief.render(includeCoach: options.coach != .off) {
          scenario.needText($0, catalogue: needs)
        }))
    return out
  }

  public func makeDebrief(_ ending: Outcome) -> Debrief {
    let met = partner.state.met
    let unmet = partner.requiredNeeds.filter { !met.contains($0) }
    return Debrief(
      outcome: ending, exchanges: exchanges, openingArousal: openingArousal, needsMet: met,
      needsUnmet: unmet, players: options.players)
  }

  // MARK: Commands

  public static let help = """
    Commands:
      /hint          a secure thing to say now
      /undo          take back your last reply and the answer (the partner's state rewinds too)
      /why           the moves found, the rule that answered and the state change behind the last reply
      /state         your partner's meters, and what they feel and need now
      /pause MINUTES take a break and come back (e.g. /pause 20)
      /next NAME     hand over to the next player (hot seat)
      /end           end the chat now and see the debrief
      /quit          end, save and leave (Ctrl-D does the same)
      /help          this list
    Anything else is said to your partner. Start a line with // to say something that begins with /.
    """

  private func command(_ line: String) -> [ChatOutput] {
    let parts = line.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
    let name = parts.first?.lowercased() ?? ""
    let argument = parts.count > 1 ? parts[1].trimmingWhitespace : nil
    var out: [ChatOutput] = []
    let known = [
      "help", "hint", "undo", "why", "state", "pause", "next", "end", "quit", "exit", "?",
    ]
    guard known.contains(name) else {
      return [
        .info(
          "Unknown command '/\(name)'. Type /help for the list, or start with // to say it to your partner."
        )
      ]
    }
    let recorded = name == "exit" ? "quit" : name == "?" ? "help" : name
    if recorded != "help" {
      save(TranscriptLine.command(turn: nextTurn, name: recorded, argument: argument), into: &out)
    }
    switch recorded {
    case "help":
      out.append(.info(Self.help))
    case "hint":
      out.append(.info("Hint: \"\(partner.hint())\""))
    case "undo":
      guard let snapshot = snapshots.popLast(), let last = exchanges.popLast() else {
        out.append(.info("Nothing to undo yet."))
        break
      }
      partner.restore(snapshot)
      playerIndex = max(0, playerIndex - 1)
      out.append(
        .info(
          "Took back turn \(last.turn): \"\(Debrief.shortened(last.text))\" and the answer. Try another way."
        ))
    case "why":
      out.append(.info(why()))
    case "state":
      out.append(.info(stateText()))
    case "pause":
      guard let text = argument, let minutes = Int(text), (1...240).contains(minutes) else {
        out.append(.info("Usage: /pause MINUTES, for example /pause 20 (1 to 240 minutes)."))
        break
      }
      snapshots.append(partner.state)
      let reply = partner.pause(minutes: minutes)
      snapshots.removeLast()
      save(TranscriptLine.partner(turn: exchanges.count, reply: reply), into: &out)
      out.append(.partner(reply))
      out.append(.info("(\(minutes) minutes pass. When you're back, say so.)"))
    case "next":
      guard let name = argument, !name.isEmpty else {
        out.append(.info("Usage: /next NAME. Players: \(options.players.joined(separator: ", "))."))
        break
      }
      if let index = options.players.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
        playerIndex = index
        out.append(.info("\(options.players[index]), you're on."))
      } else {
        out.append(
          .info("No player '\(name)'. Players: \(options.players.joined(separator: ", "))."))
      }
    default:  // end, quit
      out += finish(.quit)
    }
    return out
  }

  private func why() -> String {
    guard let last = exchanges.last else { return "Nothing to explain yet: say something first." }
    var lines: [String] = ["Turn \(last.turn): \"\(Debrief.shortened(last.text))\""]
    if last.annotation.moves.isEmpty {
      lines.append("  Moves: none found (\(last.annotation.verdict.rawValue))")
    } else {
      let moves = last.annotation.moves.map { "\($0.move.id) (\"\($0.evidence)\")" }
      lines.append(
        "  Moves: \(moves.joined(separator: ", ")) — \(last.annotation.verdict.rawValue)")
    }
    if !last.reply.cues.isEmpty {
      lines.append("  Partner noticed: \(last.reply.cues.map(\.rawValue).joined(separator: ", "))")
    }
    let r = last.reply
    lines.append(
      "  Answered: \(r.answered ?? "nothing specific") with rule \(r.rule)\(r.fallback ? " (a generic fallback)" : "")"
    )
    lines.append(
      "  Arousal \(r.before.arousal) → \(r.after.arousal) (\(r.before.band.rawValue) → \(r.after.band.rawValue)), trust \(r.before.trust) → \(r.after.trust)"
    )
    if !r.metNow.isEmpty {
      lines.append(
        "  Needs met: \(r.metNow.map { options.scenario.needText($0, catalogue: partner.data.needs) }.joined(separator: "; "))"
      )
    }
    return lines.joined(separator: "\n")
  }

  public func stateText() -> String {
    let s = partner.state
    func bar(_ value: Int) -> String {
      let filled = max(0, min(20, value / 5))
      return "[" + String(repeating: "#", count: filled)
        + String(repeating: ".", count: 20 - filled) + "]"
    }
    let profile = partner.profile
    var lines = [
      "Arousal \(bar(s.arousal)) \(s.arousal) \(s.band.rawValue) (calm below \(profile.calmBelow), flooded at \(profile.floodedAt))",
      "Trust   \(bar(s.trust)) \(s.trust)",
    ]
    let needs = partner.requiredNeeds.map { id in
      (s.met.contains(id) ? "[x] " : "[ ] ")
        + options.scenario.needText(id, catalogue: partner.data.needs)
    }
    lines.append("Needs   " + needs.joined(separator: "\n        "))
    let thought = partner.thought()
    lines.append("  ( \(thought.feels) )")
    lines.append("  ( what I need now: \(thought.needs) )")
    return lines.joined(separator: "\n")
  }

  // MARK: Helpers

  private func save(_ line: [UInt8], into out: inout [ChatOutput]) {
    guard var target = sink else { return }
    do {
      try target.append(line)
      sink = target
    } catch {
      if !saveFailed {
        saveFailed = true
        out.append(.warning("\(error) — the chat goes on, but is no longer being saved"))
      }
    }
  }

  /// Removes NULs and control characters, trims, and cuts very long lines.
  public static func clean(_ raw: String) -> (String, cut: Bool) {
    var scalars = String.UnicodeScalarView()
    for scalar in raw.unicodeScalars {
      switch scalar.value {
      case 0x09: scalars.append(" ")
      case 0x00..<0x20, 0x7F, 0x80..<0xA0: continue
      default: scalars.append(scalar)
      }
    }
    var text = String(scalars).trimmingWhitespace
    var cut = false
    if text.count > ChatOptions.maxLineLength {
      text = String(text.prefix(ChatOptions.maxLineLength))
      cut = true
    }
    return (text, cut)
  }
}
