import Foundation
import Testing

@testable import AttuneKit

/// `Tests/AttuneKitTests/Fixtures/report/`, in the source tree (so goldens can be re-recorded).
let reportFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("Fixtures/report")

/// The fixture workshop: six transcripts (a hot seat with /undo, /pause and /next; one setup
/// played with an anxious and an avoidant partner; a rupture; one cut off with no end line; one
/// with a broken line and an unknown move), one file that is not a transcript, and a README.
let reportTranscripts = reportFixtures.appendingPathComponent("transcripts").path

/// Every name in the fixture workshop.
let reportFixtureNames = ["Ana", "Ben", "Chloé", "Dev", "Emma", "Noor", "Omar", "Grace"]

/// Options that do not depend on tunable data, so goldens change only when rendering does.
let reportTestOptions = ReportOptions(
  windows: [
    .secure: ToleranceWindow(calmBelow: 40, floodedAt: 82), .anxious: ToleranceWindow(calmBelow: 42, floodedAt: 75),
    .avoidant: ToleranceWindow(calmBelow: 40, floodedAt: 75), .disorganized: ToleranceWindow(calmBelow: 42, floodedAt: 70),
  ],
  antidotes: [
    .criticism: .init(why: "A global attack makes them defend themselves.", try: "I feel ... when ...; I need ..."),
    .contempt: .init(why: "Contempt says \"I'm above you\".", try: "I'd really like ...; I know you ..."),
    .defensiveness: .init(why: "Excuses say their complaint doesn't count.", try: "You're right that I ...; I'm sorry."),
    .stonewalling: .init(why: "Silence feels like abandonment.", try: "I'm overwhelmed. Can we take 20 minutes?"),
  ],
  scenarioTitles: ["chores": "Who does the chores"], generator: "attune (test)")

/// Reads the fixture workshop the way `attune report` does.
func readReportFixtures() -> (transcripts: [Transcript], skipped: [SkippedFile]) {
  let (files, _) = TranscriptBatch.files(in: [reportTranscripts])
  var transcripts: [Transcript] = []
  var skipped: [SkippedFile] = []
  for result in TranscriptBatch.read(files, workers: 2) {
    switch result {
    case .success(let transcript): transcripts.append(transcript)
    case .failure(let error): skipped.append(SkippedFile(error))
    }
  }
  return (transcripts, skipped)
}

func fixtureReport(anonymous: Bool = false) -> GroupReport {
  let (transcripts, skipped) = readReportFixtures()
  var options = reportTestOptions
  options.anonymous = anonymous
  // Paths as a facilitator would type them, not this machine's.
  let relative = skipped.map { SkippedFile(path: "transcripts/" + $0.fileName, reason: $0.reason) }
  return GroupReport(transcripts: transcripts, skipped: relative, options: options)
}

/// Compares `actual` with the golden file `expected/NAME`; `ATTUNE_UPDATE_GOLDEN=1` rewrites it.
func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let url = reportFixtures.appendingPathComponent("expected").appendingPathComponent(name)
  if ProcessInfo.processInfo.environment["ATTUNE_UPDATE_GOLDEN"] == "1" {
    try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? Data(actual.utf8).write(to: url)
    return
  }
  guard let data = FileManager.default.contents(atPath: url.path) else {
    Issue.record(
      "no golden file \(url.path); record it with ATTUNE_UPDATE_GOLDEN=1 swift test --filter Golden",
      sourceLocation: sourceLocation)
    return
  }
  let expected = String(decoding: data, as: UTF8.self)
  guard expected != actual else { return }
  let actualPath = FileManager.default.temporaryDirectory.appendingPathComponent("attune-golden-\(name)").path
  try? Data(actual.utf8).write(to: URL(fileURLWithPath: actualPath))
  let e = expected.components(separatedBy: "\n")
  let a = actual.components(separatedBy: "\n")
  let line = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
  let show = { (lines: [String]) in line < lines.count ? String(lines[line].prefix(300)) : "(end of file)" }
  Issue.record(
    """
    \(name) differs from its golden file at line \(line + 1):
      expected: \(show(e))
      actual:   \(show(a))
    See everything with: diff -u \(url.path) \(actualPath)
    If the change is intended, re-record with: ATTUNE_UPDATE_GOLDEN=1 swift test --filter Golden
    """, sourceLocation: sourceLocation)
}

/// The words of `text`, lowercased and without accents: runs of letters and digits.
func words(_ text: String) -> Set<String> {
  var out: Set<String> = []
  var word = ""
  for character in text {
    if character.isLetter || character.isNumber {
      word.append(character)
    } else if !word.isEmpty {
      out.insert(plainWord(word))
      word = ""
    }
  }
  if !word.isEmpty { out.insert(plainWord(word)) }
  return out
}

/// A transcript from JSON Lines text.
func transcript(_ lines: [String], path: String) throws -> Transcript {
  try TranscriptReader.parse(Array((lines.joined(separator: "\n") + "\n").utf8), path: path)
}

func plainWord(_ word: String) -> String {
  word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
}
