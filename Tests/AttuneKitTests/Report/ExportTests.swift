import Foundation
import Testing

@testable import AttuneKit

/// The fixture hot seat (undo, pause, hand-over) with its scenario, as `attune export` builds it.
func exportFixture(_ name: String = "01-ana-ben.jsonl") throws -> ExportDocument {
  let transcript = try TranscriptReader.read(path: reportTranscripts + "/" + name)
  let scenario = try Scenario.load(path: reportFixtures.appendingPathComponent("chores.yaml").path)
  return ExportDocument(
    transcript: transcript, scenario: scenario, window: ToleranceWindow(calmBelow: 42, floodedAt: 75))
}

@Test func theMarkdownExportMatchesItsGoldenFile() throws {
  expectGolden(MarkdownExport.format(try exportFixture()), "export.md")
}

@Test func theHTMLExportMatchesItsGoldenFile() throws {
  expectGolden(HTMLExport.format(try exportFixture()), "export.html")
}

@Test func theExportKeepsEveryTurnInOrderAndMarksTheOneTakenBack() throws {
  let document = try exportFixture()
  let exchanges = document.items.compactMap { item -> ExportDocument.Exchange? in
    if case .exchange(let e) = item { return e }
    return nil
  }
  #expect(exchanges.map(\.turn) == [1, 2, 2, 3, 4, 5, 6, 7])
  #expect(exchanges.map(\.takenBack) == [false, true, false, false, false, false, false, false])
  #expect(exchanges.allSatisfy { $0.reply != nil })
  #expect(document.items.contains(.handover(to: "Ben")))
  #expect(document.items.contains { if case .pause("20", .some) = $0 { true } else { false } })
  if case .opening = document.items.first {} else { Issue.record("the opening comes first") }
  if case .end(let end) = document.items.last { #expect(end.outcome == .quit) } else { Issue.record("the end comes last") }
  // The taken-back reply's rise is forgotten: the next answer is measured from before it.
  #expect(exchanges[2].reply?.change == (exchanges[2].reply?.meters?.arousal ?? 0) - (exchanges[0].reply?.meters?.arousal ?? 0))

  let md = MarkdownExport.format(document)
  #expect(md.contains("**Turn 2 — Ben** *(taken back with /undo)*: ~~**Whatever**. I'm done talking about this.~~"))
  #expect(md.contains("*— /pause 20: a break of 20 minutes —*"))
  let html = HTMLExport.format(document)
  #expect(html.contains("<div class=\"turn undone\">"))
  #expect(html.contains("<mark class=\"ins\" title=\"criticism\">You never help</mark>"))
}

@Test func aDamagedTranscriptExportsWhatIsValidAndListsItsProblems() throws {
  let document = try exportFixture("12-omar.jsonl")
  #expect(document.problems.count == 2)
  for text in [MarkdownExport.format(document), HTMLExport.format(document)] {
    #expect(text.contains("Problems reading this transcript"))
    #expect(text.contains("12-omar.jsonl:3: field \"annotation.moves[0].move\": unknown move \"sarcasm\"")
      || text.contains("12-omar.jsonl:3: field &quot;annotation.moves[0].move&quot;: unknown move &quot;sarcasm&quot;"))
    #expect(text.contains("12-omar.jsonl:5:62: not JSON"))
    #expect(text.contains("a plan: I cook, you wash up on weekdays?"))
  }
  let cutOff = try exportFixture("11-noor.jsonl")
  #expect(cutOff.debrief.outcome == nil)
  #expect(MarkdownExport.format(cutOff).contains("no end line"))
}

@Test(arguments: ["01-ana-ben.jsonl", "12-omar.jsonl"])
func theHTMLExportFetchesNothingAndRunsNothing(file: String) throws {
  let html = HTMLExport.format(try exportFixture(file)).lowercased()
  for banned in ["http://", "https://", "<script", "src=", "@import", "<link", "<iframe", "javascript:"] {
    #expect(!html.contains(banned), "\(banned)")
  }
  #expect(!html.replacingOccurrences(of: "url(#", with: "").contains("url("))
  #expect(html.contains("@media print"))
}

@Test func evidenceIsMarkedByUnicodeScalarOffsetsAndBadSpansAreIgnored() {
  let moves = [
    MoveMatch(move: .repair, evidence: "can we", start: 3, end: 9, rule: "r"),
    MoveMatch(move: .criticism, evidence: "we try", start: 7, end: 13, rule: "r"),
    MoveMatch(move: .threat, evidence: "", start: 40, end: 90, rule: "r"),
  ]
  let runs = ExportDocument.segments("🙂, can we try again?", moves: moves)
  #expect(runs.map(\.text) == ["🙂, ", "can ", "we", " try", " again?"])
  #expect(runs.map(\.moves) == [[], [.repair], [.repair, .criticism], [.criticism], []])
  #expect(ExportDocument.segments("", moves: moves).map(\.text) == [""])
}
