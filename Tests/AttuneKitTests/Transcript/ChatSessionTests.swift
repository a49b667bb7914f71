import Foundation
import Testing

@testable import AttuneKit

private func session(
  _ style: AttachmentStyle = .anxious, scenario: String = "phones-at-dinner", maxTurns: Int = 40,
  coach: CoachMode = .live
) throws -> ChatSession {
  let options = ChatOptions(
    scenario: try shipped(scenario), style: style, seed: 7, players: ["Ana", "Ben"], coach: coach,
    maxTurns: maxTurns)
  return ChatSession(options: options, sink: MemorySink())
}

private func json(_ line: String) -> [String: Any] {
  (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
}

private func infoText(_ outputs: [ChatOutput]) -> String {
  outputs.compactMap { if case .info(let text) = $0 { return text } else { return nil } }.joined(
    separator: "\n")
}

@Test func aChatWritesTheTranscriptOfDesignMd() throws {
  let chat = try session()
  _ = chat.start(date: Date(timeIntervalSince1970: 0))
  _ = chat.handle("I felt left out at dinner.")
  _ = chat.handle("/undo")
  _ = chat.handle("Could we keep phones away at dinner?")
  _ = chat.finish()
  let lines = try #require(chat.savedLines)
  let types = lines.map { json($0)["type"] as? String ?? "?" }
  #expect(
    types == [
      "session", "partner", "user", "partner", "command", "user", "partner", "partner", "end",
    ])
  #expect(
    lines[0].hasPrefix(
      #"{"type":"session","schema":1,"engine":"attune 0.1.0","scenario":"phones-at-dinner","scenario_sha256":""#
    ))
  #expect(
    lines[0].hasSuffix(
      #""style":"anxious","seed":7,"players":["Ana","Ben"],"started":"1970-01-01T00:00:00Z","max_turns":40,"coach":"live"}"#))
  #expect(lines[1].hasPrefix(#"{"type":"partner","turn":0,"text":"#))
  #expect(lines[1].contains(#""fallback":false,"state":{"arousal":"#))
  #expect(
    lines[2].hasPrefix(
      #"{"type":"user","turn":1,"player":"Ana","text":"I felt left out at dinner.","annotation":{"text":"#
    ))
  #expect(lines[4] == #"{"type":"command","turn":2,"name":"undo"}"#)
  #expect(json(lines[5])["turn"] as? Int == 1)
  #expect(json(lines[5])["player"] as? String == "Ana")
  let end = json(lines[8])
  #expect(end["outcome"] as? String == "quit")
  #expect(end["turns"] as? Int == 1)
  #expect(end["summary"] is [String: Any])
}

@Test func undoRewindsThePartnersState() throws {
  let chat = try session(.avoidant)
  _ = chat.start()
  let before = chat.partner.state
  _ = chat.handle("You never listen to me, you're pathetic.")
  #expect(chat.partner.state.arousal > before.arousal)
  let out = chat.handle("/undo")
  #expect(chat.partner.state == before)
  #expect(chat.exchanges.isEmpty)
  #expect(infoText(out).contains("Took back turn 1"))
  #expect(infoText(chat.handle("/undo")).contains("Nothing to undo"))
}

@Test func theSlashCommandsAnswer() throws {
  let chat = try session(.secure)
  _ = chat.start()
  #expect(infoText(chat.handle("/help")).contains("/pause MINUTES"))
  #expect(infoText(chat.handle("/why")).contains("Nothing to explain yet"))
  _ = chat.handle("You never put your phone down.")
  let why = infoText(chat.handle("/why"))
  #expect(why.contains("criticism"))
  #expect(why.contains("with rule"))
  #expect(why.contains("Arousal"))
  let state = infoText(chat.handle("/state"))
  #expect(state.contains("Arousal ["))
  #expect(state.contains("Trust   ["))
  #expect(state.contains("what I need now"))
  #expect(infoText(chat.handle("/hint")).hasPrefix("Hint: \""))
  let pause = chat.handle("/pause 20")
  #expect(
    pause.contains {
      if case .partner(let r) = $0 { return r.rule == "secure.pause" } else { return false }
    })
  #expect(infoText(chat.handle("/pause soon")).contains("Usage: /pause MINUTES"))
  #expect(infoText(chat.handle("/next Ben")).contains("Ben, you're on"))
  #expect(chat.currentPlayer == "Ben")
  #expect(infoText(chat.handle("/dance")).contains("Unknown command '/dance'"))
  let end = chat.handle("/end")
  #expect(end.contains { if case .debrief = $0 { return true } else { return false } })
  #expect(chat.outcome == .quit)
  #expect(chat.handle("more words").isEmpty)
}

@Test func hintsFollowTheScenarioBeat() throws {
  let chat = try session(.secure)
  _ = chat.start()
  let first = infoText(chat.handle("/hint"))
  let second = infoText(chat.handle("/hint"))
  #expect(first != second)
  #expect(first.contains("lonely") || first.contains("phone") || first.contains("going on"))
}

@Test func theTurnLimitEndsTheChat() throws {
  let chat = try session(.secure, maxTurns: 2)
  _ = chat.start()
  _ = chat.handle("Hmm, let me think.")
  let out = chat.handle("Still thinking about the phone.")
  #expect(chat.outcome == .turnLimit)
  #expect(
    out.contains {
      if case .partner(let r) = $0 { return r.rule == "secure.turn-limit" } else { return false }
    })
  #expect(json(chat.savedLines?.last ?? "")["outcome"] as? String == "turn-limit")
}

@Test func attacksEndInRuptureWithThePartnerLeaving() throws {
  let chat = try session(.avoidant, scenario: "phones-at-dinner")
  _ = chat.start()
  for line in [
    "You never listen to me.", "Oh sure, you're SO busy. Poor you.",
    "What is wrong with you? You're pathetic.", "You're disgusting.", "I hate you.",
  ] where !chat.isOver {
    _ = chat.handle(line)
  }
  #expect(chat.outcome == .rupture)
  let last = chat.exchanges.last?.reply
  #expect(last?.rule.hasSuffix("rupture") == true || last?.rule.contains("rupture") == true)
}

@Test func aSecureConversationResolves() throws {
  for style in AttachmentStyle.allCases {
    let chat = try session(style)
    _ = chat.start()
    for line in [
      "I felt left out when you stayed on your phone all through dinner.",
      "I get that work has been crazy for you lately.",
      "What was going on for you?", "That makes sense. I'm sorry I snapped at you about it.",
      "Could we keep dinners phone-free, at least on weeknights?",
      "Thank you for hearing me. I love you.",
      "I'm not going anywhere. We're a team.",
      "I really appreciate you talking this through with me.",
    ] where !chat.isOver {
      _ = chat.handle(line)
    }
    #expect(chat.outcome == .resolved, "\(style) did not resolve")
  }
}

@Test func theSafetyMessageOffersToEndOrContinue() throws {
  let chat = try session(.disorganized)
  _ = chat.start()
  let out = chat.handle("Sometimes I want to hurt myself")
  #expect(
    out.contains {
      if case .safety(let text) = $0 {
        return text.contains("Type /end to stop here, or carry on")
      } else {
        return false
      }
    })
  #expect(!chat.isOver)
  #expect(!chat.handle("ok, carrying on").isEmpty)
}

@Test func badInputLinesNeverCrashOrGoMissing() throws {
  let chat = try session(.anxious)
  _ = chat.start()
  #expect(chat.handle("").isEmpty)
  #expect(chat.handle("   \t ").isEmpty)
  let huge = String(repeating: "you never listen ", count: 70_000)
  let out = chat.handle(huge)
  #expect(infoText(out).contains("very long message"))
  #expect(chat.exchanges.last?.text.count == ChatOptions.maxLineLength)
  _ = chat.handle("nul\u{0}byte and \u{7}bell")
  #expect(chat.exchanges.last?.text == "nulbyte and bell")
  _ = chat.handle(String(decoding: [0x68, 0x69, 0xFF, 0xFE], as: UTF8.self))
  #expect(chat.exchanges.last?.text == "hi\u{FFFD}\u{FFFD}")
  _ = chat.handle("//slash at the start")
  #expect(chat.exchanges.last?.text == "/slash at the start")
  #expect(
    chat.savedLines?.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }
      == true)
}

@Test func theDebriefCountsMovesHorsemenRepairsAndMoments() throws {
  let chat = try session(.secure)
  _ = chat.start()
  _ = chat.handle("You never listen to me.")
  _ = chat.handle("I'm sorry I snapped at you.")
  _ = chat.handle("Could we keep dinners phone-free on weeknights?")
  let debrief = chat.makeDebrief(.quit)
  #expect(debrief.turns == 3)
  #expect(debrief.horsemen[.criticism] == 1)
  #expect(debrief.repairsTried >= 1)
  #expect(debrief.worst?.text == "You never listen to me.")
  #expect(debrief.best != nil)
  #expect(debrief.arousalPath.count == 4)
  #expect(debrief.sparkline.count == 4)
  let text = debrief.render()
  #expect(text.contains("Gottman"))
  #expect(text.contains("Horsemen: criticism 1"))
}

@Test func debriefRatioAndSparklineRead() {
  var d = Debrief(
    outcome: .resolved, exchanges: [], openingArousal: 0, needsMet: [], needsUnmet: [])
  d.secureMoves = 7
  d.insecureMoves = 2
  #expect(d.ratio == "3.5:1")
  d.insecureMoves = 0
  #expect(d.ratio == "7:0")
  d.arousalPath = [0, 50, 100]
  #expect(d.sparkline == "▁▄█")
}

@Test func transcriptFilesArePrivateAppendOnlyAndNeverOverwritten() throws {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
    "attune-\(UUID().uuidString)/nested")
  let path = dir.appendingPathComponent("t.jsonl").path
  let file = try TranscriptFile(path: path)
  try file.append(Array(#"{"a":1}"#.utf8))
  try file.append(Array(#"{"b":2}"#.utf8))
  let attributes = try FileManager.default.attributesOfItem(atPath: path)
  #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
  #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"a\":1}\n{\"b\":2}\n")
  #expect(throws: TranscriptError.exists(path: path)) { try TranscriptFile(path: path) }
  let fresh = TranscriptFile.defaultPath(
    folder: dir.path, scenario: "chores", style: .secure, date: Date(timeIntervalSince1970: 0))
  #expect(fresh.hasSuffix("19700101-000000-chores-secure.jsonl"))
}
