import Foundation
import Testing

@Test func annotateWritesOneJSONLinePerInputLineInOrder() throws {
  let run = try attune(["annotate"], input: lines("You never help with dinner.\n\nThank you for cooking."))
  #expect(run.status == 0)
  let output = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
  #expect(output.count == 3)
  let objects = try output.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
  #expect(objects.map { $0["text"] as? String } == ["You never help with dinner.", "", "Thank you for cooking."])
  #expect(objects.map { $0["verdict"] as? String } == ["insecure", "neutral", "secure"])
  let moves = try #require(objects[0]["moves"] as? [[String: Any]])
  #expect(moves.first?["evidence"] as? String == "You never help")
  #expect(moves.first?["rule"] as? String == "criticism.you-never")
}

@Test func annotateTSVPrintsTextMovesAndVerdict() throws {
  let run = try attune(["annotate", "--format", "tsv"], input: lines("Can we start over? You're so selfish.\nRunning late."))
  #expect(run.status == 0)
  #expect(run.stdout == "Can we start over? You're so selfish.\trepair,criticism\tmixed\nRunning late.\t\tneutral\n")
}

@Test func annotateRulesShowsTheRulesReadingBeforeTheBackupModel() throws {
  // What the training script reads: kept rules with their tokens, cancelled moves, each token's clause.
  let run = try attune(["annotate", "--format", "rules"], input: lines("I'm not saying you're lazy.\nThank you for listening."))
  #expect(run.status == 0)
  #expect(run.stdout == "\tcriticism\t0 0 0 0 0 0 0 0\nappreciation.thanks@0-3\t\t0 0 0 0 0\n")
}

@Test func annotateTextIsForPeopleWithTheAntidoteBelow() throws {
  let run = try attune(["annotate", "--format", "text"], input: lines("Whatever."))
  #expect(run.status == 0)
  #expect(run.stdout.hasPrefix("insecure  Whatever."))
  #expect(run.stdout.contains("stonewalling: \"Whatever\""))
  #expect(run.stdout.contains("try (self-soothing):"))
  #expect(!run.stdout.contains("\u{1B}["), "no colour when not a terminal")
}

@Test func annotateReadsFilesInOrderAndNamesAMissingOneAfterTheRest() throws {
  let first = tempPath("a.txt")
  let second = tempPath("b.txt")
  try "Fine.\n".write(toFile: first, atomically: true, encoding: .utf8)
  try "I love you.\n".write(toFile: second, atomically: true, encoding: .utf8)
  let missing = "/nonexistent/attune-missing.txt"
  let run = try attune(["annotate", "--format", "tsv", first, missing, second])
  #expect(run.status == 1)
  #expect(run.stdout == "Fine.\tstonewalling\tinsecure\nI love you.\treassurance\tsecure\n")
  #expect(run.stderr.contains("cannot read '\(missing)'"))
  #expect(run.stderr.split(separator: "\n").count == 1)
}

@Test func annotateSurvivesBadBytesAndKeepsOneLineEach() throws {
  var input = Data("you never listen ".utf8)
  input.append(contentsOf: [0xFF, 0xC3, 0x0A])  // invalid UTF-8
  input.append(Data("whatever\u{0}\r\n".utf8))  // NUL and CRLF
  input.append(Data(String(repeating: "😡", count: 10_000).utf8))
  input.append(0x0A)
  input.append(Data("no newline at the end".utf8))
  let run = try attune(["annotate"], input: input)
  #expect(run.status == 0)
  let output = run.stdout.split(separator: "\n")
  #expect(output.count == 4)
  for line in output { _ = try JSONSerialization.jsonObject(with: Data(line.utf8)) }
  #expect(output[0].contains("\\u{FFFD}") || output[0].contains("\u{FFFD}"))
  #expect(output[1].contains("\\u0000"))
  #expect(output[3].contains("no newline at the end"))
}

@Test func annotateStreamsAMegabyteLine() throws {
  let big = String(repeating: "you never listen and ", count: 50_000)
  let run = try attune(["annotate", "--format", "tsv"], input: lines(big + "\nok"))
  #expect(run.status == 0)
  let output = run.stdout.split(separator: "\n")
  #expect(output.count == 2)
  #expect(output[0].hasSuffix("\tcriticism\tinsecure"))
}

@Test func annotateRejectsAnUnknownFormat() throws {
  let run = try attune(["annotate", "--format", "xml"], input: lines("hi"))
  #expect(run.status == 64)
  #expect(run.stderr.contains("jsonl"))
}

@Test func aBrokenRulesFolderIsAnErrorNamingTheFileNotACrash() throws {
  let folder = tempPath("rules")
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  try "rules:\n  - id: x.y\n    move: critcism\n".write(toFile: folder + "/r.yaml", atomically: true, encoding: .utf8)
  let run = try attune(["annotate"], input: lines("hi"), environment: ["ATTUNE_COACH_RULES": folder])
  #expect(run.status == 2)
  #expect(run.stderr.contains("r.yaml"))
  #expect(run.stderr.contains("unknown move 'critcism'"))
  #expect(run.stdout.isEmpty)
}
