import Foundation
import Testing

@testable import AttuneKit

/// The smallest preamble a rule book needs: negators and an antidote for every insecure move.
let minimalRuleBookPreamble = """
  normalize:
    negators: [not, never]
  antidotes:
    criticism: {why: w, try: t}
    contempt: {why: w, try: t}
    defensiveness: {why: w, try: t}
    stonewalling: {why: w, try: t}
    dismissing: {why: w, try: t}
    withdrawal: {why: w, try: t}
    protest: {why: w, try: t}
    threat: {why: w, try: t}
    self-blame: {why: w, try: t}

  """

private func coach(rules: String, model: String) throws -> Coach {
  var book = try RuleBook(yaml: minimalRuleBookPreamble + rules)
  book.backupModel = try BackupModel(tsv: model)
  return Coach(rules: book)
}

private let model = """
  move\tfeature\tweight
  *\t<weak-evidence>\tyou
  side:insecure\t<threshold>\t0
  side:insecure\t<mixed-threshold>\t0
  side:insecure\t<bias>\t-2
  side:insecure\tclown\t3
  side:insecure\t<s> fine\t3
  side:secure\t<threshold>\t0
  side:secure\t<mixed-threshold>\t0
  side:secure\t<bias>\t-2
  side:secure\tcheers\t3
  side:secure\tthank you so\t3
  contempt\t<bias>\t-2
  contempt\tclown\t3
  contempt\tyou\t5
  contempt\tyou clown\t1
  stonewalling\t<s> fine\t9
  appreciation\t<bias>\t-2
  appreciation\tcheers\t3
  appreciation\tthank you so\t3
  """

@Test func theBackupModelAddsAMoveTheRulesMissedAndNamesItself() throws {
  let coach = try coach(rules: "rules: []", model: model)
  let annotation = coach.annotate("Sure thing, you clown.")
  #expect(annotation.moves.map(\.move) == [.contempt])
  #expect(annotation.moves.first?.rule == "contempt.backup-model")
  #expect(annotation.moves.first?.evidence == "clown")
  #expect(annotation.antidote?.forMove == .contempt)
}

@Test func theBackupModelNeverOverridesARuleThatWasNegated() throws {
  let rules = """
    rules:
      - id: contempt.clown
        move: contempt
        patterns: ["clown"]
    """
  let coach = try coach(rules: rules, model: model)
  #expect(coach.annotate("You are not a clown.").moves.isEmpty)
  #expect(coach.annotate("You clown.").moves.map(\.rule) == ["contempt.clown"])
}

@Test func theBackupModelAddsNothingToASideTheRulesAlreadyRead() throws {
  let rules = """
    rules:
      - id: contempt.joker
        move: contempt
        patterns: ["joker"]
    """
  let coach = try coach(rules: rules, model: model)
  #expect(coach.annotate("You joker, you clown.").moves.map(\.rule) == ["contempt.joker"])
}

@Test func theBackupModelOverrulesARuleWhoseWordsItReadsAsInnocent() throws {
  let rules = """
    rules:
      - id: contempt.joker
        move: contempt
        patterns: ["joker"]
      - id: appreciation.cheers
        move: appreciation
        patterns: ["cheers"]
    """
  // "card" pulls the insecure side far below its overrule threshold: "the joker card" is a game.
  let sure = model + "\nside:insecure\t<overrule-threshold>\t-3\nside:insecure\tcard\t-4\n"
  let overruling = try coach(rules: rules, model: sure)
  let game = overruling.annotate("Cheers, I drew the joker card.")
  #expect(game.moves.map(\.rule) == ["appreciation.cheers"])
  #expect(game.verdict == .secure)
  #expect(game.antidote == nil)
  // Without the innocent word the side model is unsure, not sure of innocence: the rule stands.
  #expect(overruling.annotate("Cheers, you joker.").moves.map(\.rule) == ["appreciation.cheers", "contempt.joker"])
  // A side the rules found alone in a short reply stands: too few words to judge.
  let patient = try coach(rules: rules, model: sure + "*\t<overrule-min-tokens>\t10\n")
  #expect(patient.annotate("The joker card.").moves.map(\.rule) == ["contempt.joker"])
  #expect(patient.annotate("Cheers, I drew the joker card.").moves.map(\.rule) == ["appreciation.cheers"])
  #expect(patient.annotate("We laughed when I drew the joker card at the party.").moves.isEmpty)
  // A model without the threshold never overrules.
  let plain = try coach(rules: rules, model: model + "\nside:insecure\tcard\t-4\n")
  #expect(plain.annotate("Cheers, I drew the joker card.").verdict == .mixed)
}

@Test func theBackupModelReadsWordTriplesAndHowASentenceStarts() throws {
  let coach = try coach(rules: "rules: []", model: model)
  #expect(coach.annotate("Thank you so much.").moves.map(\.move) == [.appreciation])
  #expect(coach.annotate("Thank you, so much.").moves.isEmpty)
  #expect(coach.annotate("Fine. Do what you want.").moves.map(\.move) == [.stonewalling])
  #expect(coach.annotate("That is fine by me.").moves.isEmpty)
}

@Test func aCommonWordIsNeverTheBackupModelsOnlyEvidence() throws {
  let coach = try coach(rules: "rules: []", model: model)
  // "you" weighs most for contempt, but a common word alone shows nothing: the evidence is "clown".
  #expect(coach.annotate("You clown.").moves.first?.evidence == "clown")
}

@Test func theBackupModelNeedsMoreThanCommonWordsToAddAMove() throws {
  let coach = try coach(rules: "rules: []", model: model + "\nside:insecure\tyou\t9\n")
  // The insecure side is sure, but only "you" weighs for it: no evidence, no move.
  #expect(coach.annotate("You again.").moves.isEmpty)
  #expect(coach.annotate("You clown.").moves.map(\.move) == [.contempt])
}

@Test func aSideTheModelIsUnsureOfGetsNothing() throws {
  let coach = try coach(rules: "rules: []", model: model)
  // Only "you" and bias: the insecure side model stays below its threshold.
  #expect(coach.annotate("You again.").moves.isEmpty)
}

@Test func aBrokenModelLineNamesTheFileAndLine() {
  #expect(throws: RuleBookError.self) { try BackupModel(tsv: "move\tfeature\tweight\ncritcism\tx\t1\n", path: "m.tsv") }
  #expect(throws: RuleBookError.self) { try BackupModel(tsv: "move\tfeature\tweight\nside:calm\tx\t1\n", path: "m.tsv") }
  do {
    _ = try BackupModel(tsv: "move\tfeature\tweight\ncriticism\tx\tlots\n", path: "m.tsv")
  } catch {
    #expect("\(error)".contains("m.tsv:2"))
  }
}

@Test func theShippedModelLoadsWithTheRules() {
  #expect(RuleBook.bundled.backupModel.featureCount > 1000)
}

@Test func theBackupModelAddsTheOtherSideElsewhereButNotInTheWordsTheRulesReadTheOtherWay() throws {
  let rules = """
    rules:
      - id: appreciation.thanks
        move: appreciation
        patterns: ["thanks"]
    """
  let sidedModel = model + "\nside:insecure\t<same-place-threshold>\t5\n"
  let coach = try coach(rules: rules, model: sidedModel)
  // Another sentence: a mixed message, read as one.
  #expect(coach.annotate("Thanks. You clown.").moves.map(\.move) == [.appreciation, .contempt])
  // The same clause as the thanks: the model would be reading the rule's words the other way.
  #expect(coach.annotate("Thanks you clown.").moves.map(\.move) == [.appreciation])
}

@Test func weightsAreReadAsFloatReadsThem() throws {
  func read(_ text: String) -> Float? {
    var text = text
    return text.withUTF8 { BackupModel.weight($0) }
  }
  let cases = [
    "1.5594", "-1.1021", "0", "-0", "0.0001", "-3.3006", "12345.67", "9999999", "1.", ".5", "-.5", "2.5", "1e-05",
    "16777217", "0.1234567", "1.23456789", "", "-", ".", "1.2.3", "abc", " 1", "+1.5", "inf", "nan",
  ]
  for text in cases {
    let expected = Float(text)
    #expect(read(text)?.bitPattern == expected?.bitPattern, "\(text)")
  }
  // Every weight of the shipped model.
  let url = RuleBook.bundledURL.appendingPathComponent("backup-model.tsv")
  let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
  var checked = 0
  for line in lines where !line.hasPrefix("#") {
    let cells = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
    guard cells.count == 3, let expected = Float(cells[2]) else { continue }
    #expect(read(String(cells[2]))?.bitPattern == expected.bitPattern, "\(line)")
    checked += 1
  }
  #expect(checked > 1000)
}
