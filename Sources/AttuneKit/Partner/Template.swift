/// Fills `{placeholder}` slots in a reply line.
enum Template {
  /// The placeholder names used in `line`, in order.
  static func placeholderNames(in line: String) -> [String] {
    var names: [String] = []
    var current: String?
    for ch in line {
      if ch == "{" {
        current = ""
      } else if ch == "}", let name = current {
        names.append(name)
        current = nil
      } else if current != nil {
        current?.append(ch)
      }
    }
    return names
  }

  /// The line with every placeholder filled, or nil when a value is missing.
  static func fill(_ line: String, _ values: [String: String]) -> String? {
    guard line.contains("{") else { return line }
    var out = ""
    var current: String?
    for ch in line {
      if ch == "{" {
        current = ""
      } else if ch == "}", let name = current {
        guard let value = values[name], !value.isEmpty else { return nil }
        out += value
        current = nil
      } else if current != nil {
        current?.append(ch)
      } else {
        out.append(ch)
      }
    }
    return out
  }
}
