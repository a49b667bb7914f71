/// Plays a saved conversation's user lines and commands through today's engine.
///
/// The same scenario, style, seed and lines give the same replies, so a playback that differs
/// from the saved partner lines means the engine (coach, partner, banks or scenario) changed.
public struct TranscriptPlayback {
  public let transcript: Transcript
  public let header: TranscriptHeader
  public let scenario: Scenario

  public init(transcript: Transcript, header: TranscriptHeader, scenario: Scenario) {
    self.transcript = transcript
    self.header = header
    self.scenario = scenario
  }

  /// The options the chat was started with, as far as the session line tells them.
  public func options(branchedFrom: TranscriptHeader.Branch? = nil) -> ChatOptions {
    ChatOptions(
      scenario: scenario, style: header.style, seed: header.seed, players: header.players,
      coach: header.coach ?? .live, maxTurns: header.maxTurns ?? ChatOptions.defaultMaxTurns,
      name: header.name, branchedFrom: branchedFrom)
  }

  /// What the user typed for a saved event: the text (a leading `/` escaped as `//`), or the command.
  static func typed(_ event: SavedEvent) -> String? {
    switch event {
    case .user(let user): return user.text.hasPrefix("/") ? "/" + user.text : user.text
    case .command(let command): return command.typed
    case .partner, .end: return nil
    }
  }

  /// Feeds `session` the saved user lines and commands, stopping before user turn `beforeTurn`
  /// (nil: all of them). With `playEnding` the playback also ends the way the saved chat did
  /// (its `/end` or `/quit`, or its end line); without it the session is left open to go on.
  /// Commands that only show something (`/help`, `/why`, `/state`) are not played; nor, when
  /// branching, anything after turn `beforeTurn - 1` but the `/undo`s that still reach back.
  /// Returns the number of user lines fed.
  @discardableResult
  public func feed(_ session: ChatSession, beforeTurn: Int? = nil, playEnding: Bool = false)
    -> Int
  {
    _ = session.start()
    var fed = 0
    for record in transcript.records {
      if session.isOver { break }
      switch record.event {
      case .user(let user):
        if let limit = beforeTurn, user.turn >= limit { return fed }
        fed += 1
      case .command(let command):
        if ["help", "why", "state"].contains(command.name) { continue }
        if ["end", "quit"].contains(command.name) && !playEnding { continue }
        if let limit = beforeTurn, command.turn >= limit, command.name != "undo" { continue }
      case .end(let end):
        if playEnding { _ = session.finish(end.outcome, reason: end.reason) }
        return fed
      case .partner:
        continue
      }
      if let line = Self.typed(record.event) { _ = session.handle(line) }
    }
    return fed
  }

  /// Plays the whole conversation again and compares every saved partner line with today's.
  public func verify(coach: Coach? = nil) -> VerifyResult {
    let session = ChatSession(options: options(), coach: coach, sink: MemorySink())
    feed(session, playEnding: true)
    let now = Self.partnerLines(session.savedLines ?? [])
    let saved = transcript.records.compactMap { record -> (Int, SavedPartnerLine)? in
      if case .partner(let line) = record.event { return (record.line, line) }
      return nil
    }
    var result = VerifyResult(compared: 0, difference: nil)
    for (index, (lineNumber, savedLine)) in saved.enumerated() {
      guard index < now.count else {
        result.difference = .init(
          line: lineNumber, turn: savedLine.turn, saved: savedLine.text, now: nil, field: "text")
        return result
      }
      let current = now[index]
      result.compared += 1
      if current.text != savedLine.text || current.turn != savedLine.turn {
        result.difference = .init(
          line: lineNumber, turn: savedLine.turn, saved: savedLine.text, now: current.text,
          field: current.turn != savedLine.turn && current.text == savedLine.text ? "turn" : "text")
        return result
      }
      if let savedState = savedLine.state, let state = current.state, savedState != state {
        result.difference = .init(
          line: lineNumber, turn: savedLine.turn, saved: Self.describe(savedState),
          now: Self.describe(state), field: "state")
        return result
      }
    }
    // A complete transcript must also not miss a line today's engine says.
    if transcript.end != nil, now.count > saved.count {
      let extra = now[saved.count]
      result.difference = .init(
        line: transcript.records.last?.line ?? 0, turn: extra.turn, saved: "(no partner line here)",
        now: extra.text, field: "text")
    }
    return result
  }

  static func describe(_ meters: Meters) -> String {
    "arousal \(meters.arousal), trust \(meters.trust), \(meters.band.rawValue)"
  }

  static func partnerLines(_ lines: [String]) -> [SavedPartnerLine] {
    let bytes = Array(lines.joined(separator: "\n").utf8) + [0x0A]
    guard let replayed = try? TranscriptReader.parse(bytes, path: "(playback)") else { return [] }
    return replayed.records.compactMap { record in
      if case .partner(let line) = record.event { return line }
      return nil
    }
  }
}

/// The outcome of `attune replay --verify`.
public struct VerifyResult: Sendable, Equatable {
  /// Partner lines found identical before the first difference (all of them when none).
  public var compared: Int
  /// The first partner line that differs; nil when all are identical.
  public var difference: Difference?

  public struct Difference: Sendable, Equatable {
    /// The saved line's number in the transcript.
    public var line: Int
    public var turn: Int
    public var saved: String
    /// Today's line; nil when today's engine says nothing there.
    public var now: String?
    /// What differs: `text`, `turn` or `state`.
    public var field: String
  }

  public var identical: Bool { difference == nil }
}

/// Where today's coach reads a saved user line differently.
public struct RecoachDifference: Sendable, Equatable {
  public var line: Int
  public var turn: Int
  public var text: String
  public var saved: Annotation?
  public var now: Annotation

  /// `was insecure [criticism], now mixed [criticism, responsibility]`.
  public var summary: String {
    func describe(_ a: Annotation?) -> String {
      guard let a else { return "unreadable" }
      let moves = a.moves.map(\.move.id)
      var seen = Set<String>()
      let distinct = moves.filter { seen.insert($0).inserted }
      return "\(a.verdict.rawValue) [\(distinct.joined(separator: ", "))]"
    }
    return "turn \(turn): was \(describe(saved)), now \(describe(now))"
  }
}

extension Transcript {
  /// Every user line read again by `coach`, where its verdict or moves differ from the saved ones.
  public func recoach(with coach: Coach) -> (compared: Int, differences: [RecoachDifference]) {
    var compared = 0
    var differences: [RecoachDifference] = []
    for record in records {
      guard case .user(let user) = record.event else { continue }
      compared += 1
      let now = coach.annotate(user.text)
      let saved = user.annotation
      let same =
        saved.map { $0.verdict == now.verdict && $0.moveSet == now.moveSet } ?? false
      if !same {
        differences.append(
          RecoachDifference(line: record.line, turn: user.turn, text: user.text, saved: saved, now: now))
      }
    }
    return (compared, differences)
  }
}

/// Why a saved chat cannot be resumed as asked.
public enum ResumeError: Error, Sendable, Equatable, CustomStringConvertible {
  case unreadable(TranscriptReadError)
  case noSession(path: String)
  case scenario(path: String, reason: String)
  case turnOutOfRange(path: String, turn: Int, turns: Int)
  case ended(path: String, outcome: Outcome, turns: Int)

  public var description: String {
    switch self {
    case .unreadable(let error):
      return error.description
    case .noSession(let path):
      return "\(path): no readable session line, so its scenario, style and seed are unknown; it cannot be resumed"
    case .scenario(let path, let reason):
      return "\(path): its scenario cannot be loaded: \(reason)"
    case .turnOutOfRange(let path, let turn, let turns):
      return
        "--at \(turn): \(path) has \(turns) turn\(turns == 1 ? "" : "s"); branch at a turn from 1 to \(turns + 1) (\(turns + 1) continues after the last)"
    case .ended(let path, let outcome, let turns):
      return
        "\(path) ended (\(outcome.rawValue)) after turn \(turns); to try another way, branch from a turn with --at TURN (1 to \(turns))"
    }
  }
}

/// A saved chat replayed into a new session, ready to go on.
public struct Resumed: Sendable {
  /// The first new turn.
  public var turn: Int
  /// User lines replayed into the new session.
  public var replayed: Int
  /// True when it goes on after the last saved turn rather than branching before it.
  public var continuing: Bool
  /// The first earlier partner reply that today's engine says differently, if any.
  public var divergence: VerifyResult.Difference?
}

extension TranscriptPlayback {
  /// Reads a transcript and finds its scenario, for `chat --resume`.
  public static func load(path: String, library: ScenarioLibrary?) throws(ResumeError)
    -> TranscriptPlayback
  {
    let transcript: Transcript
    do {
      transcript = try TranscriptReader.read(path: path)
    } catch {
      throw .unreadable(error)
    }
    guard let header = transcript.header else { throw .noSession(path: path) }
    do {
      let scenario = try ScenarioLibrary.resolve(header.scenario, library: library)
      return TranscriptPlayback(transcript: transcript, header: header, scenario: scenario)
    } catch {
      throw .scenario(path: path, reason: error.description)
    }
  }

  /// Checks a branch point: nil continues after the last turn, when the chat can go on.
  public func branchTurn(at turn: Int?, maxTurns: Int) throws(ResumeError) -> Int {
    let turns = transcript.exchanges.count
    if let turn {
      guard (1...turns + 1).contains(turn) else {
        throw .turnOutOfRange(path: transcript.path, turn: turn, turns: turns)
      }
      return turn
    }
    if let end = transcript.end {
      switch end.outcome {
      case .resolved, .rupture:
        throw .ended(path: transcript.path, outcome: end.outcome, turns: turns)
      case .turnLimit where turns >= maxTurns:
        throw .ended(path: transcript.path, outcome: end.outcome, turns: turns)
      default:
        break
      }
    }
    return turns + 1
  }

  /// Replays the saved chat into `session` up to (not including) `turn`, and checks that today's
  /// engine answered the replayed turns as the saved chat did.
  public func resume(_ session: ChatSession, at turn: Int) -> Resumed {
    let saved = transcript.exchanges
    let continuing = turn > saved.count
    let replayed = feed(session, beforeTurn: continuing ? nil : turn)
    var divergence: VerifyResult.Difference?
    for (saved, now) in zip(saved, session.exchanges) where saved.reply.text != now.reply.text {
      divergence = .init(line: 0, turn: saved.turn, saved: saved.reply.text, now: now.reply.text, field: "text")
      break
    }
    return Resumed(turn: turn, replayed: replayed, continuing: continuing, divergence: divergence)
  }
}
