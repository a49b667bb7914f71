import Foundation
import Testing

@testable import AttuneKit

/// Splits "a ⟦marked⟧ text" into the plain text and the scalar offsets of each marked span.
func marked(_ text: String) -> (text: String, spans: [Range<Int>]) {
  var plain = String.UnicodeScalarView()
  var spans: [Range<Int>] = []
  var open = 0
  for scalar in text.unicodeScalars {
    if scalar == "⟦" {
      open = plain.count
    } else if scalar == "⟧" {
      spans.append(open..<plain.count)
    } else {
      plain.append(scalar)
    }
  }
  return (String(plain), spans)
}

@Test func evidenceOffsetsAreUnicodeScalarsOfTheText() {
  let (text, spans) = marked("😤😤 ok so ⟦you never help⟧ with dinner")
  let annotation = Coach.shared.annotate(text)
  let match = annotation.moves.first { $0.move == .criticism }
  #expect(match?.start == spans[0].lowerBound)
  #expect(match?.end == spans[0].upperBound)
  #expect(match?.evidence == "you never help")
  #expect(match?.rule == "criticism.you-never")
}

@Test func evidenceCoversTheWordsAsTheUserTypedThem() {
  let (text, spans) = marked("Honestly ⟦YOU’RE SO SELFISH⟧!!!")
  let match = Coach.shared.annotate(text).moves.first
  #expect(match?.move == .criticism)
  #expect(match.map { $0.start..<$0.end } == spans[0])
  #expect(match?.evidence == "YOU’RE SO SELFISH")
}

@Test func movesAreListedInTheOrderTheyAppear() {
  let annotation = Coach.shared.annotate("Thank you for the flowers. You never call though.")
  #expect(annotation.moves.map(\.move) == [.appreciation, .criticism])
  #expect(annotation.verdict == .mixed)
}

@Test func antidoteBuildsOnTheUsersOwnWords() {
  let annotation = Coach.shared.annotate("You never help with dinner.")
  #expect(annotation.antidote?.forMove == .criticism)
  #expect(annotation.antidote?.move == .gentleStartup)
  #expect(annotation.antidote?.tryThis.contains("help with dinner") == true)
  #expect(annotation.antidote?.why.isEmpty == false)
}

@Test func aJabDressedAsAQuestionGetsItsRequestBackInTheUsersWords() {
  let jab = Coach.shared.annotate("How hard is it to put a plate in the dishwasher?")
  #expect(jab.antidote?.forMove == .contempt)
  #expect(jab.antidote?.tryThis == "Could you put a plate in the dishwasher? It would mean a lot to me.")

  let pressed = Coach.shared.annotate("Would it kill you to text me when you're running late")
  #expect(pressed.moves.map(\.rule).contains("protest.would-it-kill"))
  #expect(pressed.antidote?.tryThis.contains("text me when you're running late") == true)

  // Nothing after the jab to ask for: the move's own template.
  let bare = Coach.shared.annotate("Would it kill you to?")
  #expect(bare.antidote?.tryThis == RuleBook.bundled.antidotes[.protest]?.try)
}

@Test func everyInsecureMoveGetsAnAntidoteTemplate() {
  for move in Move.allCases where !move.isSecure {
    let template = RuleBook.bundled.antidotes[move]
    #expect(template?.why.isEmpty == false, "\(move)")
    #expect(template?.try.isEmpty == false, "\(move)")
  }
}

@Test func secureRepliesGetNoAntidote() {
  #expect(Coach.shared.annotate("I really appreciate you.").antidote == nil)
}

@Test func signalsNameTheHorsemenAndTheStyles() {
  #expect(Coach.shared.annotate("You're pathetic.").signals.contains("horseman:contempt"))
  #expect(Coach.shared.annotate("Do you even love me?").signals.contains("anxious"))
  #expect(Coach.shared.annotate("Whatever.").signals.contains("avoidant"))
  let flip = Coach.shared.annotate("You never listen, and I'm so stupid for trying.")
  #expect(flip.signals.contains("disorganized"))
  #expect(Coach.shared.annotate("You NEVER listen!!!").signals.contains("intensity:high"))
}

@Test func annotationJSONHasTheFieldsOfTheContract() throws {
  let line = Coach.shared.annotate("Oh great, another \"plan\".").jsonLine
  let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
  #expect(object["text"] as? String == "Oh great, another \"plan\".")
  #expect(object["verdict"] as? String == "insecure")
  let moves = try #require(object["moves"] as? [[String: Any]])
  #expect(moves.first?["move"] as? String == "contempt")
  #expect(moves.first?["rule"] as? String == "contempt.sarcasm")
  #expect(moves.first?["start"] as? Int == 0)
  #expect(object["signals"] as? [String] == ["horseman:contempt"])
  let antidote = try #require(object["antidote"] as? [String: Any])
  #expect(antidote["for"] as? String == "contempt")
  #expect(antidote["try"] is String)
}
