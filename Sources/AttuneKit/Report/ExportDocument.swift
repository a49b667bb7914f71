/// One conversation laid out as a handout, built from its transcript: the header, every turn in
/// order (taken-back turns kept and marked), pauses and hand-overs, the ending, the debrief and
/// what could not be read. `MarkdownExport` and `HTMLExport` render it.
public struct ExportDocument: Sendable, Equatable {
  /// The file name the transcript was read from.
  public var file: String
  /// The scenario's title, or its id when the scenario file is not at hand.
  public var title: String
  public var scenario: String?
  public var style: AttachmentStyle?
  public var seed: UInt64?
  public var players: [String]
  /// The participant's name (`chat --name`), when given.
  public var name: String?
  public var started: String?
  public var engine: String?
  /// The scenario's setup, when the scenario file is at hand.
  public var setup: String?
  public var items: [Item]
  public var debrief: Debrief
  /// The style's window of tolerance, for the chart.
  public var window: ToleranceWindow?
  /// Need ids in the debrief, in the partner's own words.
  public var needTexts: [String: String]
  /// Everything the reader stepped over or noted, in line order.
  public var issues: [TranscriptIssue]

  /// One thing that happened in the chat, in order.
  public enum Item: Sendable, Equatable {
    /// The partner's first line.
    case opening(PartnerLine)
    /// A user line with the coach's reading and the partner's answer.
    case exchange(Exchange)
    /// A break (`/pause MINUTES`) and the partner's answer to it.
    case pause(minutes: String?, reply: PartnerLine?)
    /// `/next NAME`: the keyboard passes to another player.
    case handover(to: String)
    /// A command that leaves no trace in the conversation (`/hint`, `/why`, `/state`, `/end`, `/quit`).
    case command(SavedCommand)
    /// A partner line that answers no user line: a closing line, or one whose question was lost.
    case partner(PartnerLine)
    /// The end line.
    case end(SavedEnd)
  }

  /// A user line as exported.
  public struct Exchange: Sendable, Equatable {
    public var turn: Int
    public var player: String
    public var text: String
    /// The coach's reading as saved; nil when it was missing or unreadable.
    public var annotation: Annotation?
    /// The partner's answer; nil when the transcript stops before it.
    public var reply: PartnerLine?
    /// Taken back with `/undo`: it no longer counts.
    public var takenBack: Bool
  }

  /// A partner line with its meters and the change in arousal it followed.
  public struct PartnerLine: Sendable, Equatable {
    public var turn: Int
    public var text: String
    public var meters: Meters?
    /// Arousal change since the partner's previous line (nil for the first or when unknown).
    public var change: Int?
    /// The partner stepped out of the role for safety.
    public var safety: Bool
  }

  /// Whether more than one person typed.
  public var isHotSeat: Bool {
    var seen: Set<String> = []
    for case .exchange(let exchange) in items { seen.insert(exchange.player) }
    return seen.count > 1 || players.count > 1
  }

  /// Builds the handout for `transcript`.
  ///
  /// - Parameters:
  ///   - scenario: the scenario it was played in, for the title, the setup and the needs' words.
  ///   - window: the style's window of tolerance, for the chart.
  public init(transcript: Transcript, scenario: Scenario? = nil, window: ToleranceWindow? = nil) {
    let header = transcript.header
    file = transcript.fileName
    self.scenario = header?.scenario
    title = scenario?.title ?? header?.scenario ?? transcript.fileName
    style = header?.style
    seed = header?.seed
    players = header?.players ?? []
    name = header?.name
    started = header?.started
    engine = header?.engine
    setup = scenario.map(\.setup).flatMap { $0.isEmpty ? nil : $0 }
    debrief = transcript.debrief()
    self.window = window
    issues = transcript.issues
    var texts: [String: String] = [:]
    for id in debrief.needsMet + debrief.needsUnmet {
      texts[id] = scenario?.needText(id) ?? id
    }
    needTexts = texts
    items = Self.items(transcript.records)
  }

  /// Walks the events in file order, pairing each user line with the partner line of the same
  /// turn, and marking the exchange an `/undo` took back (the one the debrief also drops).
  static func items(_ records: [TranscriptRecord]) -> [Item] {
    var items: [Item] = []
    var pendingUser: Int?
    var pendingPause: Int?
    var standing: [Int] = []
    var lastArousal: Int?
    var hasOpening = false
    func line(_ partner: SavedPartnerLine) -> PartnerLine {
      let change = partner.state.flatMap { state in lastArousal.map { state.arousal - $0 } }
      if let state = partner.state { lastArousal = state.arousal }
      return PartnerLine(
        turn: partner.turn, text: partner.text, meters: partner.state, change: change, safety: partner.isSafety)
    }
    for record in records {
      switch record.event {
      case .user(let user):
        pendingPause = nil
        items.append(
          .exchange(
            Exchange(
              turn: user.turn, player: user.player, text: user.text, annotation: user.annotation, reply: nil,
              takenBack: false)))
        pendingUser = items.count - 1
      case .partner(let partner):
        if let index = pendingUser, case .exchange(var exchange) = items[index], exchange.turn == partner.turn {
          exchange.reply = line(partner)
          items[index] = .exchange(exchange)
          standing.append(index)
          pendingUser = nil
        } else if let index = pendingPause, case .pause(let minutes, nil) = items[index] {
          items[index] = .pause(minutes: minutes, reply: line(partner))
          pendingPause = nil
        } else if items.isEmpty || (partner.turn == 0 && !hasOpening) {
          hasOpening = true
          items.append(.opening(line(partner)))
        } else {
          items.append(.partner(line(partner)))
        }
      case .command(let command):
        pendingUser = nil
        switch command.name {
        case "undo":
          if let index = standing.popLast(), case .exchange(var exchange) = items[index] {
            exchange.takenBack = true
            items[index] = .exchange(exchange)
            // The partner's meters go back to where they were before it.
            lastArousal = Self.arousalBefore(index, in: items) ?? lastArousal
          }
        case "pause":
          items.append(.pause(minutes: command.argument, reply: nil))
          pendingPause = items.count - 1
        case "next":
          items.append(.handover(to: command.argument ?? "the next player"))
        default:
          items.append(.command(command))
        }
      case .end(let end):
        pendingUser = nil
        items.append(.end(end))
      }
    }
    return items
  }

  /// The partner's arousal just before the item at `index`: the last meters shown before it
  /// by a line that still stands.
  private static func arousalBefore(_ index: Int, in items: [Item]) -> Int? {
    for item in items[..<index].reversed() {
      switch item {
      case .opening(let line), .partner(let line): if let a = line.meters?.arousal { return a }
      case .pause(_, let reply?): if let a = reply.meters?.arousal { return a }
      case .exchange(let exchange) where !exchange.takenBack:
        if let a = exchange.reply?.meters?.arousal { return a }
      default: break
      }
    }
    return nil
  }

  /// The problems (not the notes) found reading the transcript.
  public var problems: [TranscriptIssue] { issues.filter { !$0.isNote } }

  /// The text of `annotation` split into runs, each marked with the moves whose evidence covers
  /// it (empty for unmarked text). Offsets are Unicode scalars; out-of-range spans are ignored.
  public static func segments(_ text: String, moves: [MoveMatch]) -> [(text: String, moves: [Move])] {
    let scalars = Array(text.unicodeScalars)
    guard !moves.isEmpty, !scalars.isEmpty else { return [(text, [])] }
    var cover = Array(repeating: [Move](), count: scalars.count)
    for match in moves {
      let start = max(0, match.start)
      let end = min(scalars.count, match.end)
      guard start < end else { continue }
      for i in start..<end where !cover[i].contains(match.move) { cover[i].append(match.move) }
    }
    var runs: [(text: String, moves: [Move])] = []
    var current = String.UnicodeScalarView()
    var currentMoves = cover[0]
    for (i, scalar) in scalars.enumerated() {
      if cover[i] != currentMoves {
        runs.append((String(current), currentMoves))
        current = String.UnicodeScalarView()
        currentMoves = cover[i]
      }
      current.append(scalar)
    }
    runs.append((String(current), currentMoves))
    return runs
  }
}
