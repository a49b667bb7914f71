/// A group report as CSV: one row per transcript, with a header row naming the columns.
///
/// RFC 4180: CRLF between rows; a field holding a comma, quote, CR or LF is quoted, with quotes
/// doubled. A text field that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, so a
/// spreadsheet never runs what someone typed as a formula. Columns (stable; new ones are only
/// ever added at the end) are listed in `columns` and in the README.
public struct CSVReport {
  public private(set) var result = ""

  /// The header row, in order.
  public static let columns = [
    "file", "participants", "scenario", "style", "seed", "started", "outcome", "turns", "secure_moves",
    "insecure_moves", "ratio", "criticism", "contempt", "defensiveness", "stonewalling", "repairs_tried",
    "repairs_received", "arousal_start", "arousal_end", "arousal_peak", "arousal_path", "best_line",
    "best_change", "problems",
  ]

  /// Renders `report` as CSV.
  public static func format(_ report: GroupReport) -> String {
    var renderer = CSVReport()
    renderer.row(columns.map { .number($0) })
    for session in report.sessions { renderer.row(fields(session)) }
    return renderer.result
  }

  /// A cell: numbers and fixed words are written as they are, free text is defused.
  enum Field {
    case number(String)
    case text(String)
  }

  static func fields(_ s: GroupReport.Session) -> [Field] {
    func number(_ value: Int?) -> Field { .number(value.map(String.init) ?? "") }
    var fields: [Field] = [
      .text(s.file), .text(s.participant ?? ""), .text(s.scenario ?? ""), .number(s.style?.id ?? ""),
      .number(s.seed.map(String.init) ?? ""), .text(s.started ?? ""), .number(s.outcome.id), number(s.turns),
      number(s.secureMoves), number(s.insecureMoves), .number(s.ratio),
    ]
    for move in Move.allCases where move.isHorseman { fields.append(number(s.horsemen(move))) }
    fields += [number(s.repairsTried), number(s.repairsReceived), number(s.arousalStart), number(s.arousalEnd)]
    fields.append(number(s.arousalPeak))
    fields.append(.number(s.arousalPath.map(String.init).joined(separator: " ")))
    fields += [.text(s.best?.text ?? ""), number(s.best?.change), number(s.problems.count)]
    return fields
  }

  private mutating func row(_ fields: [Field]) {
    result += fields.map(Self.encode).joined(separator: ",") + "\r\n"
  }

  static func encode(_ field: Field) -> String {
    switch field {
    case .number(let value): return quoted(value)
    case .text(let value): return quoted(defused(value))
    }
  }

  /// `value` as one RFC 4180 field: quoted (with quotes doubled) when it needs to be.
  public static func quoted(_ value: String) -> String {
    let special = value.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
    guard special else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Text that a spreadsheet would read as a formula, made inert with a leading `'`.
  public static func defused(_ value: String) -> String {
    guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
    return "'" + value
  }
}
