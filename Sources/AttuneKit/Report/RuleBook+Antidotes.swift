import Foundation

extension RuleBook {
  /// The coach's antidote templates (why a move hurts, a better way to say it) without compiling
  /// the rules: read from `common.yaml` of the rules in use, which is several times faster than
  /// loading the whole rule book. Falls back to the full rule book when that file cannot stand alone.
  public static func antidoteTemplates(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> [Move: AntidoteTemplate] {
    var folder = bundledURL
    if let override = environment["ATTUNE_COACH_RULES"], !override.isEmpty {
      folder = URL(fileURLWithPath: override)
    }
    if let book = try? RuleBook.load(from: folder.appendingPathComponent("common.yaml")) {
      return book.antidotes
    }
    return bundled.antidotes
  }
}
