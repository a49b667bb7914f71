import Foundation
import Testing

@testable import AttuneKit

/// A real chat's transcript lines: undo, pause, hot seat and an ending.
func recordedChat(
  style: AttachmentStyle = .avoidant, players: [String] = ["Ana", "Ben"], finish: Bool = true,
  _ said: [String] = [
    "You never listen to me.", "/undo", "I'm sorry, I was harsh. I feel alone with this.",
    "/pause 20", "I'm back. Could we make a plan for the chores?", "/next Ana",
    "Fine. Whatever you say.",
  ]
) throws -> (session: ChatSession, lines: [String]) {
  let options = ChatOptions(
    scenario: try shipped("chores"), style: style, seed: 11, players: players)
  let session = ChatSession(options: options, sink: MemorySink())
  _ = session.start(date: Date(timeIntervalSince1970: 0))
  for line in said { _ = session.handle(line) }
  if finish { _ = session.finish() }
  return (session, session.savedLines ?? [])
}

func read(_ lines: [String], path: String = "t.jsonl", newlineAtEnd: Bool = true) throws
  -> Transcript
{
  let text = lines.joined(separator: "\n") + (newlineAtEnd ? "\n" : "")
  return try TranscriptReader.parse(Array(text.utf8), path: path)
}

@Test func aCleanTranscriptReadsBackWithEveryEventAndNoIssues() throws {
  let (_, lines) = try recordedChat()
  let transcript = try read(lines)
  #expect(transcript.issues.isEmpty)
  #expect(transcript.records.count == lines.count - 1)
  let header = try #require(transcript.header)
  #expect(header.scenario == "chores")
  #expect(header.style == .avoidant)
  #expect(header.seed == 11)
  #expect(header.players == ["Ana", "Ben"])
  #expect(header.maxTurns == 40)
  #expect(transcript.end?.outcome == .quit)
  let users = transcript.records.compactMap { r -> SavedUserLine? in
    if case .user(let u) = r.event { return u } else { return nil }
  }
  #expect(users.map(\.player) == ["Ana", "Ana", "Ben", "Ana"])
  #expect(users[0].annotation?.moves.first?.move == .criticism)
}

@Test func theDebriefRebuiltFromTheFileEqualsTheChatsOwn() throws {
  for style in AttachmentStyle.allCases {
    let (session, lines) = try recordedChat(style: style)
    let rebuilt = try read(lines).debrief()
    let live = session.makeDebrief(.quit)
    #expect(rebuilt == live, "\(style)")
    #expect(rebuilt.byPlayer.map(\.name) == ["Ana", "Ben"])
  }
}

@Test func aTranscriptWithoutItsEndLineIsReadUpToItsLastCompleteLine() throws {
  let (_, lines) = try recordedChat(finish: false)
  let transcript = try read(lines)
  #expect(transcript.end == nil)
  #expect(transcript.issues.count == 1)
  #expect(transcript.issues[0].kind == .noEnd)
  #expect(transcript.issues[0].isNote)
  #expect(transcript.issues[0].description.contains("read up to line \(lines.count)"))
  #expect(transcript.debrief().outcome == nil)
  #expect(transcript.debrief().render().contains("unfinished"))
}

@Test func aLineCutOffMidWriteIsNamedAndEverythingBeforeItKept() throws {
  let (_, lines) = try recordedChat()
  var cut = Array(lines.prefix(5))
  cut.append(String(lines[5].prefix(40)))
  let transcript = try read(cut, newlineAtEnd: false)
  #expect(transcript.records.count == 4)
  let issue = try #require(transcript.issues.first)
  #expect(issue.kind == .cutOff)
  #expect(issue.line == 6)
  #expect(issue.description.hasPrefix("t.jsonl:6:"))
  #expect(issue.description.contains("cut off mid-line"))
}

@Test func eachFaultIsNamedWithItsLineAndFieldAndTheRestIsRead() throws {
  let (_, lines) = try recordedChat()
  var mutated = lines
  mutated[2] = mutated[2].replacingOccurrences(of: #""turn":1"#, with: #""turn":"one""#)
  mutated[3] = #"{"type":"mood","turn":1}"#
  mutated.insert("this is not json", at: 4)
  mutated.insert("\u{0}\u{1}\u{2}binary", at: 5)
  mutated.insert(#"["a","list"]"#, at: 6)
  mutated.insert(#"{"type":"partner","turn":2,"text":"hi","state":{"arousal":50,"trust":"x","band":"calm"}}"#, at: 7)
  mutated.insert(#"{"type":"user","turn":2,"text":"hey","annotation":{"verdict":"great","moves":[{"move":"shouting"}]}}"#, at: 8)
  let transcript = try read(mutated)
  let described = transcript.issues.map(\.description)
  #expect(described.contains(#"t.jsonl:3: field "turn": expected a whole number, found "one"; the event is skipped"#))
  #expect(described.contains { $0.hasPrefix("t.jsonl:4: field \"type\": unknown event type \"mood\"") })
  #expect(described.contains("t.jsonl:5:2: not JSON: expected 'true', found 'h'; skipped"))
  #expect(described.contains("t.jsonl:6: not JSON (binary data); skipped"))
  #expect(described.contains("t.jsonl:7: a list, not an event object; skipped"))
  #expect(described.contains(#"t.jsonl:8: field "state.trust": expected a whole number, found "x""#))
  #expect(described.contains { $0.hasPrefix(#"t.jsonl:9: field "annotation.verdict": unknown verdict "great" (valid: secure, insecure, mixed, neutral)"#) })
  #expect(described.contains { $0.hasPrefix(#"t.jsonl:9: field "annotation.moves[0].move": unknown move "shouting" (valid: gentle-startup"#) })
  // The partner line with bad meters and the user line with a bad annotation keep their text.
  #expect(transcript.records.contains { if case .partner(let p) = $0.event { p.text == "hi" && p.state == nil } else { false } })
  #expect(transcript.records.contains { if case .user(let u) = $0.event { u.text == "hey" && u.annotation == nil } else { false } })
  #expect(transcript.end != nil)
}

@Test func anEmptyFileAnUnknownSchemaAndNonsenseAreClearErrors() throws {
  #expect(throws: TranscriptReadError.empty(path: "e.jsonl")) {
    try TranscriptReader.parse(Array("\n  \n".utf8), path: "e.jsonl")
  }
  let (_, lines) = try recordedChat()
  var newer = lines
  newer[0] = newer[0].replacingOccurrences(of: #""schema":1"#, with: #""schema":3"#)
  let error = #expect(throws: TranscriptReadError.self) { try read(newer, path: "n.jsonl") }
  #expect(error == .newerSchema(path: "n.jsonl", schema: 3, engine: "attune 0.1.0"))
  #expect(error?.description.contains("schema 3") == true)
  #expect(error?.description.contains("reads schema 1") == true)
  #expect(throws: TranscriptReadError.self) {
    try TranscriptReader.parse((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }, path: "r.bin")
  }
  #expect(throws: TranscriptReadError.notFound(path: "/nonexistent/x.jsonl")) {
    try TranscriptReader.read(path: "/nonexistent/x.jsonl")
  }
}

@Test func everyTruncationOfATranscriptReadsOrFailsCleanly() throws {
  let (_, lines) = try recordedChat()
  let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
  var previousEvents = 0
  for length in Array(stride(from: 1, to: bytes.count, by: 7)) + [bytes.count] {
    guard let transcript = try? TranscriptReader.parse(bytes[..<length], path: "t") else { continue }
    #expect(transcript.records.count >= previousEvents)
    previousEvents = transcript.records.count
    #expect(transcript.issues.allSatisfy { $0.kind == .cutOff || $0.kind == .noEnd || $0.kind == .noSession })
  }
  #expect(previousEvents == lines.count - 1)
}

@Test func randomByteFlipsNeverCrashTheReader() throws {
  let (_, lines) = try recordedChat()
  let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
  var rng = SplitMix64(seed: 99)
  for _ in 0..<300 {
    var copy = bytes
    for _ in 0..<3 {
      let at = Int(rng.next() % UInt64(copy.count))
      copy[at] = UInt8(truncatingIfNeeded: rng.next())
    }
    if let transcript = try? TranscriptReader.parse(copy, path: "t") {
      _ = transcript.debrief()
      _ = ReplayRenderer(style: .plain).events(transcript)
    }
  }
}

@Test func jsonParserReadsEscapesNumbersAndNamesTheColumnOfAnError() throws {
  let value = try JSONParser.parse(Array(#"{"a":"x\"y\u00e9\ud83d\ude00\n","b":[1,-2.5,1e3,true,null]}"#.utf8))
  #expect(value["a"] == .string("x\"yé😀\n"))
  #expect(value["b"] == .array([.integer(1), .number(-2.5), .number(1000), .bool(true), .null]))
  for (text, column, message) in [
    (#"{"a":1,}"#, 8, "expected a field name in quotes, found '}'"),
    (#"{"a" 1}"#, 6, "expected ':' after \"a\", found '1'"),
    (#"[1 2]"#, 4, "expected ',' or ']', found '2'"),
    (#"{"a":tru}"#, 9, "expected 'true', found '}'"),
    (#"{"a":1} x"#, 9, "unexpected 'x' after the end of the value"),
  ] {
    #expect(throws: JSONSyntaxError(column: column, message: message, truncated: false), "\(text)") {
      try JSONParser.parse(Array(text.utf8))
    }
  }
  #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(String(repeating: "[", count: 500).utf8)) }
  do {
    _ = try JSONParser.parse(Array(#"{"a":"unfinished"#.utf8))
  } catch {
    #expect(error.truncated)
  }
}

@Test func aMissingRepeatedOrRenumberedLineIsNamedThoughEachLineIsValid() throws {
  let (_, lines) = try recordedChat()
  // lines: 0 session, 1 opening, 2 user 1, 3 partner 1, 4 undo, 5 user 1, 6 partner 1, ...
  var noReply = lines
  noReply.remove(at: 3)
  #expect(try read(noReply).issues.contains { $0.description == "t.jsonl:3: user turn 1 has no partner reply after it (a line missing?)" })
  var noUser = lines
  noUser.remove(at: 2)
  #expect(try read(noUser).issues.contains { $0.description == #"t.jsonl:3: field "turn": partner turn 1 with no user line before it (turn 0 stands)"# })
  var repeated = lines
  repeated.insert(lines[5], at: 7)
  #expect(try read(repeated).issues.contains { $0.kind == .outOfOrder && $0.line == 8 })
}

@Test func evidenceThatIsNotTheTextAtItsOffsetsAndMissingFieldsAreNamed() throws {
  let (_, lines) = try recordedChat()
  var mutated = lines
  mutated[2] = mutated[2].replacingOccurrences(of: #""evidence":"You never listen""#, with: #""evidence":"You always listen""#)
  mutated[3] = mutated[3].replacingOccurrences(of: #","fallback":false"#, with: "")
  let described = try read(mutated).issues.map(\.description)
  #expect(described.contains { $0.hasPrefix(#"t.jsonl:3: field "annotation.moves[0].evidence": "You always listen" is not the text at 0..<"#) })
  #expect(described.contains(#"t.jsonl:4: field "fallback": missing"#))
}
