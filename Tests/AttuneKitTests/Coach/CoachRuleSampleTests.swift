import Testing

@testable import AttuneKit

/// Every sample written beside a rule in rules.yaml must fire that rule: a rule author knows the rule is live.
struct RuleSample: Sendable, CustomTestStringConvertible {
  let rule: String
  let text: String
  var testDescription: String { "\(rule): \(text)" }

  static let all: [RuleSample] = RuleBook.bundled.rules.flatMap { rule in
    rule.samples.map { RuleSample(rule: rule.id, text: $0) }
  }
}

@Test(arguments: RuleSample.all)
func everyRuleSampleFiresItsRule(_ sample: RuleSample) {
  let fired = Coach.shared.firedRules(sample.text).map(\.rule)
  #expect(fired.contains(sample.rule), "fired: \(fired)")
}

@Test func everyRuleHasADocAndASample() {
  for rule in RuleBook.bundled.rules {
    #expect(!rule.doc.isEmpty, "\(rule.id) has no doc")
    #expect(!rule.samples.isEmpty, "\(rule.id) has no sample")
    #expect(rule.id.hasPrefix(rule.move.rawValue + "."), "\(rule.id) should start with its move")
  }
}

@Test func everyMoveOfTheTaxonomyHasARule() {
  let covered = Set(RuleBook.bundled.rules.map(\.move))
  #expect(covered == Set(Move.allCases))
}
