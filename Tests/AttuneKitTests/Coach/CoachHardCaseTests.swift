import Foundation
import Testing

@testable import AttuneKit

/// One reply with the moves and verdict a careful reader would give it.
struct CoachCase: Sendable, CustomTestStringConvertible {
  let text: String
  let moves: Set<Move>
  let verdict: Verdict
  var testDescription: String { text }

  init(_ text: String, _ moves: [Move], _ verdict: Verdict) {
    self.text = text
    self.moves = Set(moves)
    self.verdict = verdict
  }
}

extension CoachCase {
  /// The hard cases of the coach issue, written fresh (not taken from the dev set).
  static let hard: [CoachCase] = [
    // Negation scope
    CoachCase("I'm not saying you're lazy, I just need more help on weekends.", [.gentleStartup], .secure),
    CoachCase("I'm not blaming you. I felt scared when the account went negative.", [.gentleStartup], .secure),
    CoachCase("It's not a big deal, stop crying about it.", [.dismissing], .insecure),
    CoachCase("I don't want to split up. I want us to get through this.", [.reassurance, .repair], .secure),
    CoachCase("I don't think you're being dramatic at all.", [.validation], .secure),
    // A judgement dressed as a feeling
    CoachCase("I feel like you're completely selfish.", [.criticism], .insecure),
    CoachCase("I feel that you never put me first.", [.criticism], .insecure),
    CoachCase("I feel lonely in the evenings lately.", [.gentleStartup], .secure),
    // Sarcasm
    CoachCase("Oh great, you're late again.", [.contempt], .insecure),
    CoachCase("Thanks SO much for remembering.", [.contempt], .insecure),
    CoachCase("Sure, genius. Great plan.", [.contempt], .insecure),
    CoachCase("Thanks so much for remembering, that was sweet.", [.appreciation], .secure),
    // Accusing questions vs curious ones
    CoachCase("Why are you always like this?", [.criticism], .insecure),
    CoachCase("Why do you never pick up your socks?", [.criticism], .insecure),
    CoachCase("What was that like for you?", [.curiosity], .secure),
    CoachCase("How did the meeting with your dad feel?", [.curiosity], .secure),
    // always / never about the partner vs about good things or oneself
    CoachCase("You always forget the bins.", [.criticism], .insecure),
    CoachCase("You always know how to cheer me up.", [.appreciation], .secure),
    CoachCase("I never sleep well before a trip.", [], .neutral),
    CoachCase("The bus never comes on time on Mondays.", [], .neutral),
    // Apology followed by "but"
    CoachCase("I'm sorry I forgot, but you could have reminded me.", [.defensiveness], .insecure),
    CoachCase("I'm sorry I forgot the dinner. I'll book us a table for Friday.", [.responsibility], .secure),
    // A break with a return time vs without
    CoachCase("I'm getting flooded. Can we take 20 minutes and talk again at 7?", [.selfSoothing], .secure),
    CoachCase("I need a break.", [.withdrawal], .insecure),
    CoachCase("I'm going for a walk. Don't wait up.", [.withdrawal], .insecure),
    // Secure reassurance-seeking vs protest
    CoachCase("I'm feeling wobbly after the fight. Could you tell me we're okay?", [.gentleStartup, .request], .secure),
    CoachCase("Do you even love me anymore?", [.protest], .insecure),
    CoachCase("Why aren't you answering?? Are you ignoring me?", [.protest], .insecure),
    // A calm limit vs an ultimatum
    CoachCase("I'm not okay with being shouted at. I'll keep talking if we both lower our voices.", [.boundary], .secure),
    CoachCase("If you shout at me again, we're finished.", [.threat], .insecure),
    // Owning one's part vs global self-attack
    CoachCase("That's on me. I should have checked the calendar.", [.responsibility], .secure),
    CoachCase("I'm such a failure, I ruin everything.", [.selfBlame], .insecure),
    // Several moves in one message
    CoachCase("Thank you for cooking. But you never clean up after.", [.appreciation, .criticism], .mixed),
    CoachCase("I love you. I just need space, don't call me.", [.reassurance, .withdrawal], .mixed),
    // Neutral logistics with charged words
    CoachCase("The plumber says the boiler is a disaster, he'll come back Tuesday.", [], .neutral),
    CoachCase("Can you grab milk on the way home?", [], .neutral),
    CoachCase("Could we keep Sunday mornings for just the two of us?", [.request], .secure),
  ]

  /// Language as people type it in a fight.
  static let typing: [CoachCase] = [
    CoachCase("u never listen", [.criticism], .insecure),
    CoachCase("YOU NEVER LISTEN!!!", [.criticism], .insecure),
    CoachCase("youre soooo selfish", [.criticism], .insecure),
    CoachCase("ur so selfish", [.criticism], .insecure),
    CoachCase("im sorry i yelled", [.responsibility], .secure),
    CoachCase("i dont care. do what u want", [.stonewalling], .insecure),
    CoachCase("whateverrr", [.stonewalling], .insecure),
    CoachCase("you’re overreacting", [.dismissing], .insecure),
    CoachCase("thank you 🙏 that meant a lot", [.appreciation], .secure),
    CoachCase("ok truce 🙂 let's start over", [.repair], .secure),
    CoachCase("I'm sorry. I was wrong. Can we talk after dinner?", [.responsibility, .request], .secure),
    CoachCase("Yuo alwyas do this", [.criticism], .insecure),
  ]
}

@Test(arguments: CoachCase.hard)
func coachReadsTheHardCases(_ example: CoachCase) {
  let annotation = Coach.shared.annotate(example.text)
  #expect(annotation.moveSet == example.moves, "\(annotation.moves.map(\.rule))")
  #expect(annotation.verdict == example.verdict)
}

@Test(arguments: CoachCase.typing)
func coachReadsLanguageAsPeopleTypeIt(_ example: CoachCase) {
  let annotation = Coach.shared.annotate(example.text)
  #expect(annotation.moveSet == example.moves, "\(annotation.moves.map(\.rule))")
  #expect(annotation.verdict == example.verdict)
}

@Test func coachMeetsTheBarOnTheDevelopmentSet() throws {
  let url = try #require(Bundle.module.url(forResource: "coach-dev", withExtension: "tsv", subdirectory: "Fixtures"))
  let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
  var right = 0
  var unsafe = 0
  var unsafeBase = 0
  var truePositives = 0
  var falsePositives = 0
  var falseNegatives = 0
  for line in lines {
    let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    let gold = Set(cells[1].split(separator: ",").compactMap { Move(id: String($0)) })
    let goldVerdict = Verdict(rawValue: cells[2])
    let annotation = Coach.shared.annotate(cells[0])
    if annotation.verdict == goldVerdict { right += 1 }
    if goldVerdict == .insecure || goldVerdict == .mixed {
      unsafeBase += 1
      if annotation.verdict == .secure { unsafe += 1 }
    }
    truePositives += annotation.moveSet.intersection(gold).count
    falsePositives += annotation.moveSet.subtracting(gold).count
    falseNegatives += gold.subtracting(annotation.moveSet).count
  }
  let accuracy = Double(right) / Double(lines.count)
  let falseReassurance = Double(unsafe) / Double(unsafeBase)
  let precision = Double(truePositives) / Double(truePositives + falsePositives)
  let recall = Double(truePositives) / Double(truePositives + falseNegatives)
  let f1 = 2 * precision * recall / (precision + recall)
  #expect(accuracy >= 0.90)
  #expect(falseReassurance <= 0.03)
  #expect(f1 >= 0.80)
}
