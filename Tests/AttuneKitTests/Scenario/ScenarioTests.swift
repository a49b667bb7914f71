import Foundation
import Testing

@testable import AttuneKit

@Test func everyShippedScenarioLoadsCleanly() throws {
  let files = shippedLibrary.files()
  #expect(files.count >= 8)
  let linter = ScenarioLinter()
  for file in files {
    let diagnostics = linter.lint(path: file)
    #expect(diagnostics.isEmpty, "\(file): \(diagnostics.map(\.description))")
  }
}

@Test func shippedScenariosHaveOpeningsNeedsAndTenLinesPerStyle() throws {
  let (scenarios, failures) = shippedLibrary.loadAll()
  #expect(failures.isEmpty)
  for scenario in scenarios {
    #expect(!scenario.title.isEmpty && !scenario.setup.isEmpty)
    #expect(!scenario.resolution.isEmpty)
    for style in AttachmentStyle.allCases {
      #expect(!(scenario.openings[style] ?? []).isEmpty, "\(scenario.id) has no \(style) opening")
      let lines = scenario.replies.filter { $0.styles?.contains(style) ?? true }.reduce(0) {
        $0 + $1.lines.count
      }
      #expect(lines >= 10, "\(scenario.id) has \(lines) lines for \(style)")
    }
  }
}

@Test func theDefaultScenarioExists() throws {
  #expect(shippedLibrary.ids().contains(ScenarioLibrary.defaultScenarioID))
}

@Test func everySampleLineReachesItsRule() throws {
  let (scenarios, _) = shippedLibrary.loadAll()
  let linter = ScenarioLinter()
  for scenario in scenarios {
    for failure in linter.sampleFailures(scenario) {
      Issue.record(
        "\(scenario.id): '\(failure.sample)' does not reach \(failure.rule.id): \(failure.reason)")
    }
  }
  // The style banks' samples too, checked against the default scenario.
  let scenario = try shipped(ScenarioLibrary.defaultScenarioID)
  var bankOnly = scenario
  bankOnly.replies = []
  for (_, bank) in PartnerData.shared.banks {
    for rule in bank.rules {
      for sample in rule.samples {
        if let reason = SampleCheck.reason(
          sample: sample, rule: rule, scenario: bankOnly, coach: .shared, data: .shared)
        {
          Issue.record("bank rule \(rule.id): '\(sample)' does not reach it: \(reason)")
        }
      }
    }
  }
}

@Test func aScenarioIsFoundByIdOrPath() throws {
  let byID = try shippedLibrary.scenario("chores")
  let byPath = try ScenarioLibrary.resolve(shippedLibrary.folder + "/chores.yaml", library: nil)
  #expect(byID == byPath)
  #expect(byID.sha256.count == 64)
}

@Test func anUnknownScenarioListsTheAvailableOnes() {
  #expect(throws: ScenarioError.self) { try shippedLibrary.scenario("chorse") }
  do {
    _ = try shippedLibrary.scenario("chorse")
  } catch {
    #expect(error.description.contains("unknown scenario 'chorse'"))
    #expect(error.description.contains("chores"))
  }
}

@Test func theLibraryIsFoundFromTheEnvironmentThenTheWorkingDirectoryThenAboveTheExecutable() {
  let paths = ScenarioLibrary.searchPaths(
    environment: ["ATTUNE_SCENARIOS": "/env/s"], currentDirectory: "/cwd",
    executablePath: "/a/b/.build/release/attune")
  #expect(paths[0] == "/env/s")
  #expect(paths[1] == "/cwd/Scenarios")
  #expect(paths.contains("/a/b/Scenarios"))
}

// MARK: Lint errors, with positions

func lint(_ name: String) -> [Diagnostic] {
  ScenarioLinter().lint(path: fixtureScenario(name))
}

@Test func aMinimalScenarioIsValid() {
  let errors = lint("minimal.yaml").filter { $0.severity == .error }
  #expect(errors.isEmpty, "\(errors)")
}

@Test func anUnknownKeyIsReportedWithItsPositionAndTheValidKeys() {
  let diagnostics = lint("unknown-key.yaml")
  let typo = diagnostics.first { $0.message.contains("unknown key 'repiles'") }
  #expect(typo?.line == 11)
  #expect(typo?.column == 1)
  #expect(typo?.message.contains("did you mean 'replies'?") == true)
  #expect(
    typo?.description.hasPrefix(fixtureScenario("unknown-key.yaml") + ":11:1: error: ") == true)
}

@Test func badRuleValuesAreEachReportedWhereTheyAre() {
  let diagnostics = lint("bad-rule.yaml")
  let trigger = diagnostics.first { $0.message.contains("unknown trigger 'critcism'") }
  #expect(trigger?.line == 13 && trigger?.column == 9)
  #expect(trigger?.message.contains("did you mean 'criticism'?") == true)
  let band = diagnostics.first { $0.message.contains("unknown band 'furious'") }
  #expect(band?.line == 14 && band?.column == 13)
  #expect(band?.message.contains("calm, activated, flooded") == true)
  let placeholder = diagnostics.first { $0.message.contains("unknown placeholder '{name}'") }
  #expect(placeholder?.line == 15)
  let duplicate = diagnostics.first { $0.message.contains("duplicate rule id 'bad.one'") }
  #expect(duplicate?.line == 16)
}

@Test func aYAMLSyntaxErrorIsReportedWithItsPosition() {
  let diagnostics = lint("syntax-error.yaml")
  #expect(diagnostics.count == 1)
  #expect(diagnostics[0].message.hasPrefix("invalid YAML"))
  #expect(diagnostics[0].line >= 2)
  #expect(!diagnostics[0].message.contains("The given data was not valid YAML"))
}

@Test func missingAndOutOfRangeValuesSayWhatWouldBeValid() {
  let messages = lint("missing-openings.yaml").map(\.message)
  #expect(
    messages.contains { $0.contains("unsupported scenario version 3 (highest supported: 1)") })
  #expect(messages.contains { $0.contains("difficulty 7 is out of range (valid: 1...3)") })
  #expect(messages.contains { $0.contains("missing opening for style 'avoidant'") })
  #expect(messages.contains { $0.contains("missing opening for style 'disorganized'") })
  #expect(messages.contains { $0.contains("unknown need 'wibble'") })
}

@Test func binaryAndEmptyFilesAreRejectedWithAReason() {
  #expect(lint("not-utf8.yaml").first?.message.contains("not valid UTF-8") == true)
  #expect(lint("not-utf8.yaml").first?.line == 2)
  #expect(lint("nul-byte.yaml").first?.message.contains("NUL byte") == true)
  #expect(lint("empty.yaml").first?.message.contains("the file is empty") == true)
  #expect(lint("does-not-exist.yaml").first?.message.contains("cannot read file") == true)
}

@Test func aBrokenScenarioNeverLoads() {
  for name in [
    "unknown-key.yaml", "bad-rule.yaml", "syntax-error.yaml", "missing-openings.yaml",
    "not-utf8.yaml", "nul-byte.yaml", "empty.yaml",
  ] {
    #expect(throws: ScenarioError.self, "\(name)") {
      try Scenario.load(path: fixtureScenario(name))
    }
  }
}

@Test func aSampleThatMissesItsRuleIsAWarning() throws {
  var scenario = try Scenario.load(path: fixtureScenario("minimal.yaml"))
  scenario.replies[0].samples = ["What a lovely day."]
  let failures = ScenarioLinter().sampleFailures(scenario)
  #expect(failures.count == 1)
  #expect(failures.first?.reason.contains("the coach reads") == true)
}
