import Foundation
import Testing

@testable import AttuneKit

@Test func emptyAndBlankRepliesAreNeutral() {
  for text in ["", "   ", "\t", "?!", "🙂"] {
    let annotation = Coach.shared.annotate(text)
    #expect(annotation.verdict == .neutral)
    #expect(annotation.moves.isEmpty)
  }
}

@Test func aMessageOfOnlyAnEllipsisIsTheSilentTreatment() {
  #expect(Coach.shared.annotate("...").moves.map(\.move) == [.stonewalling])
}

@Test func aMegabyteLineIsAnnotated() {
  let text = String(repeating: "you never listen and ", count: 50_000)
  let annotation = Coach.shared.annotate(text)
  #expect(annotation.contains(.criticism))
  #expect(annotation.text.utf8.count >= 1_000_000)
}

@Test func tenThousandEmojiAreNeutral() {
  let annotation = Coach.shared.annotate(String(repeating: "😡", count: 10_000))
  #expect(annotation.verdict == .neutral)
}

@Test func invalidUTF8IsReplacedNotFatal() {
  let bytes: [UInt8] = Array("you never ".utf8) + [0xFF, 0xFE, 0xC3] + Array(" help".utf8)
  let text = String(decoding: bytes, as: UTF8.self)
  let annotation = Coach.shared.annotate(text)
  #expect(annotation.contains(.criticism))
  #expect(annotation.text.contains("\u{FFFD}"))
}

@Test func nulBytesAreKeptAndEscapedInJSON() throws {
  let annotation = Coach.shared.annotate("whatever\u{0}")
  #expect(annotation.text == "whatever\u{0}")
  #expect(annotation.jsonLine.contains("\\u0000"))
  _ = try JSONSerialization.jsonObject(with: Data(annotation.jsonLine.utf8))
}

@Test func contractionsExpandWithOrWithoutApostrophes() {
  let coach = Coach.shared
  #expect(coach.tokens(of: "don't").map(\.text) == ["do", "not"])
  #expect(coach.tokens(of: "dont").map(\.text) == ["do", "not"])
  #expect(coach.tokens(of: "can’t").map(\.text) == ["can", "not"])
  #expect(coach.tokens(of: "youre").map(\.text) == ["you", "are"])
  #expect(coach.tokens(of: "I'm").map(\.text) == ["i", "am"])
  #expect(coach.tokens(of: "mom's").map(\.text) == ["mom"])
}

@Test func stretchedLettersAndShorthandAreUndone() {
  let coach = Coach.shared
  #expect(coach.tokens(of: "sooooo").map(\.text) == ["so"])
  #expect(coach.tokens(of: "pleeeease").map(\.text) == ["please"])
  #expect(coach.tokens(of: "u").map(\.text) == ["you"])
  #expect(coach.tokens(of: "alwyas").map(\.text) == ["always"])
}

@Test func capitalsAreMarkedAsEmphasis() {
  let tokens = Coach.shared.tokens(of: "It's ONE text, I said")
  #expect(tokens.first { $0.text == "one" }?.isCaps == true)
  #expect(tokens.first { $0.text == "i" }?.isCaps == false)
}

@Test func sentencesAndClausesAreSplit() {
  let tokens = Coach.shared.tokens(of: "Fine. I'm sorry, but no!")
  let sentences = Set(tokens.map(\.sentence))
  #expect(sentences.count == 2)
  let sorry = tokens.first { $0.text == "sorry" }
  let but = tokens.first { $0.text == "but" }
  #expect(sorry?.clause != but?.clause)
}

@Test func aBrokenRuleBookNamesTheProblem() {
  #expect(throws: RuleBookError.self) { try RuleBook(yaml: "rules: [{id: a.b, move: critcism, patterns: [x]}]") }
  do {
    _ = try RuleBook(yaml: "rules: [{id: a.b, move: critcism, patterns: [x]}]", path: "r.yaml")
  } catch {
    #expect("\(error)".contains("unknown move 'critcism'"))
    #expect("\(error)".contains("criticism"))
  }
  do {
    _ = try RuleBook(yaml: "rules: [{id: c.x, move: criticism, patterns: ['@nope you']}]", path: "r.yaml")
  } catch {
    #expect("\(error)".contains("unknown list '@nope'"))
  }
  do {
    _ = try RuleBook(yaml: "rules: [{id: c.x, move: criticism, patterns: ['(you are']}]", path: "r.yaml")
  } catch {
    #expect("\(error)".contains("missing ')'"))
  }
}

@Test func addingACueIsOneLine() throws {
  let yaml = minimalRuleBookPreamble + """
    rules:
      - id: contempt.eye-roll
        move: contempt
        patterns: ["eye roll"]
    """
  let coach = Coach(rules: try RuleBook(yaml: yaml))
  #expect(coach.annotate("*eye roll* fine").moves.map(\.rule) == ["contempt.eye-roll"])
}
