import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A saved chat made by the real binary, for the replay commands to read.
private func savedChat(style: String = "anxious", extra: [String] = []) throws -> String {
  let path = tempPath("chat.jsonl")
  let script = [
    "You never help with anything.", "/undo", "I'm sorry, I was harsh. I feel alone with the chores.",
    "/pause 20", "I'm back. Could we make a plan together?",
  ] + extra
  let run = try attune(
    ["chat", "--scenario", "chores", "--style", style, "--seed", "5", "--transcript", path],
    input: lines(script.joined(separator: "\n")))
  #expect(run.status == 0)
  return path
}

@Test func replayShowsTheWholeChatThenTheDebriefWhenPiped() throws {
  let path = try savedChat()
  let run = try attune(["replay", path])
  #expect(run.status == 0)
  #expect(run.stderr.isEmpty)
  #expect(run.stdout.hasPrefix("Replay: Who does the chores\npartner anxious · seed 5 · "))
  #expect(run.stdout.contains("You (turn 1): You never help with anything.\n  coach: insecure: criticism"))
  #expect(run.stdout.contains("  /undo — took back turn 1 and the answer"))
  #expect(run.stdout.contains("  /pause 20 — a break with a return time"))
  #expect(run.stdout.contains("arousal "))
  #expect(run.stdout.contains("— End: quit after 2 turns"))
  #expect(run.stdout.contains("Debrief\n  Outcome:  quit"))
}

@Test func replayStepsOneEventPerEnterAndStopsOnQ() throws {
  let path = try savedChat()
  let run = try attune(["replay", path, "--step"], input: lines("\n\nq"))
  #expect(run.status == 0)
  #expect(run.stdout.contains("You (turn 1)"))
  #expect(!run.stdout.contains("Debrief"))
  #expect(run.stdout.hasSuffix("(stopped)\n"))
}

@Test func replayOfADamagedFileShowsTheValidPartAndNamesEachFault() throws {
  let path = try savedChat()
  var text = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
  text[2] = #"{"type":"user","turn":true,"text":"x"}"#
  text.insert("%%% not json", at: 4)
  text.removeLast()  // the end line
  let damaged = tempPath("damaged.jsonl")
  try (text.joined(separator: "\n")).write(toFile: damaged, atomically: true, encoding: .utf8)
  let run = try attune(["replay", damaged])
  #expect(run.status == 0)
  #expect(run.stdout.contains("Debrief\n  Outcome:  unfinished"))
  #expect(run.stderr.contains("\(damaged):3: field \"turn\": expected a whole number, found true"))
  #expect(run.stderr.contains("\(damaged):5:1: not JSON: expected a value, found '%'; skipped"))
  #expect(run.stderr.contains("note: \(damaged): no end line"))
}

@Test func replayOfNothingReadableIsAOneLineErrorAndExitOne() throws {
  let empty = tempPath("empty.jsonl")
  FileManager.default.createFile(atPath: empty, contents: Data())
  let newer = tempPath("newer.jsonl")
  try #"{"type":"session","schema":7,"engine":"attune 9.0.0","scenario":"chores","style":"secure","seed":1}"#
    .write(toFile: newer, atomically: true, encoding: .utf8)
  for (path, message) in [
    (empty, "the file is empty"), (newer, "written by attune 9.0.0 with transcript schema 7"),
    ("/nonexistent.jsonl", "no such file"),
  ] {
    let run = try attune(["replay", path])
    #expect(run.status == 1)
    #expect(run.stderr == "attune replay: error: \(path): \(run.stderr.components(separatedBy: "\(path): ").last ?? "")")
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }
}

@Test func verifyPassesAnUntouchedFileAndCatchesOneChangedWord() throws {
  let path = try savedChat(style: "disorganized")
  let good = try attune(["replay", "--verify", path])
  #expect(good.status == 0, "\(good.stdout)")
  #expect(good.stdout.hasPrefix("Identical: all "))
  let text = try String(contentsOfFile: path, encoding: .utf8)
  var lines = text.split(separator: "\n").map(String.init)
  let target = try #require(lines.lastIndex { $0.contains(#""type":"partner","turn":2"#) })
  let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[target].utf8)) as? [String: Any])
  let said = try #require(object["text"] as? String)
  let word = try #require(said.split(separator: " ").first)
  lines[target] = lines[target].replacingOccurrences(of: #""text":"\#(word)"#, with: #""text":"Nope"#)
  let changed = tempPath("changed.jsonl")
  try (lines.joined(separator: "\n") + "\n").write(toFile: changed, atomically: true, encoding: .utf8)
  let bad = try attune(["replay", "--verify", changed])
  #expect(bad.status == 1)
  #expect(bad.stdout.contains("Differs: \(changed) turn 2 (line \(target + 1)), the partner's text:"))
  #expect(bad.stdout.contains("  now:   \(said)"))
}

@Test func verifyNamesAScenarioFileThatChangedSince() throws {
  let path = try savedChat()
  let folder = tempPath("scenarios")
  try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
  var yaml = try String(contentsOf: projectRoot.appendingPathComponent("Scenarios/chores.yaml"), encoding: .utf8)
  yaml += "\n# edited since\n"
  let edited = (folder as NSString).appendingPathComponent("chores.yaml")
  try yaml.write(toFile: edited, atomically: true, encoding: .utf8)
  let run = try attune(["replay", "--verify", path, "--scenario", edited])
  #expect(run.stdout.contains("note: \(edited) changed since this transcript was saved (sha256 "))
  #expect(run.status == 0)
}

@Test func recoachCountsTheLinesTodaysCoachReadsDifferently() throws {
  let path = try savedChat()
  let same = try attune(["replay", "--recoach", path])
  #expect(same.status == 0)
  #expect(same.stdout.contains("0 of 3 lines read differently: the coach agrees with every saved reading."))
  let text = try String(contentsOfFile: path, encoding: .utf8)
  let changed = tempPath("recoach.jsonl")
  try text.replacingOccurrences(of: #""verdict":"insecure""#, with: #""verdict":"neutral""#)
    .write(toFile: changed, atomically: true, encoding: .utf8)
  let run = try attune(["replay", "--recoach", changed])
  #expect(run.stdout.contains("  turn 1: was neutral [criticism], now insecure [criticism]"))
  #expect(run.stdout.contains("1 of 3 lines read differently."))
}

@Test(arguments: ["secure", "anxious", "avoidant", "disorganized"])
func theShippedExampleTranscriptsStillVerify(style: String) throws {
  let path = projectRoot.appendingPathComponent("Transcripts/examples/\(style).jsonl").path
  let run = try attune(["replay", "--verify", path])
  #expect(
    run.status == 0,
    "\(run.stdout)\nThe partner answers the example differently now. If that is intended, run Scripts/make-examples and commit the new examples."
  )
}

@Test func resumeBranchesAtATurnIntoANewTranscriptThatVerifies() throws {
  let path = try savedChat()
  let branch = tempPath("branch.jsonl")
  let run = try attune(
    ["chat", "--resume", path, "--at", "2", "--transcript", branch, "--name", "Ana"],
    input: lines("What would help you feel better about the chores?"))
  #expect(run.status == 0, "\(run.stderr)")
  #expect(run.stdout.contains("Resumed from \(path), branching at turn 2: 1 earlier turn replayed."))
  let saved = try events(branch)
  let header = saved[0]
  #expect(header["name"] as? String == "Ana")
  #expect((header["branched_from"] as? [String: Any])?["turn"] as? Int == 2)
  let users = saved.filter { $0["type"] as? String == "user" }.compactMap { $0["text"] as? String }
  // Turn 1, taken back and said again, then the new turn 2.
  #expect(users.count == 3)
  #expect(users.last == "What would help you feel better about the chores?")
  #expect(try attune(["replay", "--verify", branch]).status == 0)
  let bad = try attune(["chat", "--resume", path, "--at", "7", "--no-save"])
  #expect(bad.status == 1)
  #expect(bad.stderr.contains("--at 7: \(path) has 2 turns; branch at a turn from 1 to 3"))
  let conflict = try attune(["chat", "--resume", path, "--style", "secure"])
  #expect(conflict.status != 0)
  #expect(conflict.stderr.contains("--style cannot be used with --resume"))
}

@Test func nameGoesIntoTheTranscriptAndItsFileName() throws {
  let folder = tempPath("named")
  let run = try attune(
    ["chat", "--scenario", "chores", "--style", "secure", "--seed", "3", "--name", "Ana María"],
    input: lines("Hi, can we talk?"), environment: ["ATTUNE_TRANSCRIPTS": folder])
  #expect(run.status == 0)
  let files = try FileManager.default.contentsOfDirectory(atPath: folder)
  #expect(files.count == 1)
  #expect(files[0].hasSuffix("-chores-secure-ana-maría.jsonl"))
  let saved = try events((folder as NSString).appendingPathComponent(files[0]))
  #expect(saved[0]["name"] as? String == "Ana María")
  #expect(saved[0]["players"] as? [String] == ["Ana María"])
  #expect(saved[2]["player"] as? String == "Ana María")
}

@Test func everyoneGivenTheSameSetupGetsTheSamePartner() throws {
  var transcripts: [[String]] = []
  for name in ["Ana", "Ben"] {
    let path = tempPath("\(name).jsonl")
    _ = try attune(
      ["chat", "--scenario", "money", "--style", "avoidant", "--seed", "42", "--name", name, "--transcript", path],
      input: lines("We need to talk about the credit card.\nI'm sorry, I know that sounded harsh."))
    transcripts.append(try events(path).filter { $0["type"] as? String == "partner" }.compactMap { $0["text"] as? String })
  }
  #expect(transcripts[0].count >= 3)
  #expect(transcripts[0] == transcripts[1])
}

// MARK: Crash safety

/// Starts `attune chat` with a pipe for its input; returns the process and the pipe's write end.
private func startChat(transcript: String) throws -> (Process, FileHandle) {
  let process = Process()
  process.executableURL = Bundle.main.bundleURL.appendingPathComponent("attune")
  process.arguments = ["chat", "--scenario", "chores", "--style", "avoidant", "--seed", "9", "--transcript", transcript]
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  process.environment = env
  let input = Pipe()
  process.standardInput = input
  process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
  process.standardError = FileHandle(forWritingAtPath: "/dev/null")
  try process.run()
  return (process, input.fileHandleForWriting)
}

/// Waits until the file has at least `count` lines.
private func waitForLines(_ path: String, _ count: Int) -> Bool {
  for _ in 0..<600 {
    if let text = try? String(contentsOfFile: path, encoding: .utf8),
      text.split(separator: "\n").count >= count
    {
      return true
    }
    usleep(50_000)
  }
  return false
}

@Test func killNineMidChatLeavesEveryWrittenEventIntactAndReplayable() throws {
  let path = tempPath("killed.jsonl")
  let (process, input) = try startChat(transcript: path)
  input.write(Data("You never listen.\nI'm sorry, that was unfair of me.\n".utf8))
  // session + opening + 2 × (user + partner)
  #expect(waitForLines(path, 6))
  kill(process.processIdentifier, SIGKILL)
  process.waitUntilExit()
  #expect(process.terminationReason == .uncaughtSignal)
  let text = try String(contentsOfFile: path, encoding: .utf8)
  #expect(text.hasSuffix("\n"))
  let saved = try events(path)
  #expect(saved.map { $0["type"] as? String ?? "?" } == ["session", "partner", "user", "partner", "user", "partner"])
  let replay = try attune(["replay", path])
  #expect(replay.status == 0)
  #expect(replay.stdout.contains("I'm sorry, that was unfair of me."))
  #expect(replay.stderr.contains("no end line"))
  let verify = try attune(["replay", "--verify", path])
  #expect(verify.status == 0, "\(verify.stdout)")
  let resumed = try attune(["chat", "--resume", path, "--no-save"], input: lines("Can we start again?"))
  #expect(resumed.status == 0)
  #expect(resumed.stdout.contains("continuing at turn 3"))
}

@Test(arguments: [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")])
func aSignalEndsTheChatWithAnEndLine(signal: Int32, name: String) throws {
  let path = tempPath("signalled.jsonl")
  let (process, input) = try startChat(transcript: path)
  input.write(Data("You never listen.\n".utf8))
  #expect(waitForLines(path, 4))
  kill(process.processIdentifier, signal)
  process.waitUntilExit()
  #expect(process.terminationStatus == 128 + signal)
  let saved = try events(path)
  let end = try #require(saved.last)
  #expect(end["type"] as? String == "end")
  #expect(end["reason"] as? String == name)
  #expect(end["turns"] as? Int == 1)
  try? input.close()
}
