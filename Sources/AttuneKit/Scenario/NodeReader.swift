import Yams

/// Reads a composed YAML tree into values, collecting located diagnostics as it goes.
///
/// Every YAML node carries a mark, so each problem can be reported as `PATH:LINE:COL`.
/// Nothing here throws: readers return `nil` for a bad value and record why.
struct NodeReader {
  let path: String
  let lines: [Substring]
  private(set) var diagnostics: [Diagnostic] = []

  init(path: String, source: String) {
    self.path = path
    self.lines = source.split(separator: "\n", omittingEmptySubsequences: false)
  }

  var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

  mutating func report(_ message: String, at node: Node?, severity: Diagnostic.Severity = .error) {
    report(
      message, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, severity: severity)
  }

  mutating func report(
    _ message: String, line: Int, column: Int, severity: Diagnostic.Severity = .error
  ) {
    let source = line >= 1 && line <= lines.count ? String(lines[line - 1]) : ""
    diagnostics.append(
      Diagnostic(
        path: path, line: line, column: column, severity: severity, message: message,
        sourceLine: source.hasSuffix("\r") ? String(source.dropLast()) : source))
  }

  /// Composes the YAML text, reporting syntax errors with their position.
  mutating func compose(_ source: String) -> Node? {
    do {
      guard let node = try Yams.compose(yaml: source) else {
        report(
          "the file is empty (expected a mapping of keys such as `title:`)", line: 1, column: 1)
        return nil
      }
      return node
    } catch let error as YamlError {
      switch error {
      case .scanner(let context, let problem, let mark, _),
        .parser(let context, let problem, let mark, _),
        .composer(let context, let problem, let mark, _):
        let prefix = context.map { "\($0.text) " } ?? ""
        report("invalid YAML: \(prefix)\(problem)", line: mark.line, column: mark.column)
      case .reader(let problem, _, _, _):
        report("invalid text: \(problem) (files must be UTF-8)", line: 1, column: 1)
      default:
        report("invalid YAML: \(error)", line: 1, column: 1)
      }
      return nil
    } catch {
      report("invalid YAML: \(error)", line: 1, column: 1)
      return nil
    }
  }

  /// The pairs of a mapping, checking keys are strings, unique and among `allowed`.
  mutating func mapping(_ node: Node, _ what: String, allowed: [String]? = nil) -> [(
    key: String, keyNode: Node, value: Node
  )]? {
    guard case .mapping(let mapping) = node else {
      report("\(what) must be a mapping (`key: value` lines), not \(kind(of: node))", at: node)
      return nil
    }
    var seen: Set<String> = []
    var pairs: [(key: String, keyNode: Node, value: Node)] = []
    for (keyNode, value) in mapping {
      guard case .scalar(let scalar) = keyNode else {
        report("keys of \(what) must be plain words", at: keyNode)
        continue
      }
      let key = scalar.string
      if !seen.insert(key).inserted {
        report("duplicate key '\(key)' in \(what)", at: keyNode)
        continue
      }
      if let allowed, !allowed.contains(key) {
        let hint = suggestion(for: key, in: allowed).map { "did you mean '\($0)'? " } ?? ""
        report(
          "unknown key '\(key)' in \(what) (\(hint)valid: \(allowed.joined(separator: ", ")))",
          at: keyNode)
        continue
      }
      pairs.append((key, keyNode, value))
    }
    return pairs
  }

  mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
    guard case .sequence(let sequence) = node else {
      report("\(what) must be a list (lines starting with `- `), not \(kind(of: node))", at: node)
      return nil
    }
    return Array(sequence)
  }

  mutating func string(_ node: Node, _ what: String, allowEmpty: Bool = false) -> String? {
    guard case .scalar(let scalar) = node else {
      report("\(what) must be text, not \(kind(of: node))", at: node)
      return nil
    }
    let text = scalar.string
    if !allowEmpty && text.allSatisfy(\.isWhitespace) {
      report("\(what) is empty (write some text)", at: node)
      return nil
    }
    return text
  }

  /// A single string or a list of strings.
  mutating func strings(_ node: Node, _ what: String) -> [String]? {
    if case .scalar = node {
      return string(node, what).map { [$0] }
    }
    guard let items = sequence(node, what) else { return nil }
    var out: [String] = []
    for (i, item) in items.enumerated() {
      if let text = string(item, "\(what)[\(i)]") { out.append(text) }
    }
    if items.isEmpty {
      report("\(what) is an empty list (add at least one entry)", at: node)
    }
    return out
  }

  mutating func int(_ node: Node, _ what: String, range: ClosedRange<Int>) -> Int? {
    number(node, what, range: range, kind: "a whole number")
  }

  mutating func double(_ node: Node, _ what: String, range: ClosedRange<Double>) -> Double? {
    number(node, what, range: range, kind: "a number")
  }

  /// A scalar read as `T` and checked against `range`, each fault reported with the valid range.
  private mutating func number<T: LosslessStringConvertible & Comparable>(
    _ node: Node, _ what: String, range: ClosedRange<T>, kind: String
  ) -> T? {
    guard case .scalar(let scalar) = node, let value = T(scalar.string.trimmingWhitespace) else {
      report("\(what) must be \(kind) from \(range.lowerBound) to \(range.upperBound), not \(describe(node))", at: node)
      return nil
    }
    guard range.contains(value) else {
      report("\(what) \(value) is out of range (valid: \(range.lowerBound)...\(range.upperBound))", at: node)
      return nil
    }
    return value
  }

  /// One of a fixed set of words, reported with the valid ones when wrong.
  mutating func choice(_ node: Node, _ what: String, valid: [String]) -> String? {
    guard let text = string(node, what) else { return nil }
    guard valid.contains(text) else {
      let hint = suggestion(for: text, in: valid).map { "did you mean '\($0)'? " } ?? ""
      report("unknown \(what) '\(text)' (\(hint)valid: \(valid.joined(separator: ", ")))", at: node)
      return nil
    }
    return text
  }

  /// Like `strings`, but each entry must be one of `valid`.
  mutating func choices(_ node: Node, _ what: String, valid: [String]) -> [String]? {
    if case .scalar = node {
      return choice(node, what, valid: valid).map { [$0] }
    }
    guard let items = sequence(node, what) else { return nil }
    var out: [String] = []
    for item in items {
      if let text = choice(item, what, valid: valid) { out.append(text) }
    }
    return out
  }

  func kind(of node: Node) -> String {
    switch node {
    case .scalar: return "text"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    }
  }

  func describe(_ node: Node) -> String {
    if case .scalar(let scalar) = node { return "'\(scalar.string)'" }
    return kind(of: node)
  }

  /// The closest valid word, if it is close enough to be a likely typo.
  func suggestion(for word: String, in valid: [String]) -> String? {
    var best: (String, Int)?
    for candidate in valid {
      let d = editDistance(word.lowercased(), candidate)
      if d <= max(1, candidate.count / 3), d < (best?.1 ?? Int.max) {
        best = (candidate, d)
      }
    }
    return best?.0
  }
}

func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a.unicodeScalars)
  let b = Array(b.unicodeScalars)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      current[j] = min(
        previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}

extension String {
  var trimmingWhitespace: String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
