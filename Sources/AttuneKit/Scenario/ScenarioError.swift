/// What can go wrong finding or loading a scenario.
public enum ScenarioError: Error, CustomStringConvertible, Equatable {
  /// The file or resource could not be read.
  case unreadable(path: String, reason: String)
  /// The file was read but has problems; every problem is listed.
  case invalid(path: String, diagnostics: [Diagnostic])
  /// No scenario has this id.
  case notFound(id: String, available: [String])
  /// No Scenarios folder was found anywhere it is looked for.
  case noScenarioFolder(searched: [String])

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "\(path): error: cannot read file (\(reason))"
    case .invalid(_, let diagnostics):
      return diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    case .notFound(let id, let available):
      let list = available.isEmpty ? "none found" : available.joined(separator: ", ")
      return "unknown scenario '\(id)' (available: \(list))"
    case .noScenarioFolder(let searched):
      return
        "no Scenarios folder found (looked in: \(searched.joined(separator: ", "))); set ATTUNE_SCENARIOS or pass --scenario PATH"
    }
  }
}
