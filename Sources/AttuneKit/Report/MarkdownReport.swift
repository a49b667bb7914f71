/// A group report as Markdown tables, for pasting into notes.
public struct MarkdownReport {
  public private(set) var result = ""
  private let report: GroupReport

  /// Renders `report` as Markdown.
  public static func format(_ report: GroupReport) -> String {
    var renderer = MarkdownReport(report: report)
    renderer.render()
    return renderer.result
  }

  private init(report: GroupReport) {
    self.report = report
  }

  private mutating func line(_ text: String = "") {
    result += text + "\n"
  }

  private mutating func render() {
    line("# Workshop report")
    line()
    var facts = [
      plural(report.sessions.count, "transcript"), plural(report.participantCount, "participant"),
      plural(report.sessions.reduce(0) { $0 + $1.turns }, "reply", "replies"),
    ]
    if !report.skipped.isEmpty { facts.append("\(plural(report.skipped.count, "file")) skipped") }
    if report.sessionsWithProblems > 0 {
      facts.append("\(plural(report.sessionsWithProblems, "transcript")) read with problems")
    }
    line(facts.joined(separator: " · ") + ".")
    if report.anonymous {
      line()
      line("Anonymous: participants are shown as P1, P2, … and their names are replaced in what they wrote.")
    }
    outcomes()
    room()
    transcripts()
    players()
    arousal()
    problems()
    notes()
    line()
    line(
      "Made with \(report.generator.markdownEscaped) from the transcripts alone. Arousal is the simulated partner's, 0–100. "
        + "Ratio is secure to insecure moves; Gottman's stable couples show about 5:1 in conflict.")
  }

  private mutating func outcomes() {
    line()
    line("## Outcomes by partner style")
    line()
    line("| style | chats | " + ReportOutcome.allCases.map(\.label).joined(separator: " | ") + " |")
    line("| --- | ---: | " + ReportOutcome.allCases.map { _ in "---:" }.joined(separator: " | ") + " |")
    for group in report.outcomesByStyle {
      let counts = ReportOutcome.allCases.map { String(group.counts[$0] ?? 0) }
      line("| \(group.style?.id ?? "unknown") | \(group.total) | \(counts.joined(separator: " | ")) |")
    }
  }

  private mutating func room() {
    line()
    line("## Best repair lines")
    line()
    if report.bestRepairs.isEmpty { line("No repair lowered the partner's arousal.") }
    for (index, repair) in report.bestRepairs.enumerated() {
      var context = [repair.who.markdownEscaped, "turn \(repair.turn)"]
      if let scenario = repair.scenario { context.insert(scenario.markdownEscaped, at: 1) }
      if let style = repair.style { context.insert("\(style.id) partner", at: 2) }
      line("\(index + 1). “\(repair.text.markdownEscaped)” — \(context.joined(separator: ", ")); arousal \(signed(repair.change))")
    }
    line()
    line("## Most common insecure moves")
    line()
    if report.commonInsecureMoves.isEmpty {
      line("No insecure moves.")
      return
    }
    line("| move | replies | chats | antidote | try |")
    line("| --- | ---: | ---: | --- | --- |")
    for common in report.commonInsecureMoves {
      line(
        "| \(common.move.label) | \(common.replies) | \(common.transcripts) | \(common.antidote?.label ?? "") | \((common.tryThis ?? "").markdownEscaped) |"
      )
    }
  }

  private mutating func transcripts() {
    line()
    line("## Transcripts")
    line()
    line(
      "| # | participant | file | scenario | style | seed | outcome | turns | secure | insecure | ratio | criticism | contempt | defensiveness | stonewalling | repairs tried | repairs received | arousal |"
    )
    line("| ---: | --- | --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for (index, s) in report.sessions.enumerated() {
      let horsemen = Move.allCases.filter(\.isHorseman).map { String(s.horsemen($0)) }
      let arousal = s.arousalPath.isEmpty ? "" : "\(s.arousalStart ?? 0) → \(s.arousalEnd ?? 0) (peak \(s.arousalPeak ?? 0))"
      let cells = [
        String(index + 1), (s.participant ?? "—").markdownEscaped, s.file.markdownEscaped, (s.scenario ?? "?").markdownEscaped,
        s.style?.id ?? "?", s.seed.map(String.init) ?? "", s.outcome.label, String(s.turns), String(s.secureMoves),
        String(s.insecureMoves), s.ratio,
      ] + horsemen + [String(s.repairsTried), String(s.repairsReceived), arousal]
      line("| " + cells.joined(separator: " | ") + " |")
    }
  }

  private mutating func players() {
    let hotSeats = report.sessions.enumerated().filter { !$0.element.byPlayer.isEmpty }
    guard !hotSeats.isEmpty else { return }
    line()
    line("## Hot seat, by player")
    line()
    line("| # | player | turns | secure | insecure | ratio | horsemen | repairs tried | repairs received |")
    line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (index, session) in hotSeats {
      for row in session.byPlayer {
        line(
          "| \(index + 1) | \(row.name.markdownEscaped) | \(row.turns) | \(row.secureMoves) | \(row.insecureMoves) | \(row.ratio) | \(row.horsemenTotal) | \(row.repairsTried) | \(row.repairsReceived) |"
        )
      }
    }
  }

  private mutating func arousal() {
    line()
    line("## Arousal paths")
    line()
    line("The partner's arousal after the opening and after each reply (0–100).")
    line()
    for (index, s) in report.sessions.enumerated() {
      let window = s.window.map { " (calm below \($0.calmBelow), flooded from \($0.floodedAt))" } ?? ""
      let file = s.participant == nil ? "" : " (\(s.file.markdownEscaped))"
      line(
        "\(index + 1). \(s.title.markdownEscaped)\(file): `\(s.arousalPath.map(String.init).joined(separator: " "))` \(sparkline(s.arousalPath))\(window)"
      )
    }
  }

  private mutating func problems() {
    let damaged = report.sessions.filter { !$0.problems.isEmpty }
    guard !damaged.isEmpty else { return }
    line()
    line("## Problems reading transcripts")
    line()
    line("These transcripts are included up to what could be read.")
    line()
    for session in damaged {
      for problem in session.problems { line("- `\(problem.replacingOccurrences(of: "`", with: "'"))`") }
    }
  }

  private mutating func notes() {
    let noted = report.sessions.filter { !$0.notes.isEmpty }
    guard !noted.isEmpty || !report.skipped.isEmpty else { return }
    line()
    line("## Notes")
    line()
    if !report.skipped.isEmpty {
      if report.anonymous {
        line("- \(plural(report.skipped.count, "file")) skipped: not readable as a transcript (names not shown in an anonymous report).")
      } else {
        for file in report.skipped { line("- Skipped `\(file.fileName.replacingOccurrences(of: "`", with: "'"))`: \(file.reason.markdownEscaped)") }
      }
    }
    for session in noted {
      for note in session.notes { line("- `\(note.replacingOccurrences(of: "`", with: "'"))`") }
    }
  }

  private func sparkline(_ path: [Int]) -> String {
    let blocks = Array("▁▂▃▄▅▆▇█")
    return String(path.map { blocks[min(7, max(0, $0 * 8 / 101))] })
  }
}
