import Foundation

/// Reads transcripts tolerantly: every valid line is kept, every fault is named (file, line,
/// column or field) and stepped over, and nothing in a file can crash it.
public enum TranscriptReader {
  /// No event is anywhere near this long; a longer line is skipped rather than parsed.
  public static let maxLineBytes = 16 << 20

  /// Reads the transcript at `path`.
  public static func read(path: String) throws(TranscriptReadError) -> Transcript {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw .notFound(path: path)
    }
    if isFolder.boolValue { throw .isFolder(path: path) }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      let reason = (error as NSError).localizedFailureReason ?? "permission denied or unreadable"
      throw .unreadable(path: path, reason: reason)
    }
    let result = data.withUnsafeBytes { raw in
      Result { () throws(TranscriptReadError) -> Transcript in
        try parse(raw.bindMemory(to: UInt8.self), path: path)
      }
    }
    return try result.get()
  }

  /// Reads a transcript from its bytes; `path` names it in messages.
  public static func parse(_ bytes: some Collection<UInt8>, path: String) throws(TranscriptReadError)
    -> Transcript
  {
    let array = Array(bytes)
    let result = array.withUnsafeBufferPointer { buffer in
      Result { () throws(TranscriptReadError) -> Transcript in try parse(buffer, path: path) }
    }
    return try result.get()
  }

  public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws(
    TranscriptReadError
  ) -> Transcript {
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
      throw .empty(path: path)
    }
    var state = ReadState(path: path)
    var lineNumber = 0
    var start = 0
    while start < bytes.count {
      lineNumber += 1
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      let complete = end < bytes.count
      var lineEnd = end
      if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
      let line = UnsafeBufferPointer(rebasing: bytes[start..<lineEnd])
      try state.take(line, number: lineNumber, complete: complete)
      start = end + 1
    }
    return try state.finish()
  }
}

/// The reader's progress through one file.
private struct ReadState {
  let path: String
  var header: TranscriptHeader?
  var records: [TranscriptRecord] = []
  var issues: [TranscriptIssue] = []
  var sawEnd = false
  var lastLine = 0

  init(path: String) {
    self.path = path
  }

  mutating func issue(
    _ kind: TranscriptIssue.Kind, _ line: Int, column: Int? = nil, field: String? = nil,
    _ message: String
  ) {
    issues.append(
      TranscriptIssue(kind, path: path, line: line, column: column, field: field, message: message))
  }

  mutating func take(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, complete: Bool) throws(
    TranscriptReadError
  ) {
    lastLine = number
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are harmless
    if bytes.count > TranscriptReader.maxLineBytes {
      issue(
        .tooLong, number,
        "line is \(bytes.count / 1_048_576) MB long, longer than any event; skipped")
      return
    }
    let value: JSONValue
    do {
      value = try JSONParser.parse(bytes)
    } catch {
      let column = scalarColumn(bytes, byteColumn: error.column)
      if !complete && error.truncated {
        issue(
          .cutOff, number, column: column,
          "cut off mid-line (the chat was interrupted while writing it); everything before it is intact"
        )
      } else if looksBinary(bytes) {
        issue(.notJSON, number, "not JSON (binary data); skipped")
      } else {
        issue(.notJSON, number, column: column, "not JSON: \(error.message); skipped")
      }
      return
    }
    guard case .object(let object) = value else {
      issue(.notAnEvent, number, "\(value.kindName), not an event object; skipped")
      return
    }
    guard let typeValue = object["type"] else {
      issue(.notAnEvent, number, field: "type", "missing: every event names its type; skipped")
      return
    }
    guard case .string(let type) = typeValue else {
      issue(
        .badField, number, field: "type", "expected a string, found \(typeValue.quoted); skipped")
      return
    }
    var fields = FieldReader(object: object)
    let event: SavedEvent?
    switch type {
    case "session":
      try readSession(&fields, number: number)
      return
    case "partner": event = readPartner(&fields)
    case "user": event = readUser(&fields)
    case "command": event = readCommand(&fields)
    case "end": event = readEnd(&fields)
    default:
      issue(
        .unknownType, number, field: "type",
        "unknown event type \"\(type)\" (valid: session, partner, user, command, end; a newer attune may have written it); skipped"
      )
      return
    }
    for problem in fields.problems {
      issue(.badField, number, field: problem.field, problem.message)
    }
    guard let event else { return }
    if header == nil && records.isEmpty {
      issue(.noSession, number, "an event before any session line")
    }
    if sawEnd {
      issue(.outOfOrder, number, "an event after the end line")
    }
    if case .end = event { sawEnd = true }
    records.append(TranscriptRecord(line: number, event: event))
  }

  func looksBinary(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let sample = bytes.prefix(256)
    let control = sample.filter { $0 < 0x20 && $0 != 0x09 }.count
    return control > 0 || String(validating: Array(sample), as: UTF8.self) == nil && sample.count < 256
  }

  /// Converts a 1-based byte column into a 1-based column in Unicode scalars.
  func scalarColumn(_ bytes: UnsafeBufferPointer<UInt8>, byteColumn: Int) -> Int {
    let upto = min(bytes.count, max(0, byteColumn - 1))
    var column = 1
    for i in 0..<upto where bytes[i] & 0xC0 != 0x80 { column += 1 }
    return column
  }

  mutating func readSession(_ fields: inout FieldReader, number: Int) throws(TranscriptReadError) {
    let schema = fields.int("schema")
    let engine = fields.optionalString("engine")
    if let schema, schema > TranscriptLine.schema {
      throw .newerSchema(path: path, schema: schema, engine: engine)
    }
    if let schema, schema < 1 {
      fields.problems.append(.init(field: "schema", message: "\(schema) is not a schema version (this attune reads 1); read as 1"))
    }
    let scenario = fields.string("scenario")
    let style = fields.style("style")
    let seed = fields.seed("seed")
    let players = fields.stringList("players") ?? ["you"]
    let header: TranscriptHeader? =
      if let scenario, let style, let seed {
        TranscriptHeader(
          schema: schema ?? TranscriptLine.schema, engine: engine ?? "unknown", scenario: scenario,
          scenarioSHA256: fields.optionalString("scenario_sha256"), style: style, seed: seed,
          players: players.isEmpty ? ["you"] : players, started: fields.optionalString("started"),
          name: fields.optionalString("name"), maxTurns: fields.optionalInt("max_turns"),
          coach: fields.optionalString("coach").flatMap(CoachMode.init(rawValue:)),
          branchedFrom: fields.branch("branched_from"))
      } else { nil }
    for problem in fields.problems {
      issue(.badField, number, field: problem.field, problem.message)
    }
    if self.header != nil || !records.isEmpty {
      issue(.outOfOrder, number, "a second session line; only the first one counts")
      return
    }
    if header == nil {
      issue(.noSession, number, "the session line is unusable; scenario, style and seed are unknown")
    }
    self.header = header
  }

  mutating func readPartner(_ fields: inout FieldReader) -> SavedEvent? {
    let turn = fields.int("turn")
    let text = fields.string("text")
    let rule = fields.string("rule") ?? "unknown"
    let fallback = fields.bool("fallback") ?? false
    let state = fields.meters("state")
    guard let turn, let text else { fields.skipped(); return nil }
    return .partner(SavedPartnerLine(turn: turn, text: text, rule: rule, fallback: fallback, state: state))
  }

  mutating func readUser(_ fields: inout FieldReader) -> SavedEvent? {
    let turn = fields.int("turn")
    let text = fields.string("text")
    let player = fields.string("player") ?? header?.players.first ?? "you"
    let annotation = fields.annotation("annotation", text: text ?? "")
    guard let turn, let text else { fields.skipped(); return nil }
    return .user(SavedUserLine(turn: turn, player: player, text: text, annotation: annotation))
  }

  mutating func readCommand(_ fields: inout FieldReader) -> SavedEvent? {
    let turn = fields.int("turn")
    let name = fields.string("name")
    let argument = fields.optionalString("argument")
    guard let turn, let name else { fields.skipped(); return nil }
    return .command(SavedCommand(turn: turn, name: name, argument: argument))
  }

  mutating func readEnd(_ fields: inout FieldReader) -> SavedEvent? {
    let outcome = fields.outcome("outcome")
    let turns = fields.optionalInt("turns")
    let summary = fields.object["summary"]
    var inner = FieldReader(object: summary.flatMap { if case .object(let o) = $0 { o } else { nil } } ?? [:], prefix: "summary.")
    let met = inner.stringList("needs_met") ?? []
    let unmet = inner.stringList("needs_unmet") ?? []
    fields.problems += inner.problems
    let reason = fields.optionalString("reason")
    guard let outcome else { fields.skipped(); return nil }
    return .end(SavedEnd(outcome: outcome, turns: turns, needsMet: met, needsUnmet: unmet, reason: reason))
  }

  /// Checks that the events follow each other as a chat writes them: each user line numbered one
  /// past the turns that stand, answered by a partner line of its turn; a missing, repeated or
  /// renumbered line is named even when every line on its own is valid.
  mutating func checkSequence() {
    var standing = 0
    var pending: (turn: Int, line: Int)?
    for record in records {
      switch record.event {
      case .user(let user):
        if let open = pending {
          issue(
            .outOfOrder, open.line,
            "user turn \(open.turn) has no partner reply after it (a line missing?)")
        }
        if user.turn != standing + 1 {
          issue(
            .outOfOrder, record.line, field: "turn",
            "user turn \(user.turn) where turn \(standing + 1) comes next (a line missing, repeated or renumbered?)"
          )
        }
        pending = (user.turn, record.line)
      case .partner(let partner):
        if let open = pending {
          if partner.turn != open.turn {
            issue(
              .outOfOrder, record.line, field: "turn",
              "partner turn \(partner.turn) answers user turn \(open.turn)")
          }
          standing += 1
          pending = nil
        } else if partner.turn != standing {
          issue(
            .outOfOrder, record.line, field: "turn",
            "partner turn \(partner.turn) with no user line before it (turn \(standing) stands)")
        }
      case .command(let command):
        if let open = pending {
          issue(
            .outOfOrder, open.line,
            "user turn \(open.turn) has no partner reply after it (a line missing?)")
          pending = nil
          standing += 1
        }
        if command.name == "undo" && standing > 0 { standing -= 1 }
      case .end(let end):
        if let turns = end.turns, turns != standing, pending == nil {
          issue(
            .outOfOrder, record.line, field: "turns",
            "the end line counts \(turns) turns, the events \(standing)")
        }
      }
    }
  }

  mutating func finish() throws(TranscriptReadError) -> Transcript {
    checkSequence()
    if header == nil && records.isEmpty {
      let first = issues.first.map { "line \($0.line): \($0.message)" } ?? "nothing readable"
      throw .notATranscript(path: path, firstIssue: first)
    }
    if header == nil && !issues.contains(where: { $0.kind == .noSession }) {
      issue(.noSession, 1, "no session line; scenario, style and seed are unknown")
    }
    if !sawEnd {
      let lastGood = records.last?.line ?? 1
      issue(
        .noEnd, 0,
        "no end line: the chat stopped before it ended (a crash or a kill); read up to line \(lastGood)"
      )
    }
    issues.sort { ($0.line == 0 ? Int.max : $0.line) < ($1.line == 0 ? Int.max : $1.line) }
    return Transcript(path: path, header: header, records: records, issues: issues)
  }
}

/// Reads typed fields out of one JSON object, collecting a message for each fault.
struct FieldReader {
  struct Problem {
    var field: String
    var message: String
  }

  let object: [String: JSONValue]
  let prefix: String
  var problems: [Problem] = []

  init(object: [String: JSONValue], prefix: String = "") {
    self.object = object
    self.prefix = prefix
  }

  private mutating func fault(_ key: String, _ message: String) {
    problems.append(Problem(field: prefix + key, message: message))
  }

  private mutating func wrongType(_ key: String, _ expected: String, _ value: JSONValue) {
    fault(key, "expected \(expected), found \(value.quoted)")
  }

  /// Marks the event as skipped on its first problem, so the message says what happened to it.
  mutating func skipped() {
    if let last = problems.indices.last { problems[last].message += "; the event is skipped" }
  }

  mutating func int(_ key: String) -> Int? {
    guard let value = object[key] else { fault(key, "missing"); return nil }
    return intValue(key, value)
  }

  mutating func optionalInt(_ key: String) -> Int? {
    guard let value = object[key], value != .null else { return nil }
    return intValue(key, value)
  }

  private mutating func intValue(_ key: String, _ value: JSONValue) -> Int? {
    if case .integer(let i) = value { return i }
    wrongType(key, "a whole number", value)
    return nil
  }

  mutating func seed(_ key: String) -> UInt64? {
    guard let value = object[key] else { fault(key, "missing"); return nil }
    if case .integer(let i) = value, i >= 0 { return UInt64(i) }
    if case .number(let d) = value, d >= 0, d <= Double(UInt64.max), d == d.rounded() {
      return UInt64(d)
    }
    wrongType(key, "a whole number from 0 up", value)
    return nil
  }

  mutating func string(_ key: String) -> String? {
    guard let value = object[key] else { fault(key, "missing"); return nil }
    if case .string(let s) = value { return s }
    wrongType(key, "a string", value)
    return nil
  }

  mutating func optionalString(_ key: String) -> String? {
    guard let value = object[key], value != .null else { return nil }
    if case .string(let s) = value { return s }
    wrongType(key, "a string", value)
    return nil
  }

  mutating func bool(_ key: String) -> Bool? {
    guard let value = object[key] else { fault(key, "missing"); return nil }
    if case .bool(let b) = value { return b }
    wrongType(key, "true or false", value)
    return nil
  }

  mutating func optionalBool(_ key: String) -> Bool? {
    guard let value = object[key], value != .null else { return nil }
    if case .bool(let b) = value { return b }
    wrongType(key, "true or false", value)
    return nil
  }

  mutating func stringList(_ key: String) -> [String]? {
    guard let value = object[key], value != .null else { return nil }
    guard case .array(let items) = value else {
      wrongType(key, "a list of strings", value)
      return nil
    }
    var out: [String] = []
    for (i, item) in items.enumerated() {
      if case .string(let s) = item { out.append(s) } else { wrongType("\(key)[\(i)]", "a string", item) }
    }
    return out
  }

  mutating func style(_ key: String) -> AttachmentStyle? {
    guard let name = string(key) else { return nil }
    if let style = AttachmentStyle(name: name) { return style }
    fault(key, "unknown style \"\(name)\" (valid: \(AttachmentStyle.allCases.map(\.id).joined(separator: ", ")))")
    return nil
  }

  mutating func outcome(_ key: String) -> Outcome? {
    guard let name = string(key) else { return nil }
    if let outcome = Outcome(rawValue: name) { return outcome }
    fault(key, "unknown outcome \"\(name)\" (valid: \(Outcome.allCases.map(\.rawValue).joined(separator: ", ")))")
    return nil
  }

  mutating func branch(_ key: String) -> TranscriptHeader.Branch? {
    guard let value = object[key], value != .null else { return nil }
    guard case .object(let fields) = value else {
      wrongType(key, "an object with file and turn", value)
      return nil
    }
    var inner = FieldReader(object: fields, prefix: prefix + key + ".")
    let file = inner.string("file")
    let turn = inner.int("turn")
    problems += inner.problems
    guard let file, let turn else { return nil }
    return .init(file: file, turn: turn)
  }

  /// The partner's meters; nil (with a message) when missing or malformed.
  mutating func meters(_ key: String) -> Meters? {
    guard let value = object[key] else { fault(key, "missing; the partner's meters are unknown here"); return nil }
    guard case .object(let fields) = value else {
      wrongType(key, "an object with arousal, trust and band", value)
      return nil
    }
    var inner = FieldReader(object: fields, prefix: prefix + key + ".")
    let arousal = inner.int("arousal")
    let trust = inner.int("trust")
    let bandName = inner.string("band")
    var band: Band?
    if let bandName {
      band = Band(rawValue: bandName)
      if band == nil {
        inner.fault("band", "unknown band \"\(bandName)\" (valid: \(Band.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
    }
    problems += inner.problems
    guard let arousal, let trust, let band else { return nil }
    return Meters(arousal: arousal, trust: trust, band: band)
  }

  /// Whether `evidence` is the text's Unicode scalars `start..<end`, as the coach writes it.
  static func evidence(_ evidence: String, isAt start: Int, _ end: Int, in text: String) -> Bool {
    let scalars = text.unicodeScalars
    guard start >= 0, end >= start, end <= scalars.count else { return false }
    let from = scalars.index(scalars.startIndex, offsetBy: start)
    let to = scalars.index(from, offsetBy: end - start)
    return String(scalars[from..<to]) == evidence
  }

  /// A saved annotation; nil (with a message naming the field) when it is missing or malformed.
  mutating func annotation(_ key: String, text: String) -> Annotation? {
    guard let value = object[key] else { fault(key, "missing; this line's moves are unknown"); return nil }
    guard case .object(let fields) = value else {
      wrongType(key, "an object", value)
      return nil
    }
    var inner = FieldReader(object: fields, prefix: prefix + key + ".")
    let verdictName = inner.string("verdict")
    var verdict: Verdict?
    if let verdictName {
      verdict = Verdict(rawValue: verdictName)
      if verdict == nil {
        inner.fault("verdict", "unknown verdict \"\(verdictName)\" (valid: \(Verdict.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
    }
    var moves: [MoveMatch] = []
    var movesOK = true
    if let list = fields["moves"] {
      if case .array(let items) = list {
        for (i, item) in items.enumerated() {
          guard case .object(let m) = item else {
            inner.wrongType("moves[\(i)]", "an object", item)
            movesOK = false
            continue
          }
          var mr = FieldReader(object: m, prefix: inner.prefix + "moves[\(i)].")
          let id = mr.string("move")
          let move = id.flatMap(Move.init(id:))
          if let id, move == nil {
            mr.fault("move", "unknown move \"\(id)\" (valid: \(Move.allCases.map(\.id).joined(separator: ", ")))")
          }
          let evidence = mr.optionalString("evidence") ?? ""
          let start = mr.optionalInt("start") ?? 0
          let end = mr.optionalInt("end") ?? 0
          if !Self.evidence(evidence, isAt: start, end, in: text) {
            mr.fault("evidence", "\"\(evidence)\" is not the text at \(start)..<\(end)")
          }
          let rule = mr.optionalString("rule") ?? "unknown"
          inner.problems += mr.problems
          if let move {
            moves.append(MoveMatch(move: move, evidence: evidence, start: start, end: end, rule: rule))
          } else {
            movesOK = false
          }
        }
      } else {
        inner.wrongType("moves", "a list", list)
        movesOK = false
      }
    }
    let signals = inner.stringList("signals") ?? []
    var antidote: Antidote?
    if let a = fields["antidote"], a != .null {
      if case .object(let af) = a {
        var ar = FieldReader(object: af, prefix: inner.prefix + "antidote.")
        let forMove = ar.string("for").flatMap(Move.init(id:))
        let move = ar.optionalString("move").flatMap(Move.init(id:)) ?? forMove?.antidoteMove
        let why = ar.optionalString("why") ?? ""
        let tryThis = ar.string("try")
        inner.problems += ar.problems
        if let forMove, let move, let tryThis {
          antidote = Antidote(forMove: forMove, move: move, why: why, tryThis: tryThis)
        }
      } else {
        inner.wrongType("antidote", "an object", a)
      }
    }
    problems += inner.problems
    guard movesOK, let verdict else { return nil }
    return Annotation(text: text, verdict: verdict, moves: moves, signals: signals, antidote: antidote)
  }
}
