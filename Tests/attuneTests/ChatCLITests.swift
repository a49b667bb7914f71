import Foundation
import Testing

/// Runs the built `attune` binary with piped stdin (never a TTY, so readline is not involved).
struct Run {
  var stdout: String
  var stderr: String
  var status: Int32
}

let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

func attune(
  _ arguments: [String], input: Data = Data(), environment: [String: String] = [:],
  directory: URL = projectRoot
) throws -> Run {
  let process = Process()
  process.executableURL = Bundle.main.bundleURL.appendingPathComponent("attune")
  process.arguments = arguments
  process.currentDirectoryURL = directory
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let inPath = tempPath("stdin")
  let errPath = tempPath("stderr")
  FileManager.default.createFile(atPath: inPath, contents: input)
  FileManager.default.createFile(atPath: errPath, contents: nil)
  process.standardInput = FileHandle(forReadingAtPath: inPath)
  process.standardError = FileHandle(forWritingAtPath: errPath)
  let outPipe = Pipe()
  process.standardOutput = outPipe
  try process.run()
  let out = outPipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let err = FileManager.default.contents(atPath: errPath) ?? Data()
  return Run(
    stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
    status: process.terminationStatus)
}

func lines(_ text: String) -> Data { Data((text + "\n").utf8) }

func tempPath(_ name: String) -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
    "attune-cli-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.appendingPathComponent(name).path
}

func events(_ path: String) throws -> [[String: Any]] {
  try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
    try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
  }
}

let secureScript = """
  I want to talk about last night, is now an ok time?
  I felt left out when you stayed on your phone all through dinner.
  I get that work has been crazy for you lately.
  What was going on for you?
  That makes sense. I'm sorry I snapped at you about it.
  Could we keep dinners phone-free, at least on weeknights?
  Thank you for hearing me. I love you.
  I'm not going anywhere, we're a team.
  """

@Test(arguments: ["secure", "anxious", "avoidant", "disorganized"])
func aWholeChatThroughStdinEndsWithADebriefAndATranscript(style: String) throws {
  let path = tempPath("chat.jsonl")
  let run = try attune(
    [
      "chat", "--scenario", "phones-at-dinner", "--style", style, "--seed", "3", "--transcript",
      path,
    ], input: lines(secureScript))
  #expect(run.status == 0, "\(run.stderr)")
  #expect(run.stdout.contains("Partner: "))
  #expect(run.stdout.contains("Debrief"))
  #expect(run.stdout.contains("Outcome:  resolved"))
  #expect(run.stdout.contains("Arousal:"))
  #expect(!run.stdout.contains("\u{1B}["))
  let all = try events(path)
  #expect(all.first?["type"] as? String == "session")
  #expect(all.first?["style"] as? String == style)
  #expect(all.last?["type"] as? String == "end")
  #expect(all.last?["outcome"] as? String == "resolved")
  let attributes = try FileManager.default.attributesOfItem(atPath: path)
  #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
}

@Test func theSameSeedGivesTheSameRepliesByteForByte() throws {
  let a = try attune(
    ["chat", "--scenario", "money", "--style", "disorganized", "--seed", "42", "--no-save"],
    input: lines(secureScript))
  let b = try attune(
    ["chat", "--scenario", "money", "--style", "disorganized", "--seed", "42", "--no-save"],
    input: lines(secureScript))
  #expect(a.status == 0 && b.status == 0)
  #expect(a.stdout == b.stdout)
}

@Test func withNoFlagsOffATerminalTheDefaultScenarioAndSecureStyleAreUsed() throws {
  let path = tempPath("default.jsonl")
  let run = try attune(["--transcript", path], input: lines("hello"))
  #expect(run.status == 0, "\(run.stderr)")
  let first = try events(path).first
  #expect(first?["scenario"] as? String == "phones-at-dinner")
  #expect(first?["style"] as? String == "secure")
}

@Test func endOfInputRightAwayStillEndsCleanly() throws {
  let path = tempPath("empty.jsonl")
  let run = try attune(["chat", "--style", "avoidant", "--transcript", path], input: Data())
  #expect(run.status == 0)
  let all = try events(path)
  #expect(all.map { $0["type"] as? String ?? "" } == ["session", "partner", "partner", "end"])
  #expect(all.last?["outcome"] as? String == "quit")
}

@Test func emptyHugeAndBinaryLinesAreHandled() throws {
  var input = Data()
  input.append(lines(""))
  input.append(lines("   "))
  input.append(Data(String(repeating: "a", count: 1_000_000).utf8))
  input.append(Data("\n".utf8))
  input.append(Data([0x68, 0x69, 0x00, 0xFF, 0xFE, 0x0A]))
  input.append(lines("/quit"))
  let path = tempPath("bad.jsonl")
  let run = try attune(
    ["chat", "--style", "anxious", "--seed", "1", "--transcript", path], input: input)
  #expect(run.status == 0, "\(run.stderr)")
  #expect(run.stdout.contains("very long message"))
  let users = try events(path).filter { $0["type"] as? String == "user" }
  #expect(users.count == 2)
  #expect((users[0]["text"] as? String)?.count == 4000)
  #expect(users[1]["text"] as? String == "hi\u{FFFD}\u{FFFD}")
  let commands = try events(path).filter { $0["type"] as? String == "command" }
  #expect(commands.first?["name"] as? String == "quit")
}

@Test func slashCommandsWorkInPipedMode() throws {
  let script = """
    /help
    You never put your phone down.
    /why
    /state
    /hint
    /undo
    /pause 15
    I'm back.
    /end
    this line is never read
    """
  let path = tempPath("cmds.jsonl")
  let run = try attune(
    ["chat", "--scenario", "chores", "--style", "secure", "--seed", "5", "--transcript", path],
    input: lines(script))
  #expect(run.status == 0)
  for expected in [
    "/pause MINUTES", "with rule", "Arousal [", "Hint: ", "Took back turn 1", "15 minutes pass",
    "Debrief",
  ] {
    #expect(run.stdout.contains(expected), "missing \(expected)")
  }
  let names = try events(path).compactMap {
    $0["type"] as? String == "command" ? $0["name"] as? String : nil
  }
  #expect(names == ["why", "state", "hint", "undo", "pause", "end"])
}

@Test func theSafetyMessageStepsOutOfTheRole() throws {
  let run = try attune(
    ["chat", "--style", "avoidant", "--no-save"], input: lines("he hit me and I'm scared"))
  #expect(run.status == 0)
  #expect(run.stdout.contains("Stepping out of the role-play"))
  #expect(run.stdout.contains("Type /end to stop here"))
}

@Test func coachLiveShowsVerdictsAndOffHidesThem() throws {
  let live = try attune(
    ["chat", "--style", "secure", "--no-save", "--coach", "live"],
    input: lines("You never listen to me."))
  #expect(live.stdout.contains("coach: insecure"))
  let off = try attune(
    ["chat", "--style", "secure", "--no-save", "--coach", "off"],
    input: lines("You never listen to me."))
  #expect(!off.stdout.contains("coach:"))
  #expect(!off.stdout.contains("Horsemen"))
}

@Test func playersTakeTurnsRoundRobin() throws {
  let path = tempPath("players.jsonl")
  _ = try attune(
    ["chat", "--players", "Ana,Ben", "--transcript", path], input: lines("hi\nhello\nhey"))
  let all = try events(path)
  #expect(all.first?["players"] as? [String] == ["Ana", "Ben"])
  #expect(
    all.filter { $0["type"] as? String == "user" }.map { $0["player"] as? String ?? "" } == [
      "Ana", "Ben", "Ana",
    ])
}

@Test func aTranscriptIsNeverOverwritten() throws {
  let path = tempPath("once.jsonl")
  #expect(try attune(["chat", "--transcript", path], input: Data()).status == 0)
  let again = try attune(["chat", "--transcript", path], input: Data())
  #expect(again.status == 1)
  #expect(again.stderr.contains("already exists"))
}

@Test func badFlagsAreUsageErrors() throws {
  let style = try attune(["chat", "--style", "clingy"], input: Data())
  #expect(style.status == 64)
  #expect(style.stderr.contains("unknown style 'clingy'"))
  let scenario = try attune(["chat", "--scenario", "chorse"], input: Data())
  #expect(scenario.status == 64)
  #expect(scenario.stderr.contains("unknown scenario 'chorse'"))
  #expect(try attune(["chat", "--coach", "loud"], input: Data()).status == 64)
  #expect(try attune(["chat", "--no-save", "--transcript", "x"], input: Data()).status == 64)
}

@Test func aBrokenScenarioNeverStartsAChat() throws {
  let path = tempPath("broken.yaml")
  try
    "version: 1\ntitle: Broken\nsetup: x\nneeds:\n  heard: y\nopenings:\n  secure: a\nrepiles: []\n"
    .write(toFile: path, atomically: true, encoding: .utf8)
  let run = try attune(["chat", "--scenario", path, "--no-save"], input: lines("hello"))
  #expect(run.status == 1)
  #expect(run.stderr.contains("\(path):8:1: error: unknown key 'repiles'"))
  #expect(!run.stdout.contains("Partner:"))
}

@Test func lintReportsPositionsAndFailsOnErrors() throws {
  let path = tempPath("lint.yaml")
  try
    "version: 1\ntitle: T\nsetup: S\nneeds:\n  heard: h\nopenings:\n  secure: a\n  anxious: b\n  avoidant: c\n  disorganized: d\nreplies:\n  - id: r\n    on: critcism\n    lines: [x]\n"
    .write(toFile: path, atomically: true, encoding: .utf8)
  let run = try attune(["lint", path])
  #expect(run.status == 1)
  #expect(
    run.stderr.contains(
      "\(path):13:9: error: unknown trigger 'critcism' (did you mean 'criticism'?"))
  #expect(run.stderr.contains("    on: critcism\n        ^"))
  let clean = try attune(["lint"])
  #expect(clean.status == 0, "\(clean.stderr)")
  #expect(clean.stdout.contains("0 errors"))
}

@Test func scenariosAreListedAndFoundFromElsewhere() throws {
  let run = try attune(["scenarios"])
  #expect(run.status == 0)
  for id in [
    "chores", "phones-at-dinner", "money", "in-laws", "forgotten-anniversary", "friends-night",
    "late-texts", "work-hours",
  ] {
    #expect(run.stdout.contains(id))
  }
  let json = try attune(["scenarios", "--json"])
  #expect(json.stdout.split(separator: "\n").count >= 8)
  let elsewhere = try attune(
    ["scenarios"],
    environment: ["ATTUNE_SCENARIOS": projectRoot.appendingPathComponent("Scenarios").path],
    directory: FileManager.default.temporaryDirectory)
  #expect(elsewhere.stdout.contains("chores"))
}
