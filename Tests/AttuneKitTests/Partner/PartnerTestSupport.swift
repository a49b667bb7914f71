import Foundation

@testable import AttuneKit

/// The package root, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shipped Scenarios folder.
let shippedLibrary = ScenarioLibrary(folder: packageRoot.appendingPathComponent("Scenarios").path)

/// A fixture file path under Fixtures/Scenarios.
func fixtureScenario(_ name: String) -> String {
  packageRoot.appendingPathComponent("Tests/AttuneKitTests/Fixtures/Scenarios/\(name)").path
}

func shipped(_ id: String) throws -> Scenario {
  try shippedLibrary.scenario(id)
}

/// A hand-built annotation: the partner is tested without depending on the coach's reading.
func said(_ text: String, _ moves: Move...) -> Annotation {
  said(text, moves)
}

func said(_ text: String, _ moves: [Move]) -> Annotation {
  let matches = moves.map {
    MoveMatch(
      move: $0, evidence: String(text.prefix(12)), start: 0,
      end: min(12, text.unicodeScalars.count), rule: "test.\($0.id)")
  }
  return Annotation(
    text: text, verdict: Verdict(moves: moves), moves: matches, signals: [], antidote: nil)
}
