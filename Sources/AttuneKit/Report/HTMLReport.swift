/// A group report as one self-contained HTML page, for a projector and for a phone: outcomes by
/// partner style at a glance, the room's best repair lines and commonest insecure moves, then a
/// card per transcript with its figures, arousal chart and move bars.
///
/// Every piece of user text is escaped; the page has no scripts and fetches nothing.
public struct HTMLReport {
  public private(set) var result = ""
  private let report: GroupReport

  /// Renders `report` as an HTML page.
  public static func format(_ report: GroupReport) -> String {
    var renderer = HTMLReport(report: report)
    renderer.render()
    return renderer.result
  }

  private init(report: GroupReport) {
    self.report = report
  }

  private mutating func render() {
    result += HTMLStyleSheet.head(title: "Attune workshop report")
    header()
    outcomes()
    room()
    participants()
    notes()
    result +=
      "<footer class=\"page\"><p>Made with \(report.generator.htmlEscaped) from the transcripts alone. "
      + "Arousal is the simulated partner's, 0–100. Ratio is secure to insecure moves; "
      + "Gottman's stable couples show about 5:1 in conflict.</p></footer>\n"
    result += HTMLStyleSheet.tail
  }

  private mutating func header() {
    let count = report.sessions.count
    var facts = [
      plural(count, "transcript"), plural(report.participantCount, "participant"),
      plural(report.sessions.reduce(0) { $0 + $1.turns }, "reply", "replies"),
    ]
    if !report.skipped.isEmpty { facts.append("\(plural(report.skipped.count, "file")) skipped") }
    if report.sessionsWithProblems > 0 {
      facts.append("\(plural(report.sessionsWithProblems, "transcript")) read with problems")
    }
    result += "<header>\n<h1>Workshop report</h1>\n"
    result += "<p class=\"lede\">\(facts.joined(separator: " · "))</p>\n"
    if report.anonymous {
      result += "<p class=\"muted\">Anonymous: participants are shown as P1, P2, … and their names are replaced in what they wrote.</p>\n"
    }
    result += "</header>\n"
  }

  // MARK: - Outcomes by style

  private mutating func outcomes() {
    result += "<section aria-labelledby=\"outcomes\">\n<h2 id=\"outcomes\">Outcomes by partner style</h2>\n"
    result += "<div class=\"cards tiles\">\n"
    for group in report.outcomesByStyle {
      let title = group.style.map { "\($0.id.capitalized) partner" } ?? "Unknown style"
      result += "<article class=\"card\">\n<h3>\(title)</h3>\n"
      let parts = ReportOutcome.allCases.compactMap { outcome in
        group.counts[outcome].map { "\($0) \(outcome.label)" }
      }
      result += "<p>\(plural(group.total, "chat")): \(parts.joined(separator: ", "))</p>\n"
      result += "<div class=\"stack\" aria-hidden=\"true\">"
      for outcome in ReportOutcome.allCases {
        if let n = group.counts[outcome] { result += "<span class=\"o-\(outcome.id)\" style=\"flex:\(n)\"></span>" }
      }
      result += "</div>\n<ul class=\"chips\">\n"
      for index in group.sessions {
        let session = report.sessions[index]
        result +=
          "<li class=\"chip o-\(session.outcome.id)\" title=\"\(session.outcome.label): \(session.title.htmlEscaped)\">"
          + "<span aria-hidden=\"true\">\(session.outcome.glyph)</span> "
          + "<a href=\"#t\(index + 1)\" style=\"color:inherit\">\(session.title.htmlEscaped)</a>"
          + "<span class=\"muted\" style=\"font-weight:400\"> \(session.outcome.label)</span></li>\n"
      }
      result += "</ul>\n</article>\n"
    }
    result += "</div>\n"
    let key = ReportOutcome.allCases.map { "\($0.glyph) \($0.label): \($0.meaning)" }
    result += "<p class=\"legend\">\(key.joined(separator: " · ").htmlEscaped)</p>\n</section>\n"
  }

  // MARK: - The room

  private mutating func room() {
    result += "<section aria-labelledby=\"room\">\n<h2 id=\"room\">The room</h2>\n<div class=\"cards wide\">\n"
    result += "<div>\n<h3>Best repair lines</h3>\n"
    result += "<p class=\"meta\">The repair or responsibility lines that calmed the partner most.</p>\n"
    if report.bestRepairs.isEmpty {
      result += "<p class=\"muted\">No repair lowered the partner's arousal.</p>\n"
    }
    for line in report.bestRepairs {
      var context = [line.who, "turn \(line.turn)"]
      if let scenario = line.scenario { context.insert(title(scenario), at: 1) }
      if let style = line.style { context.insert("\(style.id) partner", at: 2) }
      result += "<blockquote><p>“\(line.text.htmlEscaped)”</p>"
      result +=
        "<footer>— \(context.joined(separator: " · ").htmlEscaped) · <strong>arousal \(signed(line.change))</strong></footer></blockquote>\n"
    }
    result += "</div>\n<div>\n<h3>Most common insecure moves</h3>\n"
    result += "<p class=\"meta\">Counted in replies; each with its antidote, the secure move that answers it.</p>\n"
    if report.commonInsecureMoves.isEmpty {
      result += "<p class=\"muted\">No insecure moves.</p>\n"
    } else {
      result += "<ol class=\"moves\">\n"
      for common in report.commonInsecureMoves {
        result +=
          "<li><strong>\(common.move.label)</strong> — \(plural(common.replies, "reply", "replies")) in \(plural(common.transcripts, "chat"))"
        if let antidote = common.antidote { result += "<br>Antidote: <strong>\(antidote.label)</strong>" }
        if let why = common.why, !why.isEmpty { result += ". <span class=\"muted\">\(why.htmlEscaped)</span>" }
        if let tryThis = common.tryThis, !tryThis.isEmpty {
          result += "<span class=\"try\">Try: \(tryThis.htmlEscaped)</span>"
        }
        result += "</li>\n"
      }
      result += "</ol>\n"
    }
    result += "</div>\n</div>\n</section>\n"
  }

  // MARK: - Participants

  private mutating func participants() {
    result += "<section aria-labelledby=\"people\">\n<h2 id=\"people\">Transcripts</h2>\n"
    result +=
      "<p class=\"legend\">Charts: the partner's arousal after the opening (0) and after each reply; the shaded bands are the style's window of tolerance, calm below and flooded above (hatched). "
      + "Bars: replies showing each move, <span class=\"sign\" style=\"color:var(--sec)\">+</span>secure (solid) and <span class=\"sign\" style=\"color:var(--ins)\">−</span>insecure (hatched).</p>\n"
    result += "<div class=\"cards\">\n"
    for (index, session) in report.sessions.enumerated() {
      card(session, number: index + 1)
    }
    result += "</div>\n</section>\n"
  }

  private mutating func card(_ session: GroupReport.Session, number: Int) {
    result += "<article class=\"card\" id=\"t\(number)\">\n<header><h3>\(session.title.htmlEscaped)</h3>"
    result += HTMLStyleSheet.badge(session.outcome) + "</header>\n"
    var meta: [String] = []
    if let scenario = session.scenario { meta.append(session.scenarioTitle ?? scenario) }
    if let style = session.style { meta.append("\(style.id) partner") }
    if let seed = session.seed { meta.append("seed \(seed)") }
    if let started = session.started { meta.append(HTMLStyleSheet.date(started)) }
    if session.participant != nil { meta.append(session.file) }
    if session.scenario == nil { meta.append("session line unreadable") }
    result += "<p class=\"meta\">\(meta.joined(separator: " · ").htmlEscaped)</p>\n"
    result += HTMLStyleSheet.stats([
      ("turns", "\(session.turns)"), ("ratio", session.ratio), ("secure", "\(session.secureMoves)"),
      ("insecure", "\(session.insecureMoves)"), ("repairs tried", "\(session.repairsTried)"),
      ("repairs received", "\(session.repairsReceived)"), ("horsemen", "\(session.horsemenTotal)"),
    ])
    let horsemen = Move.allCases.filter(\.isHorseman).map { "\($0.label) \(session.horsemen($0))" }
    result += "<p class=\"meta\">Four Horsemen: \(horsemen.joined(separator: " · "))</p>\n"
    result += SVGChart.arousal(session.arousalPath, window: session.window, speakers: session.arousalSpeakers, id: "c\(number)")
    result += "\n"
    if !session.byPlayer.isEmpty {
      let legend = session.byPlayer.enumerated().map {
        SVGChart.legendMarker(SVGChart.shapeName($0.offset)) + " " + $0.element.name.htmlEscaped
      }
      result += "<p class=\"legend\">Points by who spoke: \(legend.joined(separator: " &nbsp; "))</p>\n"
    }
    result += HTMLStyleSheet.bars(session.moveCounts, scale: report.largestMoveCount)
    if !session.byPlayer.isEmpty { players(session.byPlayer) }
    if let best = session.best {
      let who = session.byPlayer.isEmpty ? "" : "\(best.player), "
      result +=
        "<p class=\"meta\">Best moment (\(who.htmlEscaped)turn \(best.turn), arousal \(signed(best.change))): “\(best.text.htmlEscaped)”</p>\n"
    }
    if !session.problems.isEmpty {
      result += "<details><summary>\(plural(session.problems.count, "problem")) reading this file</summary><ul>\n"
      for problem in session.problems { result += "<li><code>\(problem.htmlEscaped)</code></li>\n" }
      result += "</ul></details>\n"
    }
    result += "</article>\n"
  }

  private mutating func players(_ rows: [GroupReport.PlayerRow]) {
    result += "<h4>By player</h4>\n" + HTMLStyleSheet.playerTable(rows.map {
      (name: $0.name, turns: $0.turns, secure: $0.secureMoves, insecure: $0.insecureMoves, ratio: $0.ratio,
       horsemen: $0.horsemenTotal, tried: $0.repairsTried, received: $0.repairsReceived)
    })
  }

  // MARK: - Notes

  private mutating func notes() {
    let noted = report.sessions.filter { !$0.notes.isEmpty }
    guard !noted.isEmpty || !report.skipped.isEmpty else { return }
    result += "<section aria-labelledby=\"notes\">\n<h2 id=\"notes\">Notes</h2>\n"
    if !report.skipped.isEmpty {
      result += "<p>\(plural(report.skipped.count, "file")) skipped: not readable as a transcript.</p>\n"
      if report.anonymous {
        result += "<p class=\"meta\">File names are not shown in an anonymous report; attune printed them on standard error.</p>\n"
      } else {
        result += "<ul>\n"
        for file in report.skipped {
          result += "<li><code>\(file.fileName.htmlEscaped)</code>: \(file.reason.htmlEscaped)</li>\n"
        }
        result += "</ul>\n"
      }
    }
    if !noted.isEmpty {
      result += "<p>Unfinished transcripts are reported up to their last complete line:</p>\n<ul class=\"meta\">\n"
      for session in noted {
        for note in session.notes { result += "<li><code>\(note.htmlEscaped)</code></li>\n" }
      }
      result += "</ul>\n"
    }
    result += "</section>\n"
  }

  // MARK: - Helpers

  private func title(_ scenario: String) -> String {
    report.sessions.first { $0.scenario == scenario }?.scenarioTitle ?? scenario
  }
}

/// "1 chat", "3 chats".
func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
  "\(count) \(count == 1 ? singular : pluralForm ?? singular + "s")"
}

/// "−16", "+12", "0" with a true minus sign.
func signed(_ value: Int) -> String {
  value < 0 ? "−\(-value)" : value > 0 ? "+\(value)" : "0"
}
