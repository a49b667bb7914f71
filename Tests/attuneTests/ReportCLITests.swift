import Foundation
import Testing

/// The fixture workshop of the library tests: six transcripts, one corrupt file, a README.
let workshop = projectRoot.appendingPathComponent("Tests/AttuneKitTests/Fixtures/report/transcripts").path

@Test func reportOnAFolderSkipsTheCorruptFileNamesItAndStillSucceeds() throws {
  let run = try attune(["report", workshop])
  #expect(run.status == 0)
  #expect(run.stderr == "attune report: skipped \(workshop)/notes.jsonl: not an attune transcript (no session line and no events; first problem: line 1: not JSON: expected a value, found 'W'; skipped)\n")
  #expect(run.stdout.hasPrefix("# Workshop report\n\n7 transcripts · 8 participants · 36 replies · 1 file skipped"))
  #expect(!run.stdout.contains("README"))
}

@Test func reportDefaultsToMarkdownAndOffersHTMLAndCSV() throws {
  let html = try attune(["report", "--format", "html", workshop])
  #expect(html.status == 0)
  #expect(html.stdout.hasPrefix("<!doctype html>"))
  #expect(!html.stdout.contains("http://") && !html.stdout.contains("https://") && !html.stdout.contains("<script"))
  let csv = try attune(["report", "--format", "csv", workshop + "/02-chloe.jsonl", workshop + "/03-dev.jsonl"])
  #expect(csv.status == 0)
  #expect(csv.stderr.isEmpty)
  let rows = csv.stdout.components(separatedBy: "\r\n")
  #expect(rows.count == 4)
  #expect(rows[0].hasPrefix("file,participants,scenario,style,seed,started,outcome,turns,"))
  #expect(rows[1].hasPrefix("02-chloe.jsonl,Chloé,chores,anxious,11,"))
  #expect(rows[2].hasPrefix("03-dev.jsonl,Dev,chores,avoidant,11,"))
}

@Test func anEmptyFolderIsAnErrorNamingIt() throws {
  let folder = (tempPath("x") as NSString).deletingLastPathComponent
  _ = FileManager.default.createFile(atPath: folder + "/README.md", contents: Data("# notes\n".utf8))
  let run = try attune(["report", folder])
  #expect(run.status == 1)
  #expect(run.stdout.isEmpty)
  #expect(run.stderr == "attune report: no transcripts in '\(folder)' (looked for *.jsonl files)\n")
}

@Test func onlyUnreadableFilesIsAnErrorAfterNamingEach() throws {
  let folder = (tempPath("x") as NSString).deletingLastPathComponent
  _ = FileManager.default.createFile(atPath: folder + "/a.jsonl", contents: Data())
  _ = FileManager.default.createFile(atPath: folder + "/b.jsonl", contents: Data("{\"type\":\"session\",\"schema\":9}\n".utf8))
  let run = try attune(["report", folder])
  #expect(run.status == 1)
  let lines = run.stderr.split(separator: "\n")
  #expect(lines.count == 3)
  #expect(lines[0].hasPrefix("attune report: skipped \(folder)/a.jsonl: the file is empty"))
  #expect(lines[1].hasPrefix("attune report: skipped \(folder)/b.jsonl: written with transcript schema 9"))
  #expect(lines[2] == "attune report: no transcript could be read from '\(folder)' (2 files skipped)")
}

@Test func reportOutWritesTheFileAtomicallyAndPrivately() throws {
  let out = tempPath("report.html")
  let run = try attune(["report", "--format", "html", "--out", out, "--anonymous", workshop])
  #expect(run.status == 0)
  #expect(run.stdout.isEmpty)
  let html = try String(contentsOfFile: out, encoding: .utf8)
  #expect(html.hasSuffix("</html>\n"))
  #expect(!html.contains("Chloé") && !html.contains("Grace"))
  let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
  #expect(mode == 0o600)
  let folder = (out as NSString).deletingLastPathComponent
  #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.html"])
  let bad = try attune(["report", "--out", "/nonexistent-folder/r.md", workshop])
  #expect(bad.status == 1)
  #expect(bad.stderr.hasSuffix("attune report: cannot write '/nonexistent-folder/r.md': no such folder '/nonexistent-folder'\n"))
}

@Test func reportWithoutPathsIsAUsageError() throws {
  let run = try attune(["report"])
  #expect(run.status == 64)
  #expect(run.stderr.contains("name at least one transcript file or folder"))
}

@Test func exportWritesAHandoutAndNamesProblemsOnStandardError() throws {
  let clean = try attune(["export", workshop + "/01-ana-ben.jsonl"])
  #expect(clean.status == 0)
  #expect(clean.stderr.isEmpty)
  #expect(clean.stdout.hasPrefix("# Who does the chores — with an anxious partner\n"))
  #expect(clean.stdout.contains("*(taken back with /undo)*"))

  let damaged = try attune(["export", "--format", "html", workshop + "/12-omar.jsonl"])
  #expect(damaged.status == 0)
  let problems = damaged.stderr.split(separator: "\n")
  #expect(problems.count == 2)
  #expect(problems.first?.hasPrefix("\(workshop)/12-omar.jsonl:3: field \"annotation.moves[0].move\"") == true)
  #expect(problems.last?.hasPrefix("\(workshop)/12-omar.jsonl:5:62: not JSON") == true)
  #expect(damaged.stdout.contains("<h2 id=\"problems\">Problems reading this transcript</h2>"))
  #expect(!damaged.stdout.contains("http://") && !damaged.stdout.contains("<script"))
}

@Test func exportingSomethingUnreadableIsOneLineAndExitOne() throws {
  let run = try attune(["export", workshop + "/notes.jsonl"])
  #expect(run.status == 1)
  #expect(run.stdout.isEmpty)
  #expect(run.stderr.hasPrefix("attune export: \(workshop)/notes.jsonl: not an attune transcript"))
  #expect(run.stderr.split(separator: "\n").count == 1)
  let missing = try attune(["export", "--format", "md", "/no/such.jsonl"])
  #expect(missing.status == 1)
  #expect(missing.stderr == "attune export: /no/such.jsonl: no such file\n")
}
