import Foundation

/// Finds the shipped scenarios: `$ATTUNE_SCENARIOS`, then `./Scenarios`, then a `Scenarios/`
/// folder in the executable's directory or any directory above it.
public struct ScenarioLibrary: Sendable {
  /// The folder the scenarios are read from.
  public let folder: String

  /// The scenario a chat uses when none is chosen and there is no menu (stdin not a TTY).
  public static let defaultScenarioID = "phones-at-dinner"

  public init(folder: String) {
    self.folder = folder
  }

  /// The folders looked at, in order.
  public static func searchPaths(
    environment: [String: String], currentDirectory: String, executablePath: String
  ) -> [String] {
    var paths: [String] = []
    if let env = environment["ATTUNE_SCENARIOS"], !env.isEmpty { paths.append(env) }
    paths.append((currentDirectory as NSString).appendingPathComponent("Scenarios"))
    var dir = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for _ in 0..<8 {
      paths.append(dir.appendingPathComponent("Scenarios").path)
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path { break }
      dir = parent
    }
    return paths
  }

  /// The first folder in the search paths that exists.
  public static func locate(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String = CommandLine.arguments.first ?? "."
  ) throws(ScenarioError) -> ScenarioLibrary {
    var exe = executablePath
    if !exe.contains("/") { exe = Bundle.main.executablePath ?? exe }
    let paths = searchPaths(
      environment: environment, currentDirectory: currentDirectory, executablePath: exe)
    var isDir: ObjCBool = false
    for path in paths
    where FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue {
      return ScenarioLibrary(folder: path)
    }
    throw .noScenarioFolder(searched: paths)
  }

  /// The scenario files, sorted by id.
  public func files() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
      .map { (folder as NSString).appendingPathComponent($0) }
  }

  public func ids() -> [String] {
    files().map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
  }

  /// Every scenario that loads, and the problems of those that do not.
  public func loadAll() -> (scenarios: [Scenario], failures: [ScenarioError]) {
    var scenarios: [Scenario] = []
    var failures: [ScenarioError] = []
    for path in files() {
      do {
        scenarios.append(try Scenario.load(path: path))
      } catch {
        failures.append(error)
      }
    }
    return (scenarios, failures)
  }

  /// A scenario by id, or by path when `idOrPath` names a file.
  public func scenario(_ idOrPath: String) throws(ScenarioError) -> Scenario {
    try Self.resolve(idOrPath, library: self)
  }

  /// Loads `idOrPath` as a file if it looks like one, else as an id in `library`.
  public static func resolve(_ idOrPath: String, library: ScenarioLibrary?) throws(ScenarioError)
    -> Scenario
  {
    let looksLikePath =
      idOrPath.contains("/") || idOrPath.hasSuffix(".yaml") || idOrPath.hasSuffix(".yml")
    if looksLikePath || library == nil {
      return try Scenario.load(path: idOrPath)
    }
    guard let library else { throw .notFound(id: idOrPath, available: []) }
    for ext in ["yaml", "yml"] {
      let path = (library.folder as NSString).appendingPathComponent("\(idOrPath).\(ext)")
      if FileManager.default.fileExists(atPath: path) { return try Scenario.load(path: path) }
    }
    throw .notFound(id: idOrPath, available: library.ids())
  }
}
