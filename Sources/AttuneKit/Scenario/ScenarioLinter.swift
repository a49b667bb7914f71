import Foundation

/// Checks scenario files: the schema, with located errors, and that each rule's sample user
/// lines really reach that rule (so an author knows a rule is live).
public struct ScenarioLinter: Sendable {
  public let coach: Coach
  public let data: PartnerData

  public init(coach: Coach = .shared, data: PartnerData = .shared) {
    self.coach = coach
    self.data = data
  }

  /// Every problem in the file at `path`.
  public func lint(path: String) -> [Diagnostic] {
    guard let contents = FileManager.default.contents(atPath: path) else {
      return [
        Diagnostic(path: path, line: 0, column: 0, message: "cannot read file (does it exist?)")
      ]
    }
    return lint(bytes: Array(contents), path: path)
  }

  public func lint(bytes: [UInt8], path: String) -> [Diagnostic] {
    let (scenario, diagnostics) = Scenario.parse(bytes: bytes, path: path, catalogue: data.needs)
    guard let scenario, !diagnostics.contains(where: { $0.severity == .error }) else {
      return diagnostics
    }
    let source = String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    var out = diagnostics
    for failure in sampleFailures(scenario) {
      let line = failure.rule.line
      let text = line >= 1 && line <= source.count ? String(source[line - 1]) : ""
      out.append(
        Diagnostic(
          path: path, line: line, column: failure.rule.column, severity: .warning,
          message:
            "sample '\(failure.sample)' does not reach rule '\(failure.rule.id)' (\(failure.reason))",
          sourceLine: text))
    }
    return out
  }

  public struct SampleFailure: Sendable, Equatable {
    public var rule: ReplyRule
    public var sample: String
    public var reason: String
  }

  /// The samples of a scenario's rules that would not reach their rule.
  public func sampleFailures(_ scenario: Scenario) -> [SampleFailure] {
    var failures: [SampleFailure] = []
    for rule in scenario.replies {
      for sample in rule.samples {
        if let reason = SampleCheck.reason(
          sample: sample, rule: rule, scenario: scenario, coach: coach, data: data)
        {
          failures.append(SampleFailure(rule: rule, sample: sample, reason: reason))
        }
      }
    }
    return failures
  }
}

/// Whether a sample user line reaches a rule: it is what the partner would answer first.
public enum SampleCheck {
  /// Nil when `sample` reaches `rule`; otherwise why not.
  public static func reason(
    sample: String, rule: ReplyRule, scenario: Scenario, coach: Coach, data: PartnerData
  ) -> String? {
    let styles =
      rule.styles.map { AttachmentStyle.allCases.filter($0.contains) } ?? AttachmentStyle.allCases
    guard let style = styles.first else { return "the rule has no style" }
    var partner = Partner(scenario: scenario, style: style, seed: 1, data: data)
    let annotation = coach.annotate(sample)
    let result = partner.probe(annotation: annotation, forcing: rule)
    if result.rules.contains(rule.id) { return nil }
    let read =
      annotation.moves.isEmpty
      ? "no moves" : annotation.moves.map(\.move.id).joined(separator: ", ")
    let answered =
      result.trigger.map { "the partner answers '\($0)' first" } ?? "nothing answers it"
    return "the coach reads: \(read); \(answered)"
  }
}
