/// A saved chat, read back: the session line, the events that could be read, and what was wrong.
public struct Transcript: Sendable, Equatable {
  /// Where it was read from (as given).
  public var path: String
  /// The session line; nil when it was missing or unreadable.
  public var header: TranscriptHeader?
  /// Every readable event after the session line, in file order, with its line number.
  public var records: [TranscriptRecord]
  /// Everything that was wrong, in line order. Empty for a clean, complete transcript.
  public var issues: [TranscriptIssue]

  public init(
    path: String, header: TranscriptHeader?, records: [TranscriptRecord], issues: [TranscriptIssue]
  ) {
    self.path = path
    self.header = header
    self.records = records
    self.issues = issues
  }

  /// The end line, when the chat ended properly.
  public var end: SavedEnd? {
    for record in records.reversed() {
      if case .end(let end) = record.event { return end }
    }
    return nil
  }

  /// The file name without folders.
  public var fileName: String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}

/// The session line: what the chat was started with.
public struct TranscriptHeader: Sendable, Equatable {
  public var schema: Int
  public var engine: String
  public var scenario: String
  public var scenarioSHA256: String?
  public var style: AttachmentStyle
  public var seed: UInt64
  public var players: [String]
  public var started: String?
  /// The participant's name (`chat --name`), when given.
  public var name: String?
  public var maxTurns: Int?
  public var coach: CoachMode?
  /// Set when this chat was resumed or branched from another transcript.
  public var branchedFrom: Branch?

  public struct Branch: Sendable, Equatable {
    /// The transcript it continued, as its path was given.
    public var file: String
    /// The first turn that is new here; turns before it were replayed from `file`.
    public var turn: Int
    public init(file: String, turn: Int) {
      self.file = file
      self.turn = turn
    }
  }

  public init(
    schema: Int = TranscriptLine.schema, engine: String = AttuneVersion.string, scenario: String,
    scenarioSHA256: String? = nil, style: AttachmentStyle, seed: UInt64, players: [String],
    started: String? = nil, name: String? = nil, maxTurns: Int? = nil, coach: CoachMode? = nil,
    branchedFrom: Branch? = nil
  ) {
    self.schema = schema
    self.engine = engine
    self.scenario = scenario
    self.scenarioSHA256 = scenarioSHA256
    self.style = style
    self.seed = seed
    self.players = players
    self.started = started
    self.name = name
    self.maxTurns = maxTurns
    self.coach = coach
    self.branchedFrom = branchedFrom
  }
}

/// One event line of a transcript and the line number it was read from.
public struct TranscriptRecord: Sendable, Equatable {
  public var line: Int
  public var event: SavedEvent
  public init(line: Int, event: SavedEvent) {
    self.line = line
    self.event = event
  }
}

/// An event line as saved (DESIGN.md, Transcript).
public enum SavedEvent: Sendable, Equatable {
  case partner(SavedPartnerLine)
  case user(SavedUserLine)
  case command(SavedCommand)
  case end(SavedEnd)

  public var turn: Int? {
    switch self {
    case .partner(let p): return p.turn
    case .user(let u): return u.turn
    case .command(let c): return c.turn
    case .end: return nil
    }
  }
}

public struct SavedPartnerLine: Sendable, Equatable {
  public var turn: Int
  public var text: String
  public var rule: String
  public var fallback: Bool
  /// The meters after this line; nil when the saved state was missing or unreadable.
  public var state: Meters?
  public init(turn: Int, text: String, rule: String, fallback: Bool, state: Meters?) {
    self.turn = turn
    self.text = text
    self.rule = rule
    self.fallback = fallback
    self.state = state
  }
  /// The partner stepped out of the role-play.
  public var isSafety: Bool { rule.hasPrefix("safety") }
}

public struct SavedUserLine: Sendable, Equatable {
  public var turn: Int
  public var player: String
  public var text: String
  /// The coach's reading when it was said; nil when it was missing or unreadable.
  public var annotation: Annotation?
  public init(turn: Int, player: String, text: String, annotation: Annotation?) {
    self.turn = turn
    self.player = player
    self.text = text
    self.annotation = annotation
  }
}

public struct SavedCommand: Sendable, Equatable {
  public var turn: Int
  public var name: String
  public var argument: String?
  public init(turn: Int, name: String, argument: String?) {
    self.turn = turn
    self.name = name
    self.argument = argument
  }
  /// The command as it was typed: `/pause 20`.
  public var typed: String { "/" + name + (argument.map { " " + $0 } ?? "") }
}

public struct SavedEnd: Sendable, Equatable {
  public var outcome: Outcome
  public var turns: Int?
  public var needsMet: [String]
  public var needsUnmet: [String]
  /// Why the chat ended when it was not the user's doing (`SIGTERM`).
  public var reason: String?
  public init(
    outcome: Outcome, turns: Int?, needsMet: [String] = [], needsUnmet: [String] = [],
    reason: String? = nil
  ) {
    self.outcome = outcome
    self.turns = turns
    self.needsMet = needsMet
    self.needsUnmet = needsUnmet
    self.reason = reason
  }
}

/// Something wrong in a transcript that the reader stepped over; the rest was still read.
public struct TranscriptIssue: Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable, Equatable {
    /// The line is not JSON.
    case notJSON = "not-json"
    /// The last line stops mid-way: the chat was interrupted while writing it.
    case cutOff = "cut-off"
    /// A JSON line that is not an event (no type, or not an object).
    case notAnEvent = "not-an-event"
    /// An event type this version does not know (a newer attune wrote it).
    case unknownType = "unknown-type"
    /// A field is missing, has the wrong type or a value outside the valid ones.
    case badField = "bad-field"
    /// The events are not in the order a chat writes them.
    case outOfOrder = "out-of-order"
    /// No session line: scenario, style and seed are unknown.
    case noSession = "no-session"
    /// No end line: the chat stopped before it ended (a crash, a kill).
    case noEnd = "no-end"
    /// A line longer than any event.
    case tooLong = "too-long"
  }

  public var kind: Kind
  public var path: String
  /// 1-based line number; 0 for the file as a whole.
  public var line: Int
  /// 1-based column, for JSON syntax errors.
  public var column: Int?
  /// The field at fault (`annotation.moves[0].move`), when one is.
  public var field: String?
  public var message: String

  public init(
    _ kind: Kind, path: String, line: Int, column: Int? = nil, field: String? = nil,
    message: String
  ) {
    self.kind = kind
    self.path = path
    self.line = line
    self.column = column
    self.field = field
    self.message = message
  }

  /// `PATH:LINE[:COLUMN]: [field "NAME": ]MESSAGE`.
  public var description: String {
    var location = path
    if line > 0 { location += ":\(line)" }
    if let column { location += ":\(column)" }
    let prefix = field.map { "field \"\($0)\": " } ?? ""
    return "\(location): \(prefix)\(message)"
  }

  /// Whether this is only a note (the chat was cut short) rather than damage.
  public var isNote: Bool { kind == .noEnd }
}

/// Why a transcript could not be read at all.
public enum TranscriptReadError: Error, Sendable, Equatable, CustomStringConvertible {
  case notFound(path: String)
  case unreadable(path: String, reason: String)
  case isFolder(path: String)
  case empty(path: String)
  /// Written by a newer attune, with a schema this one does not know.
  case newerSchema(path: String, schema: Int, engine: String?)
  /// Nothing in it is a transcript event.
  case notATranscript(path: String, firstIssue: String)

  public var path: String {
    switch self {
    case .notFound(let p), .unreadable(let p, _), .isFolder(let p), .empty(let p),
      .newerSchema(let p, _, _), .notATranscript(let p, _):
      return p
    }
  }

  public var description: String {
    switch self {
    case .notFound(let path):
      return "\(path): no such file"
    case .unreadable(let path, let reason):
      return "\(path): cannot read it (\(reason))"
    case .isFolder(let path):
      return "\(path): is a folder, not a transcript file"
    case .empty(let path):
      return "\(path): the file is empty; a transcript starts with a session line"
    case .newerSchema(let path, let schema, let engine):
      let by = engine.map { " by \($0)" } ?? ""
      return
        "\(path): written\(by) with transcript schema \(schema); this attune (\(AttuneVersion.string)) reads schema \(TranscriptLine.schema) only. Update attune to read it."
    case .notATranscript(let path, let firstIssue):
      return "\(path): not an attune transcript (no session line and no events; first problem: \(firstIssue))"
    }
  }
}
