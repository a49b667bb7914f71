/// The text of `attune replay`: the conversation as it happened, one block per event, each user
/// line with the coach's saved reading and each partner line with its meters as they moved.
public struct ReplayRenderer {
  public var style: TextStyle
  /// The scenario's title, when the scenario can still be found.
  public var scenarioTitle: String?
  /// Puts a need id into the partner's words (the scenario's), when the scenario is known.
  public var needText: @Sendable (String) -> String

  public init(style: TextStyle, scenario: Scenario? = nil) {
    self.style = style
    self.scenarioTitle = scenario?.title
    if let scenario {
      let needs = PartnerData.shared.needs
      needText = { scenario.needText($0, catalogue: needs) }
    } else {
      needText = { $0 }
    }
  }

  /// The header block: scenario, style, seed, players, when, and where it branched from.
  public func header(_ transcript: Transcript) -> String {
    guard let h = transcript.header else {
      return style.bold("Replay of \(transcript.fileName)") + "\n"
        + style.dim("(no session line: scenario, style and seed unknown)")
    }
    var lines = [style.bold("Replay: \(scenarioTitle ?? h.scenario)")]
    var facts = ["partner \(h.style.id)", "seed \(h.seed)"]
    if let name = h.name { facts.insert("participant \(name)", at: 0) }
    if h.players.count > 1 { facts.append("players \(h.players.joined(separator: ", "))") }
    if let started = h.started { facts.append(started) }
    lines.append(style.dim(facts.joined(separator: " · ")))
    if let branch = h.branchedFrom {
      lines.append(style.dim("Branched from \(branch.file) at turn \(branch.turn)"))
    }
    return lines.joined(separator: "\n")
  }

  /// One block per event, in file order.
  public func events(_ transcript: Transcript) -> [String] {
    var blocks: [String] = []
    var previous: Meters?
    let multiple = (transcript.header?.players.count ?? 1) > 1
    var said: [(turn: Int, before: Meters?)] = []
    for record in transcript.records {
      switch record.event {
      case .partner(let line):
        var text = "\(style.bold(style.magenta("Partner:"))) \(line.text)"
        if let state = line.state {
          text += "\n" + style.dim("  " + meters(state, previous: previous))
          previous = state
        }
        if line.fallback { text += style.dim("  (a generic reply: no specific rule matched)") }
        blocks.append(text)
      case .user(let line):
        said.append((line.turn, previous))
        let who = multiple || line.player != "you" ? line.player : "You"
        var text = style.bold(style.blue("\(who) (turn \(line.turn)):")) + " " + line.text
        if let annotation = line.annotation {
          if annotation.verdict != .neutral || !annotation.moves.isEmpty {
            text += "\n  " + style.dim("coach:") + " " + AnnotationFormatter.compact(annotation, style: style)
          }
          if let antidote = annotation.antidote {
            text += "\n  " + style.dim("try") + " (\(antidote.move.label)): \(antidote.tryThis)"
          }
        } else {
          text += "\n  " + style.dim("coach: (the saved reading is unreadable)")
        }
        blocks.append(text)
      case .command(let command):
        blocks.append(style.dim(describe(command, lastTurn: said.last?.turn ?? 0)))
        if command.name == "undo", let undone = said.popLast() { previous = undone.before }
      case .end(let end):
        var text = style.bold("— End: \(end.outcome.rawValue)")
        if let turns = end.turns { text += style.bold(" after \(turns) turn\(turns == 1 ? "" : "s")") }
        if let reason = end.reason { text += style.dim(" (\(reason))") }
        blocks.append(text)
      }
    }
    return blocks
  }

  /// The debrief, rebuilt from the events; for a chat cut short, up to where it stops.
  public func debrief(_ transcript: Transcript, includeCoach: Bool = true) -> String {
    transcript.debrief().render(includeCoach: includeCoach, needText: needText)
  }

  func meters(_ state: Meters, previous: Meters?) -> String {
    func bar(_ value: Int) -> String {
      let filled = max(0, min(10, (value + 5) / 10))
      return String(repeating: "█", count: filled) + String(repeating: "░", count: 10 - filled)
    }
    var change = ""
    if let previous, previous.arousal != state.arousal {
      let delta = state.arousal - previous.arousal
      change = delta > 0 ? " ▲+\(delta)" : " ▼\(delta)"
    }
    return "arousal \(bar(state.arousal)) \(state.arousal)\(change) \(state.band.rawValue) · trust \(state.trust)"
  }

  func describe(_ command: SavedCommand, lastTurn: Int) -> String {
    switch command.name {
    case "undo": return "  /undo — took back turn \(lastTurn) and the answer"
    case "pause": return "  /pause \(command.argument ?? "") — a break with a return time"
    case "next": return "  /next \(command.argument ?? "") — hands over"
    case "hint": return "  /hint — asked for a hint"
    case "end", "quit": return "  /\(command.name)"
    default: return "  \(command.typed)"
    }
  }
}
