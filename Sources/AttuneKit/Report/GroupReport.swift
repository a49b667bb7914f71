/// What a report is built with besides the transcripts.
public struct ReportOptions: Sendable {
  /// Replace participants' names with P1, P2, ... everywhere (`Anonymizer`).
  public var anonymous: Bool
  /// Each style's window of tolerance, to shade the arousal charts; none shaded when empty.
  public var windows: [AttachmentStyle: ToleranceWindow]
  /// Per insecure move: why it hurts and a better way to say it (the coach's templates).
  public var antidotes: [Move: RuleBook.AntidoteTemplate]
  /// Scenario titles by id, for headings; the id is shown when a title is missing.
  public var scenarioTitles: [String: String]
  /// Named in the footer of the HTML and Markdown reports.
  public var generator: String

  public init(
    anonymous: Bool = false, windows: [AttachmentStyle: ToleranceWindow] = [:],
    antidotes: [Move: RuleBook.AntidoteTemplate] = [:], scenarioTitles: [String: String] = [:],
    generator: String = AttuneVersion.string
  ) {
    self.anonymous = anonymous
    self.windows = windows
    self.antidotes = antidotes
    self.scenarioTitles = scenarioTitles
    self.generator = generator
  }
}

/// A file given to the report that could not be read as a transcript.
public struct SkippedFile: Sendable, Equatable {
  public var path: String
  /// Why, without the path (`the file is empty; ...`).
  public var reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public init(_ error: TranscriptReadError) {
    let text = error.description
    let prefix = error.path + ": "
    self.init(path: error.path, reason: text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
  }

  /// The file name without folders.
  public var fileName: String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}

/// A workshop's transcripts summed up: one entry per transcript (and per player in a hot seat),
/// and for the whole room the commonest insecure moves with their antidotes, the best repair
/// lines and the outcomes by partner style.
///
/// Everything shown is already anonymized when `ReportOptions.anonymous` is set, so renderers
/// (`MarkdownReport`, `HTMLReport`, `CSVReport`) never see a name they should not print.
public struct GroupReport: Sendable, Equatable {
  public var sessions: [Session]
  public var skipped: [SkippedFile]
  /// Insecure moves across the room, commonest first.
  public var commonInsecureMoves: [CommonMove]
  /// The three user lines with a repair or responsibility move that lowered arousal the most.
  public var bestRepairs: [RepairLine]
  /// One entry per partner style met, in the styles' order; transcripts without a session line last.
  public var outcomesByStyle: [StyleOutcomes]
  public var anonymous: Bool
  public var generator: String
  /// The largest count of one move in one transcript (the bars' common scale).
  public var largestMoveCount: Int

  /// One transcript.
  public struct Session: Sendable, Equatable {
    /// The file name as shown (anonymized when asked).
    public var file: String
    /// Who took part: the session's name and the players; nil when nobody was named.
    public var participant: String?
    /// The players at the keyboard, as shown.
    public var players: [String]
    public var scenario: String?
    public var scenarioTitle: String?
    public var style: AttachmentStyle?
    public var seed: UInt64?
    public var started: String?
    public var outcome: ReportOutcome
    public var turns: Int
    public var secureMoves: Int
    public var insecureMoves: Int
    public var ratio: String
    /// How many replies showed each move.
    public var moveCounts: [Move: Int]
    public var repairsTried: Int
    public var repairsReceived: Int
    /// The partner's arousal after the opening and after each reply.
    public var arousalPath: [Int]
    /// Who said the line behind each point of `arousalPath` after the first.
    public var arousalSpeakers: [String]
    public var window: ToleranceWindow?
    /// One row per player when more than one player spoke (hot seat); empty otherwise.
    public var byPlayer: [PlayerRow]
    /// The largest arousal drop, with who said it.
    public var best: Moment?
    /// Problems reading the file (`FILE:LINE: message`), notes left out.
    public var problems: [String]
    /// Harmless notes, such as a missing end line.
    public var notes: [String]

    public func horsemen(_ move: Move) -> Int { move.isHorseman ? moveCounts[move] ?? 0 : 0 }
    public var horsemenTotal: Int { moveCounts.filter { $0.key.isHorseman }.reduce(0) { $0 + $1.value } }
    public var arousalStart: Int? { arousalPath.first }
    public var arousalEnd: Int? { arousalPath.last }
    public var arousalPeak: Int? { arousalPath.max() }
    /// `participant`, or the file name when nobody was named.
    public var title: String { participant ?? file }
  }

  /// One player's share of a hot-seat transcript: the debrief's own figures, named for the report.
  public typealias PlayerRow = Debrief.PlayerStats

  /// A line that moved the partner's arousal.
  public struct Moment: Sendable, Equatable {
    public var turn: Int
    public var player: String
    public var text: String
    public var change: Int
  }

  /// An insecure move and how often the room made it.
  public struct CommonMove: Sendable, Equatable {
    public var move: Move
    /// Replies that showed it.
    public var replies: Int
    /// Transcripts it appears in.
    public var transcripts: Int
    /// The secure move that answers it.
    public var antidote: Move?
    public var why: String?
    public var tryThis: String?
  }

  /// A repair line, verbatim, with who said it and where.
  public struct RepairLine: Sendable, Equatable {
    public var text: String
    public var who: String
    public var file: String
    public var scenario: String?
    public var style: AttachmentStyle?
    public var turn: Int
    /// Arousal change it brought (negative).
    public var change: Int
  }

  /// The outcomes met with one partner style.
  public struct StyleOutcomes: Sendable, Equatable {
    /// Nil for transcripts whose session line was unreadable.
    public var style: AttachmentStyle?
    public var counts: [ReportOutcome: Int]
    /// Indices into `sessions`, in report order.
    public var sessions: [Int]
    public var total: Int { sessions.count }
  }

  /// How many insecure moves the room section lists at most.
  public static let commonMoveLimit = 5
  /// How many repair lines the room section quotes.
  public static let repairLimit = 3

  public init(transcripts: [Transcript], skipped: [SkippedFile] = [], options: ReportOptions = ReportOptions()) {
    let anonymizer = options.anonymous ? Anonymizer(names: Self.names(in: transcripts)) : .none
    var sessions: [Session] = []
    var repairs: [(line: RepairLine, order: Int)] = []
    var replies: [Move: Int] = [:]
    var appearances: [Move: Int] = [:]
    for transcript in transcripts {
      let (session, lines) = Self.session(transcript, options: options, anonymizer: anonymizer)
      for line in lines { repairs.append((line, repairs.count)) }
      for (move, count) in session.moveCounts where !move.isSecure && count > 0 {
        replies[move, default: 0] += count
        appearances[move, default: 0] += 1
      }
      sessions.append(session)
    }
    self.sessions = sessions
    self.skipped =
      options.anonymous
      ? skipped.map { SkippedFile(path: anonymizer.scrub($0.path), reason: anonymizer.scrub($0.reason)) } : skipped
    self.anonymous = options.anonymous
    self.generator = options.generator
    largestMoveCount = sessions.flatMap { $0.moveCounts.values }.max() ?? 0
    commonInsecureMoves = replies.keys.sorted {
      (replies[$0] ?? 0, appearances[$0] ?? 0, $1) > (replies[$1] ?? 0, appearances[$1] ?? 0, $0)
    }
    .prefix(Self.commonMoveLimit)
    .map { move in
      let template = options.antidotes[move]
      return CommonMove(
        move: move, replies: replies[move] ?? 0, transcripts: appearances[move] ?? 0,
        antidote: move.antidoteMove, why: template?.why, tryThis: template?.try)
    }
    bestRepairs = repairs.sorted { ($0.line.change, $0.order) < ($1.line.change, $1.order) }
      .prefix(Self.repairLimit).map(\.line)
    var byStyle: [StyleOutcomes] = []
    let styles: [AttachmentStyle?] = AttachmentStyle.allCases.map { $0 } + [nil]
    for style in styles {
      let indices = sessions.indices.filter { sessions[$0].style == style }
      guard !indices.isEmpty else { continue }
      var counts: [ReportOutcome: Int] = [:]
      for i in indices { counts[sessions[i].outcome, default: 0] += 1 }
      byStyle.append(StyleOutcomes(style: style, counts: counts, sessions: indices))
    }
    outcomesByStyle = byStyle
  }

  /// Every name in the transcripts, in the order a reader meets them: the session's name, its
  /// players, then anyone who spoke or was handed the keyboard.
  public static func names(in transcripts: [Transcript]) -> [String] {
    var names: [String] = []
    for transcript in transcripts {
      if let name = transcript.header?.name { names.append(name) }
      names += transcript.header?.players ?? []
      for record in transcript.records {
        switch record.event {
        case .user(let user): names.append(user.player)
        case .command(let command) where command.name == "next": names += command.argument.map { [$0] } ?? []
        default: break
        }
      }
    }
    return names
  }

  /// Distinct participants: named people across transcripts, plus one per unnamed transcript.
  public var participantCount: Int {
    var named: Set<String> = []
    var unnamed = 0
    for session in sessions {
      let people = session.players.filter { $0.lowercased() != Anonymizer.defaultPlayer }
      if people.isEmpty {
        if let participant = session.participant { named.insert(participant) } else { unnamed += 1 }
      } else {
        named.formUnion(people)
      }
    }
    return named.count + unnamed
  }

  /// Transcripts read with problems (notes aside).
  public var sessionsWithProblems: Int { sessions.filter { !$0.problems.isEmpty }.count }

  private static func session(
    _ transcript: Transcript, options: ReportOptions, anonymizer: Anonymizer
  ) -> (Session, [RepairLine]) {
    let header = transcript.header
    let conversation = transcript.conversation
    let debrief = transcript.debrief(of: conversation)
    let exchanges = conversation.exchanges
    let file = anonymizer.scrub(transcript.fileName)
    let show = { (name: String) in anonymizer.isActive ? anonymizer.alias(for: name) : name }

    var players = header?.players ?? []
    for player in debrief.byPlayer.map(\.name) where !players.contains(player) { players.append(player) }
    let people = players.filter { $0.lowercased() != Anonymizer.defaultPlayer }.map(show)
    let name = header?.name.map(show)
    let participant: String? =
      if let name { people.count > 1 ? "\(name) (\(people.joined(separator: ", ")))" : name } else {
        people.isEmpty ? nil : people.joined(separator: ", ")
      }
    /// Who said a line: the player, or the session's name for the default player.
    let speaker = { (player: String) -> String in
      player.lowercased() == Anonymizer.defaultPlayer ? name ?? "you" : show(player)
    }

    let repairs = debrief.receivedRepairs.map {
      RepairLine(
        text: anonymizer.scrub($0.text), who: speaker($0.player), file: file,
        scenario: header?.scenario, style: header?.style, turn: $0.turn, change: $0.change)
    }

    let byPlayer: [PlayerRow] =
      debrief.byPlayer.count > 1
      ? debrief.byPlayer.map {
        var row = $0
        row.name = speaker($0.name)
        row.best = nil  // the report quotes the transcript's best moment, not each player's
        return row
      } : []

    let located = { (issue: TranscriptIssue) -> String in
      var shown = issue
      shown.path = file
      return anonymizer.scrub(shown.description)
    }
    let session = Session(
      file: file, participant: participant, players: players.map(show), scenario: header?.scenario,
      scenarioTitle: header.flatMap { options.scenarioTitles[$0.scenario] }, style: header?.style,
      seed: header?.seed, started: header?.started, outcome: ReportOutcome(debrief.outcome),
      turns: debrief.turns, secureMoves: debrief.secureMoves, insecureMoves: debrief.insecureMoves,
      ratio: debrief.ratio, moveCounts: debrief.moveCounts, repairsTried: debrief.repairsTried,
      repairsReceived: debrief.repairsReceived, arousalPath: debrief.arousalPath,
      arousalSpeakers: exchanges.map { speaker($0.player) },
      window: header.flatMap { options.windows[$0.style] }, byPlayer: byPlayer,
      best: debrief.best.map {
        Moment(turn: $0.turn, player: speaker($0.player), text: anonymizer.scrub($0.text), change: $0.change)
      },
      problems: transcript.issues.filter { !$0.isNote }.map(located),
      notes: transcript.issues.filter(\.isNote).map(located))
    return (session, repairs)
  }
}
