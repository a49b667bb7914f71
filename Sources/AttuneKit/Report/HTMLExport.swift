/// One conversation as a self-contained HTML handout: readable on a phone and a projector, and
/// print-friendly. Evidence words are marked in each line (secure underlined, insecure dashed);
/// taken-back turns are struck through and labelled; the debrief ends with the arousal chart.
public struct HTMLExport {
  public private(set) var result = ""
  private let document: ExportDocument
  /// Computed once: it walks every item.
  private let hotSeat: Bool

  /// Renders `document` as an HTML page.
  public static func format(_ document: ExportDocument) -> String {
    var renderer = HTMLExport(document: document)
    renderer.render()
    return renderer.result
  }

  private init(document: ExportDocument) {
    self.document = document
    hotSeat = document.isHotSeat
  }

  private mutating func render() {
    let d = document
    let style = d.style.map { " — with \(article($0.id)) \($0.id) partner" } ?? ""
    result += HTMLStyleSheet.head(title: d.title + style, narrow: true)
    result += "<header>\n<h1>\(d.title.htmlEscaped)<span class=\"muted\">\(style.htmlEscaped)</span></h1>\n"
    var facts: [String] = []
    if let scenario = d.scenario { facts.append("scenario <code>\(scenario.htmlEscaped)</code>") }
    if let seed = d.seed { facts.append("seed \(seed)") }
    if let name = d.name { facts.append("participant \(name.htmlEscaped)") }
    let people = d.players.filter { $0.lowercased() != Anonymizer.defaultPlayer }
    if !people.isEmpty {
      facts.append("\(people.count > 1 ? "players" : "player") \(people.map(\.htmlEscaped).joined(separator: ", "))")
    }
    if let started = d.started { facts.append(HTMLStyleSheet.date(started).htmlEscaped) }
    facts.append("<code>\(d.file.htmlEscaped)</code>")
    result += "<p class=\"meta\">\(facts.joined(separator: " · "))</p>\n"
    if let setup = d.setup { result += "<p class=\"lede\">\(setup.htmlEscaped)</p>\n" }
    result += "</header>\n"
    if !d.issues.isEmpty {
      result +=
        "<p class=\"note\">This transcript could not be read in full: see <a href=\"#problems\">Problems reading this transcript</a>.</p>\n"
    }
    result += "<section aria-labelledby=\"talk\">\n<h2 id=\"talk\">The conversation</h2>\n"
    result +=
      "<p class=\"legend\">Marked words are the coach's evidence: <mark class=\"sec\">secure</mark> (solid underline) and <mark class=\"ins\">insecure</mark> (dashed). "
      + "Meters are the partner's after each line: arousal 0–100 with its band, and trust.</p>\n"
    for item in d.items { render(item) }
    result += "</section>\n"
    debrief()
    problems()
    result += "<footer class=\"page\"><p>Exported by \((d.engine ?? "attune").htmlEscaped) from the transcript alone.</p></footer>\n"
    result += HTMLStyleSheet.tail
  }

  private mutating func render(_ item: ExportDocument.Item) {
    switch item {
    case .opening(let partner):
      result += "<div class=\"turn\"><div class=\"who\">Partner <span class=\"muted\">(opening)</span></div>"
      result += "<p class=\"said\">\(partner.text.htmlEscaped)</p>\(meters(partner))</div>\n"
    case .exchange(let exchange):
      exchangeBlock(exchange)
    case .pause(let minutes, let reply):
      result += "<div class=\"turn\"><p class=\"note\">/pause\(minutes.map { " \($0.htmlEscaped)" } ?? ""): a break of \((minutes ?? "some").htmlEscaped) minutes</p>"
      if let reply { result += partnerBlock(reply, struck: false) }
      result += "</div>\n"
    case .handover(let player):
      result += "<p class=\"note\">\(player.htmlEscaped) takes the keyboard (/next)</p>\n"
    case .command(let command):
      result += "<p class=\"note\">\(command.typed.htmlEscaped): \(MarkdownExport.describe(command))</p>\n"
    case .partner(let partner):
      result += "<div class=\"turn\">\(partnerBlock(partner, struck: false))</div>\n"
    case .end(let end):
      let outcome = ReportOutcome(end.outcome)
      result +=
        "<p>\(HTMLStyleSheet.badge(outcome)) <span class=\"muted\">\(outcome.meaning.htmlEscaped)\(end.reason.map { " (\($0.htmlEscaped))" } ?? "")</span></p>\n"
    }
  }

  private mutating func exchangeBlock(_ e: ExportDocument.Exchange) {
    let who = hotSeat || e.player.lowercased() != Anonymizer.defaultPlayer ? e.player : "You"
    result += "<div class=\"turn\(e.takenBack ? " undone" : "")\">"
    result += "<div class=\"who\">Turn \(e.turn) · \(who.htmlEscaped)"
    if e.takenBack { result += "<span class=\"tag\">taken back with /undo</span>" }
    result += "</div>\n"
    var said = ""
    for run in ExportDocument.segments(e.text, moves: e.annotation?.moves ?? []) {
      if run.moves.isEmpty {
        said += run.text.htmlEscaped
      } else {
        let insecure = run.moves.contains { !$0.isSecure }
        let names = run.moves.map(\.label).joined(separator: ", ")
        said += "<mark class=\"\(insecure ? "ins" : "sec")\" title=\"\(names)\">\(run.text.htmlEscaped)</mark>"
      }
    }
    result += "<p class=\"said\">\(e.takenBack ? "<del>\(said)</del>" : said)</p>\n"
    if let annotation = e.annotation {
      result += "<div class=\"coach\"><span class=\"verdict v-\(annotation.verdict.rawValue)\">\(annotation.verdict.rawValue)</span>"
      if !annotation.moves.isEmpty {
        result += "<ul>"
        for match in annotation.moves {
          let kind = match.move.isSecure ? "sec" : "ins"
          result +=
            "<li class=\"\(kind)\"><span class=\"sign\">\(match.move.isSecure ? "+" : "−")</span><strong>\(match.move.label)</strong>: “\(match.evidence.htmlEscaped)”</li>"
        }
        result += "</ul>"
      }
      if let antidote = annotation.antidote {
        result += "<p><strong>Try</strong> (\(antidote.move.label)): \(antidote.tryThis.htmlEscaped)</p>"
      }
      result += "</div>\n"
    } else {
      result += "<p class=\"note\">The coach's reading of this line could not be read.</p>\n"
    }
    if let reply = e.reply {
      result += partnerBlock(reply, struck: e.takenBack)
    } else {
      result += "<p class=\"note\">No reply recorded: the transcript stops here.</p>"
    }
    result += "</div>\n"
  }

  private func partnerBlock(_ partner: ExportDocument.PartnerLine, struck: Bool) -> String {
    let text = struck ? "<del>\(partner.text.htmlEscaped)</del>" : partner.text.htmlEscaped
    let role = partner.safety ? " <span class=\"tag\">stepping out of the role</span>" : ""
    return "<div class=\"partner\"><span class=\"who\">Partner\(role):</span> \(text) \(meters(partner))</div>"
  }

  private func meters(_ partner: ExportDocument.PartnerLine) -> String {
    guard let m = partner.meters else { return "" }
    let change = partner.change.map { $0 == 0 ? "" : " (\(signed($0)))" } ?? ""
    return "<span class=\"meters\">arousal \(m.arousal)\(change) · \(m.band.rawValue) · trust \(m.trust)</span>"
  }

  private mutating func debrief() {
    let d = document.debrief
    result += "<section aria-labelledby=\"debrief\">\n<h2 id=\"debrief\">Debrief</h2>\n"
    result += "<p>\(HTMLStyleSheet.badge(ReportOutcome(d.outcome))) <span class=\"muted\">\(ReportOutcome(d.outcome).meaning.htmlEscaped)</span></p>\n"
    let horsemen = Move.allCases.filter(\.isHorseman).reduce(0) { $0 + (d.horsemen[$1] ?? 0) }
    result += HTMLStyleSheet.stats([
      ("turns", "\(d.turns)"), ("ratio", d.ratio), ("secure", "\(d.secureMoves)"), ("insecure", "\(d.insecureMoves)"),
      ("repairs tried", "\(d.repairsTried)"), ("repairs received", "\(d.repairsReceived)"), ("horsemen", "\(horsemen)"),
    ])
    result += "<p class=\"meta\">Ratio: secure to insecure moves; Gottman's stable couples show about 5:1 in conflict. Four Horsemen: "
    result += Move.allCases.filter(\.isHorseman).map { "\($0.label) \(d.horsemen[$0] ?? 0)" }.joined(separator: " · ") + ".</p>\n"
    result += "<div class=\"cards half\">\n<div>\n<h4>The partner's arousal</h4>\n"
    let speakers = document.items.compactMap { item -> String? in
      if case .exchange(let e) = item, !e.takenBack, e.reply != nil { return e.player }
      return nil
    }
    result += SVGChart.arousal(d.arousalPath, window: document.window, speakers: speakers, id: "arousal")
    result += "\n"
    if let window = document.window {
      result +=
        "<p class=\"legend\">Shaded: the partner's window of tolerance for this style, calm below \(window.calmBelow) and flooded from \(window.floodedAt) (hatched).</p>\n"
    }
    if d.byPlayer.count > 1 {
      let legend = d.byPlayer.enumerated().map {
        SVGChart.legendMarker(SVGChart.shapeName($0.offset)) + " " + $0.element.name.htmlEscaped
      }
      result += "<p class=\"legend\">Points by who spoke: \(legend.joined(separator: " &nbsp; "))</p>\n"
    }
    result += "</div>\n<div>\n<h4>Moves</h4>\n"
    result += HTMLStyleSheet.bars(d.moveCounts, scale: d.moveCounts.values.max() ?? 1)
    result += "</div>\n</div>\n"
    let hotSeat = d.byPlayer.count > 1
    for (label, moment) in [("Best moment", d.best), ("Worst moment", d.worst)] {
      guard let moment else { continue }
      let who = hotSeat ? "\(moment.player), " : ""
      result +=
        "<blockquote\(moment.change > 0 ? " style=\"border-left-color:var(--ins)\"" : "")><p>“\(moment.text.htmlEscaped)”</p><footer>\(label) — \(who.htmlEscaped)turn \(moment.turn), arousal \(signed(moment.change))</footer></blockquote>\n"
    }
    if !d.needsMet.isEmpty {
      result += "<p><strong>Needs met</strong> (in the partner's words): \(d.needsMet.map { (document.needTexts[$0] ?? $0).htmlEscaped }.joined(separator: "; "))</p>\n"
    }
    if !d.needsUnmet.isEmpty {
      result += "<p><strong>Still needed:</strong> \(d.needsUnmet.map { (document.needTexts[$0] ?? $0).htmlEscaped }.joined(separator: "; "))</p>\n"
    }
    if hotSeat {
      let horsemen = { (counts: [Move: Int]) in counts.filter { $0.key.isHorseman }.reduce(0) { $0 + $1.value } }
      result += "<h4>By player</h4>\n" + HTMLStyleSheet.playerTable(d.byPlayer.map {
        (name: $0.name, turns: $0.turns, secure: $0.secureMoves, insecure: $0.insecureMoves, ratio: $0.ratio,
         horsemen: horsemen($0.moveCounts), tried: $0.repairsTried, received: $0.repairsReceived)
      })
    }
    result += "</section>\n"
  }

  private mutating func problems() {
    guard !document.issues.isEmpty else { return }
    result += "<section aria-labelledby=\"problems\">\n<h2 id=\"problems\">Problems reading this transcript</h2>\n"
    result += "<p>What could be read is shown above; these lines were stepped over or are missing.</p>\n<ul>\n"
    for issue in document.issues {
      var shown = issue
      shown.path = document.file
      result += "<li><code>\(shown.description.htmlEscaped)</code></li>\n"
    }
    result += "</ul>\n</section>\n"
  }

  private func article(_ word: String) -> String {
    word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
  }
}
