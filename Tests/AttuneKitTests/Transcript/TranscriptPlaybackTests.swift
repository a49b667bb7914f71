import Foundation
import Testing

@testable import AttuneKit

private func playback(_ lines: [String]) throws -> TranscriptPlayback {
  let transcript = try read(lines)
  return TranscriptPlayback(
    transcript: transcript, header: try #require(transcript.header), scenario: try shipped("chores"))
}

@Test func verifyPassesAnUntouchedTranscriptForEveryStyle() throws {
  for style in AttachmentStyle.allCases {
    let (_, lines) = try recordedChat(style: style)
    let result = try playback(lines).verify()
    #expect(result.identical, "\(style): \(String(describing: result.difference))")
    #expect(result.compared == lines.filter { $0.contains(#""type":"partner""#) }.count)
  }
}

@Test func verifyCatchesOneChangedWordInAPartnerLine() throws {
  let (_, lines) = try recordedChat()
  let partnerIndexes = lines.indices.filter { lines[$0].contains(#""type":"partner""#) }
  for index in partnerIndexes {
    var mutated = lines
    let text = try #require(try read([lines[0], lines[index]]).records.first).event
    guard case .partner(let partner) = text, let word = partner.text.split(separator: " ").last else { continue }
    mutated[index] = mutated[index].replacingOccurrences(of: String(word), with: "banana")
    let result = try playback(mutated).verify()
    let difference = try #require(result.difference, "line \(index + 1)")
    #expect(difference.line == index + 1)
    #expect(difference.saved.contains("banana"))
    #expect(difference.now == partner.text)
  }
}

@Test func verifyCatchesChangedMetersAndAMissingReply() throws {
  let (_, lines) = try recordedChat()
  var mutated = lines
  mutated[3] = mutated[3].replacingOccurrences(of: #""trust":"#, with: #""trust":1"#)
  #expect(try playback(mutated).verify().difference?.field == "state")
  var extra = lines
  extra.insert(#"{"type":"partner","turn":1,"text":"An invented line.","rule":"x","fallback":false}"#, at: 4)
  #expect(try playback(extra).verify().difference?.saved == "An invented line.")
}

@Test func resumingAtATurnKeepsTheTurnsBeforeItAndRecordsTheBranch() throws {
  let (original, lines) = try recordedChat()
  let saved = try playback(lines)
  #expect(throws: ResumeError.self) { try saved.branchTurn(at: 9, maxTurns: 40) }
  let turn = try saved.branchTurn(at: 2, maxTurns: 40)
  var options = saved.options()
  options.branchedFrom = .init(file: "t.jsonl", turn: turn)
  let branch = ChatSession(options: options, sink: MemorySink())
  let resumed = saved.resume(branch, at: turn)
  #expect(resumed.divergence == nil)
  #expect(branch.exchanges.count == 1)
  #expect(branch.exchanges[0].reply == original.exchanges[0].reply)
  _ = branch.handle("What would help you most right now?")
  #expect(branch.exchanges.count == 2)
  let written = try read(branch.savedLines ?? [])
  #expect(written.header?.branchedFrom == .init(file: "t.jsonl", turn: 2))
  // The branch replays into a transcript that verifies on its own.
  let again = TranscriptPlayback(
    transcript: written, header: try #require(written.header), scenario: try shipped("chores"))
  #expect(again.verify().identical)
}

@Test func resumingWithoutATurnContinuesAfterTheLastAndRefusesAFinishedChat() throws {
  let (original, lines) = try recordedChat()
  let saved = try playback(lines)
  let turn = try saved.branchTurn(at: nil, maxTurns: 40)
  #expect(turn == original.exchanges.count + 1)
  let session = ChatSession(options: saved.options(), sink: MemorySink())
  let resumed = saved.resume(session, at: turn)
  #expect(resumed.continuing)
  #expect(!session.isOver)
  #expect(session.exchanges.map(\.reply) == original.exchanges.map(\.reply))
  var resolved = lines
  resolved[resolved.count - 1] = resolved.last!.replacingOccurrences(of: #""outcome":"quit""#, with: #""outcome":"resolved""#)
  #expect(throws: ResumeError.ended(path: "t.jsonl", outcome: .resolved, turns: original.exchanges.count)) {
    try playback(resolved).branchTurn(at: nil, maxTurns: 40)
  }
}

@Test func recoachListsOnlyTheLinesReadDifferently() throws {
  let (_, lines) = try recordedChat()
  let clean = try read(lines).recoach(with: Coach.shared)
  #expect(clean.differences.isEmpty)
  var mutated = lines
  mutated[2] = mutated[2].replacingOccurrences(of: #""verdict":"insecure""#, with: #""verdict":"secure""#)
  let changed = try read(mutated).recoach(with: Coach.shared)
  #expect(changed.compared == clean.compared)
  #expect(changed.differences.count == 1)
  #expect(changed.differences[0].summary == "turn 1: was secure [criticism], now insecure [criticism]")
}

@Test func theReplayShowsMetersMovingAndUndoneTurns() throws {
  let (_, lines) = try recordedChat()
  let blocks = ReplayRenderer(style: .plain, scenario: try shipped("chores")).events(try read(lines))
  #expect(blocks.contains { $0.hasPrefix("Ana (turn 1): You never listen to me.\n  coach: insecure: criticism") })
  #expect(blocks.contains("  /undo — took back turn 1 and the answer"))
  #expect(blocks.contains { $0.contains("arousal") && $0.contains("▲+") })
  #expect(blocks.contains { $0.contains("▼-") })
  #expect(blocks.last == "— End: quit after 3 turns")
}

@Test func verifyOfACompleteTranscriptCatchesAMissingLastLine() throws {
  let (_, lines) = try recordedChat()
  var mutated = lines
  mutated.remove(at: lines.count - 2)  // the partner's closing line
  let difference = try #require(try playback(mutated).verify().difference)
  #expect(difference.saved == "(no partner line here)")
}
