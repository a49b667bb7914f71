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
  contempt\t<threshold>\t0.5
  contempt\t<bias>\t-2
  contempt\tclown\t3
  contempt\tyou clown\t1
  appreciation\t<threshold>\t0.5
  appreciation\t<bias>\t-2
  appreciation\tcheers\t3
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

@Test func aBrokenModelLineNamesTheFileAndLine() {
  #expect(throws: RuleBookError.self) { try BackupModel(tsv: "move\tfeature\tweight\ncritcism\tx\t1\n", path: "m.tsv") }
  do {
    _ = try BackupModel(tsv: "move\tfeature\tweight\ncriticism\tx\tlots\n", path: "m.tsv")
  } catch {
    #expect("\(error)".contains("m.tsv:2"))
  }
}

@Test func theShippedModelLoadsWithTheRules() {
  #expect(RuleBook.bundled.backupModel.featureCount > 1000)
}
