// Release-build benchmark of the coach: `swift run -c release attune-bench [LINES]`.
// Prints utterances per second for Coach.annotate and for annotate + JSON, and peak memory.
import AttuneKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

func peakResidentMegabytes() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Int(usage.ru_maxrss) / 1024
}

func seconds(_ body: () -> Void) -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// A corpus of realistic replies: fragments recombined so that lines rarely repeat.
func corpus(lines: Int) -> [String] {
  let openers = [
    "", "Honestly, ", "Look, ", "ok so ", "Babe, ", "I mean, ", "Seriously?? ", "Wait. ", "Listen, ", "hey ",
  ]
  let cores = [
    "you never help with the dishes", "I felt really alone at the party last night",
    "could we sit down on Sunday and go through the budget", "whatever", "you're overreacting",
    "I'm sorry I snapped at you earlier", "why are you always on your phone", "thank you for picking up the kids",
    "I need a break, I'll be back in 20 minutes so we can finish", "I'm going out, don't wait up",
    "do you even love me anymore", "if you go to that party don't bother coming home",
    "I ruin everything", "that makes sense, I'd be upset too", "what was that like for you",
    "I'm not okay with being yelled at", "oh great, another night of takeout", "it's not my fault the train was late",
    "the plumber is coming Tuesday between 8 and 12", "I'm not going anywhere, I love you",
    "can we start over? I'm on your side", "youre soooo selfish with money", "i dont care do what u want",
    "I get anxious when you don't text back and I need to know you're safe",
  ]
  let closers = ["", ".", "!!", " 🙄", " lol", ". We can talk later.", ", and I mean it.", "?", " 😢", "..."]
  var seed: UInt64 = 42
  var out: [String] = []
  out.reserveCapacity(lines)
  for i in 0..<lines {
    seed = seed &* 6364136223846793005 &+ 1442695040888963407
    let a = Int(seed >> 33) % openers.count
    let b = Int(seed >> 17) % cores.count
    let c = Int(seed >> 7) % closers.count
    let d = Int(seed >> 45) % cores.count
    let text = i % 3 == 0 ? "\(openers[a])\(cores[b])\(closers[c]) \(cores[d])." : "\(openers[a])\(cores[b])\(closers[c])"
    out.append(text)
  }
  return out
}

let arguments = Array(CommandLine.arguments.dropFirst())
let lineCount = arguments.first { !$0.hasPrefix("-") }.flatMap(Int.init) ?? 200_000
// `attune-bench --corpus [LINES]` prints the corpus instead, to check that a change leaves the
// annotations byte-identical (`attune annotate < corpus`).
if arguments.contains("--corpus") {
  print(corpus(lines: lineCount).joined(separator: "\n"))
  exit(0)
}
let loadTime = seconds { _ = Coach.shared }
print("rule book load and compile: \(String(format: "%.1f", loadTime * 1000)) ms (\(Coach.shared.rules.rules.count) rules: \(Coach.shared.indexStatistics))")

let lines = corpus(lines: lineCount)
let distinct = Set(lines).count
var moves = 0
let annotateTime = seconds {
  for line in lines { moves &+= Coach.shared.annotate(line).moves.count }
}
print(
  "annotate: \(lineCount) lines (\(distinct) distinct), \(Int(Double(lineCount) / annotateTime)) utterances/s on one core, \(moves) moves"
)

var bytes = 0
var json = JSONWriter(capacity: 1024)
let jsonTime = seconds {
  for line in lines {
    json.reset()
    Coach.shared.annotate(line).write(to: &json)
    bytes &+= json.bytes.count
  }
}
print("annotate + JSON: \(Int(Double(lineCount) / jsonTime)) utterances/s, \(bytes / lineCount) bytes per line")

let huge = String(repeating: "you never listen and ", count: 50_000)
let hugeTime = seconds { _ = Coach.shared.annotate(huge) }
print("one 1 MB line: \(String(format: "%.3f", hugeTime)) s")
let emoji = String(repeating: "😡", count: 10_000)
let emojiTime = seconds { _ = Coach.shared.annotate(emoji) }
print("10,000 emoji: \(String(format: "%.4f", emojiTime)) s")
print("peak resident memory: \(peakResidentMegabytes()) MB")
