import Foundation
import Testing

@testable import AttuneKit

// MARK: - Goldens

@Test func theMarkdownReportMatchesItsGoldenFile() {
  expectGolden(MarkdownReport.format(fixtureReport()), "report.md")
}

@Test func theHTMLReportMatchesItsGoldenFile() {
  expectGolden(HTMLReport.format(fixtureReport()), "report.html")
}

@Test func theCSVReportMatchesItsGoldenFile() {
  expectGolden(CSVReport.format(fixtureReport()), "report.csv")
}

@Test func theAnonymousMarkdownReportMatchesItsGoldenFile() {
  expectGolden(MarkdownReport.format(fixtureReport(anonymous: true)), "report-anonymous.md")
}

// MARK: - Numbers

/// What the report should say about one transcript, counted straight from its JSON lines:
/// a reply stands when a partner line of the same turn answers it and no /undo took it back;
/// each move counts once per reply; a line whose annotation names an unknown move has no moves
/// (the reader drops an annotation it cannot trust).
struct EventCount: Equatable {
  var turns = 0
  var secure = 0
  var insecure = 0
  var horsemen: [String: Int] = [:]
  var repairsTried = 0
  var path: [Int] = []
}

func countEvents(_ path: String) throws -> EventCount {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  var opening: Int?
  var current: Int?
  var pending: (turn: Int, moves: Set<String>, before: Int?)?
  var done: [(moves: Set<String>, before: Int?, after: Int)] = []
  for line in text.split(separator: "\n") {
    guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
    switch object["type"] as? String {
    case "user":
      let annotation = object["annotation"] as? [String: Any]
      let ids = (annotation?["moves"] as? [[String: Any]] ?? []).compactMap { $0["move"] as? String }
      let known = ids.allSatisfy { Move(id: $0) != nil }
      pending = (object["turn"] as? Int ?? -1, known ? Set(ids) : [], current)
    case "partner":
      let arousal = (object["state"] as? [String: Any])?["arousal"] as? Int
      if let p = pending, p.turn == object["turn"] as? Int, let arousal {
        done.append((p.moves, p.before, arousal))
        pending = nil
      } else if opening == nil, done.isEmpty, object["turn"] as? Int == 0 {
        opening = arousal
      }
      if let arousal { current = arousal }
    case "command":
      if object["name"] as? String == "undo", let last = done.popLast() { current = last.before ?? current }
      pending = nil
    default:
      break
    }
  }
  var count = EventCount(turns: done.count, path: [opening ?? 0] + done.map(\.after))
  for reply in done {
    for id in reply.moves {
      guard let move = Move(id: id) else { continue }
      if move.isSecure { count.secure += 1 } else { count.insecure += 1 }
      if move.isHorseman { count.horsemen[id, default: 0] += 1 }
    }
    if reply.moves.contains("repair") || reply.moves.contains("responsibility") { count.repairsTried += 1 }
  }
  return count
}

@Test func theReportsNumbersAreTheOnesInTheTranscriptsEvents() throws {
  let report = fixtureReport()
  let (files, _) = TranscriptBatch.files(in: [reportTranscripts])
  let readable = files.filter { !$0.hasSuffix("notes.jsonl") }
  #expect(report.sessions.count == readable.count)
  for (file, session) in zip(readable, report.sessions) {
    let expected = try countEvents(file)
    var horsemen: [String: Int] = [:]
    for move in Move.allCases where move.isHorseman && session.horsemen(move) > 0 { horsemen[move.id] = session.horsemen(move) }
    let actual = EventCount(
      turns: session.turns, secure: session.secureMoves, insecure: session.insecureMoves, horsemen: horsemen,
      repairsTried: session.repairsTried, path: session.arousalPath)
    #expect(actual == expected, "\(session.file)")
  }
}

@Test func theHotSeatIsBrokenDownPerPlayerAndThePartsAddUp() throws {
  let report = fixtureReport()
  let hotSeat = try #require(report.sessions.first { $0.file == "01-ana-ben.jsonl" })
  #expect(hotSeat.byPlayer.map(\.name) == ["Ana", "Ben"])
  #expect(hotSeat.byPlayer.reduce(0) { $0 + $1.turns } == hotSeat.turns)
  #expect(hotSeat.byPlayer.reduce(0) { $0 + $1.secureMoves } == hotSeat.secureMoves)
  #expect(hotSeat.byPlayer.reduce(0) { $0 + $1.insecureMoves } == hotSeat.insecureMoves)
  #expect(report.sessions.filter { $0.file != hotSeat.file }.allSatisfy { $0.byPlayer.isEmpty })
}

@Test func theRoomGetsItsBestRepairsCommonMovesAndOutcomesByStyle() throws {
  let report = fixtureReport()
  #expect(report.bestRepairs.count == 3)
  #expect(report.bestRepairs.map(\.change) == report.bestRepairs.map(\.change).sorted())
  // Each quoted line is verbatim from a user event with a repair or responsibility move.
  let (transcripts, _) = readReportFixtures()
  let repairLines = Set(
    transcripts.flatMap(\.exchanges).filter { $0.annotation.contains(.repair) || $0.annotation.contains(.responsibility) }
      .map(\.text))
  for line in report.bestRepairs { #expect(repairLines.contains(line.text)) }

  let counts = report.commonInsecureMoves.map(\.replies)
  #expect(counts == counts.sorted(by: >))
  #expect(report.commonInsecureMoves.first?.tryThis != nil)

  #expect(report.outcomesByStyle.map(\.style) == [.secure, .anxious, .avoidant])
  #expect(report.outcomesByStyle.reduce(0) { $0 + $1.total } == report.sessions.count)
  let avoidant = try #require(report.outcomesByStyle.first { $0.style == .avoidant })
  #expect(avoidant.counts[.rupture] == 1)
  #expect(avoidant.counts[.unfinished] == 1)
}

@Test func aCorruptFileIsSkippedAndCountedAndDamagedOnesKeepTheirProblems() throws {
  let report = fixtureReport()
  #expect(report.skipped.map(\.fileName) == ["notes.jsonl"])
  #expect(MarkdownReport.format(report).contains("1 file skipped"))
  #expect(HTMLReport.format(report).contains("1 file skipped"))
  let omar = try #require(report.sessions.first { $0.file == "12-omar.jsonl" })
  #expect(omar.problems.count == 2)
  #expect(omar.problems.allSatisfy { $0.hasPrefix("12-omar.jsonl:") })
  let noor = try #require(report.sessions.first { $0.file == "11-noor.jsonl" })
  #expect(noor.outcome == .unfinished)
  #expect(noor.notes.count == 1)
}

// MARK: - Anonymous

@Test(arguments: ["md", "html", "csv"])
func anAnonymousReportLeavesNoNameAnywhere(format: String) {
  let report = fixtureReport(anonymous: true)
  let text =
    switch format {
    case "md": MarkdownReport.format(report)
    case "html": HTMLReport.format(report)
    default: CSVReport.format(report)
    }
  let found = words(text)
  for name in reportFixtureNames {
    #expect(!found.contains(plainWord(name)), "\(name) is in the anonymous \(format) report")
  }
  #expect(text.contains("P1"))
  #expect(text.contains("chores-anxious-P"))
}

@Test func anonymousNumbersFollowTheReportOrderAndCatchNamesInWhatPeopleWrote() throws {
  let report = fixtureReport(anonymous: true)
  #expect(report.sessions.first?.participant == "P1, P2")
  let hotSeat = try #require(report.sessions.first)
  #expect(hotSeat.byPlayer.map(\.name) == ["P1", "P2"])
  // Ben said "I'm sorry, Ana came in hot."
  let md = MarkdownReport.format(report)
  #expect(md.contains("P1 came in hot"))
}

@Test func theAnonymizerReplacesWholeWordsInAnyCaseAndSpelling() {
  let anonymizer = Anonymizer(names: ["Ana", "you", "Ben", "ana", "Mary Ann"])
  #expect(anonymizer.aliases.map(\.alias) == ["P1", "P2", "P3"])
  #expect(anonymizer.scrub("Ana and BEN's plan, ana.") == "P1 and P2's plan, P1.")
  #expect(anonymizer.scrub("Banana, Benedict, Anabel") == "Banana, Benedict, Anabel")
  #expect(anonymizer.scrub("20261129-chores-mary-ann.jsonl") == "20261129-chores-P3.jsonl")
  #expect(anonymizer.scrub("Mary Ann said hi to Mary") == "P3 said hi to Mary")
  #expect(Anonymizer(names: ["Chloé"]).scrub("02-chloe.jsonl, CHLOÉ") == "02-P1.jsonl, P1")
  #expect(anonymizer.alias(for: "you") == "you")
}

// MARK: - CSV

@Test func csvFieldsAreQuotedPerRFC4180() {
  #expect(CSVReport.quoted("plain") == "plain")
  #expect(CSVReport.quoted("a,b") == "\"a,b\"")
  #expect(CSVReport.quoted("say \"hi\"") == "\"say \"\"hi\"\"\"")
  #expect(CSVReport.quoted("two\nlines") == "\"two\nlines\"")
  #expect(CSVReport.defused("=SUM(A1:A9)") == "'=SUM(A1:A9)")
  #expect(CSVReport.defused("-ok") == "'-ok")
}

@Test func aCSVRowKeepsTextWithCommasQuotesAndNewlinesInOneField() throws {
  let said = "I said \"fine\", then,\nI left. =1+1"
  let t = try transcript(
    [
      #"{"type":"session","schema":1,"engine":"attune 0.1.0","scenario":"chores","style":"secure","seed":1,"players":["Zoë, \"Z\""]}"#,
      #"{"type":"partner","turn":0,"text":"Hi.","rule":"r","fallback":false,"state":{"arousal":50,"trust":50,"band":"activated"}}"#,
      #"{"type":"user","turn":1,"player":"Zoë, \"Z\"","text":"I said \"fine\", then,\nI left. =1+1","annotation":{"text":"x","verdict":"secure","moves":[{"move":"repair","evidence":"I said","start":0,"end":6,"rule":"r"}],"signals":[],"antidote":null}}"#,
      #"{"type":"partner","turn":1,"text":"Ok.","rule":"r","fallback":false,"state":{"arousal":40,"trust":55,"band":"activated"}}"#,
      #"{"type":"end","outcome":"quit","turns":1}"#,
    ], path: "a,b.jsonl")
  let csv = CSVReport.format(GroupReport(transcripts: [t]))
  let rows = csv.components(separatedBy: "\r\n")
  #expect(rows.count == 3 && rows[2].isEmpty)
  #expect(rows[0].split(separator: ",").count == CSVReport.columns.count)
  #expect(rows[1].hasPrefix("\"a,b.jsonl\",\"Zoë, \"\"Z\"\"\",chores,secure,1,"))
  #expect(rows[1].contains(",\"I said \"\"fine\"\", then,\nI left. =1+1\",-10,0"))
  #expect(!said.isEmpty)
}

// MARK: - HTML

@Test(arguments: [false, true])
func theHTMLReportFetchesNothingAndRunsNothing(anonymous: Bool) {
  let html = HTMLReport.format(fixtureReport(anonymous: anonymous)).lowercased()
  for banned in ["http://", "https://", "<script", "src=", "@import", "<link", "<iframe", "javascript:"] {
    #expect(!html.contains(banned), "\(banned)")
  }
  // The only url() references are the charts' own patterns.
  #expect(!html.replacingOccurrences(of: "url(#", with: "").contains("url("))
  #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
}

@Test func userTextIsEscapedInHTML() throws {
  let t = try transcript(
    [
      #"{"type":"session","schema":1,"engine":"attune 0.1.0","scenario":"chores","style":"anxious","seed":1,"players":["<b>Eve</b>"]}"#,
      #"{"type":"partner","turn":0,"text":"Hi.","rule":"r","fallback":false,"state":{"arousal":50,"trust":50,"band":"activated"}}"#,
      #"{"type":"user","turn":1,"player":"<b>Eve</b>","text":"Sorry <script>alert('x')</script> & \"more\"","annotation":{"text":"x","verdict":"secure","moves":[{"move":"responsibility","evidence":"Sorry","start":0,"end":5,"rule":"r"}],"signals":[],"antidote":null}}"#,
      #"{"type":"partner","turn":1,"text":"Ok.","rule":"r","fallback":false,"state":{"arousal":30,"trust":55,"band":"calm"}}"#,
    ], path: "<x>.jsonl")
  let html = HTMLReport.format(GroupReport(transcripts: [t]))
  #expect(!html.contains("<script"))
  #expect(!html.contains("<b>Eve"))
  #expect(html.contains("Sorry &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;"))
  #expect(html.contains("&lt;x&gt;.jsonl"))
}

@Test func theArousalChartScalesWithItsBoxAndLabelsItsAxesAndWindow() {
  let svg = SVGChart.arousal([50, 80, 30], window: ToleranceWindow(calmBelow: 40, floodedAt: 75), id: "c")
  #expect(svg.hasPrefix("<svg class=\"chart\" viewBox=\"0 0 360 214\""))
  #expect(!svg.contains(" width=\"360\""))
  for label in ["arousal", "reply (0 = opening)", "flooded ≥75", "calm &lt;40", ">100<", ">0<"] {
    #expect(svg.contains(label), "\(label)")
  }
  #expect(svg.contains("<title id=\"c-t\">Partner&#39;s arousal, from 50 to 30, peak 80"))
}

// MARK: - Reading

@Test func aFolderStandsForItsTranscriptFilesSortedAndNothingElse() {
  let (files, empty) = TranscriptBatch.files(in: [reportTranscripts, reportTranscripts + "/02-chloe.jsonl"])
  #expect(empty.isEmpty)
  #expect(files.map { ($0 as NSString).lastPathComponent } == [
    "01-ana-ben.jsonl", "02-chloe.jsonl", "03-dev.jsonl", "04-emma.jsonl", "11-noor.jsonl", "12-omar.jsonl",
    "chores-anxious-grace.jsonl", "notes.jsonl",
  ])
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("attune-empty-\(UUID().uuidString)").path
  try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  _ = FileManager.default.createFile(atPath: folder + "/README.md", contents: Data("hi".utf8))
  #expect(TranscriptBatch.files(in: [folder]) == ([], [folder]))
}

@Test func readingOnSeveralThreadsGivesTheSameResultsInOrder() {
  let (files, _) = TranscriptBatch.files(in: [reportTranscripts])
  let many = Array(repeating: files, count: 20).flatMap { $0 }
  let serial = TranscriptBatch.read(many, workers: 1)
  let progress = ProgressLog()
  let parallel = TranscriptBatch.read(many, workers: 4) { done, total in progress.add(done, total) }
  #expect(serial.map { try? $0.get() } == parallel.map { try? $0.get() })
  #expect(serial.count == many.count)
  #expect(progress.calls.map(\.done).sorted() == Array(1...many.count))
  #expect(progress.calls.allSatisfy { $0.total == many.count })
}

/// Progress calls, collected from several threads.
final class ProgressLog: @unchecked Sendable {
  private let lock = NSLock()
  private var log: [(done: Int, total: Int)] = []
  func add(_ done: Int, _ total: Int) {
    lock.lock()
    log.append((done, total))
    lock.unlock()
  }
  var calls: [(done: Int, total: Int)] {
    lock.lock()
    defer { lock.unlock() }
    return log
  }
}
