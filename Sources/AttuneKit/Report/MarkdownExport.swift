/// One conversation as Markdown, for notes: each turn with the coach's reading (evidence in
/// bold), the antidote and the partner's answer with its meters; taken-back turns struck
/// through; then the debrief and any problems reading the transcript.
public struct MarkdownExport {
  public private(set) var result = ""
  private let document: ExportDocument
  /// Computed once: it walks every item.
  private let hotSeat: Bool

  /// Renders `document` as Markdown.
  public static func format(_ document: ExportDocument) -> String {
    var renderer = MarkdownExport(document: document)
    renderer.render()
    return renderer.result
  }

  private init(document: ExportDocument) {
    self.document = document
    hotSeat = document.isHotSeat
  }

  private mutating func line(_ text: String = "") {
    result += text + "\n"
  }

  private mutating func render() {
    let d = document
    line("# \(d.title.markdownEscaped)\(d.style.map { " — with \(article($0.id)) \($0.id) partner" } ?? "")")
    line()
    var facts: [String] = []
    if let scenario = d.scenario { facts.append("Scenario: \(d.title.markdownEscaped) (`\(scenario)`)") }
    if let style = d.style { facts.append("Style: \(style.id)") }
    if let seed = d.seed { facts.append("Seed: \(seed)") }
    let people = d.players.filter { $0.lowercased() != Anonymizer.defaultPlayer }
    if let name = d.name { facts.append("Participant: \(name.markdownEscaped)") }
    if !people.isEmpty { facts.append("\(people.count > 1 ? "Players" : "Player"): \(people.map(\.markdownEscaped).joined(separator: ", "))") }
    if let started = d.started { facts.append("Date: \(HTMLStyleSheet.date(started))") }
    facts.append("File: `\(d.file.replacingOccurrences(of: "`", with: "'"))`")
    for fact in facts { line("- \(fact)") }
    if let setup = d.setup {
      line()
      line("> \(setup.markdownEscaped)")
    }
    line()
    line("## The conversation")
    for item in d.items { render(item) }
    debrief()
    problems()
  }

  private mutating func render(_ item: ExportDocument.Item) {
    line()
    switch item {
    case .opening(let partner):
      line("**Partner** (opening): \(partner.text.markdownEscaped) \(meters(partner))")
    case .exchange(let exchange):
      exchangeBlock(exchange)
    case .pause(let minutes, let reply):
      line("*— /pause\(minutes.map { " \($0)" } ?? ""): a break of \(minutes ?? "some") minutes —*")
      if let reply {
        line()
        line("**Partner:** \(reply.text.markdownEscaped) \(meters(reply))")
      }
    case .handover(let player):
      line("*— \(player.markdownEscaped) takes the keyboard (/next) —*")
    case .command(let command):
      line("*— \(command.typed.markdownEscaped): \(Self.describe(command)) —*")
    case .partner(let partner):
      line("**Partner\(partner.safety ? " (stepping out of the role)" : ""):** \(partner.text.markdownEscaped) \(meters(partner))")
    case .end(let end):
      let outcome = ReportOutcome(end.outcome)
      line("**Ended: \(outcome.label)** — \(outcome.meaning)\(end.reason.map { " (\($0.markdownEscaped))" } ?? "").")
    }
  }

  private mutating func exchangeBlock(_ e: ExportDocument.Exchange) {
    let who = hotSeat || e.player.lowercased() != Anonymizer.defaultPlayer ? e.player.markdownEscaped : "You"
    let said = ExportDocument.segments(e.text, moves: e.annotation?.moves ?? []).map { run in
      run.moves.isEmpty ? run.text.markdownEscaped : "**\(run.text.markdownEscaped)**"
    }.joined()
    if e.takenBack {
      line("**Turn \(e.turn) — \(who)** *(taken back with /undo)*: ~~\(said)~~")
    } else {
      line("**Turn \(e.turn) — \(who):** \(said)")
    }
    if let annotation = e.annotation {
      var coach = "> coach: \(annotation.verdict.rawValue)"
      let moves = annotation.moves.map { "\($0.move.isSecure ? "+" : "−")\($0.move.label) “\($0.evidence.markdownEscaped)”" }
      if !moves.isEmpty { coach += " — " + moves.joined(separator: ", ") }
      line()
      line(coach)
      if let antidote = annotation.antidote {
        line(">")
        line("> try (\(antidote.move.label)): \(antidote.tryThis.markdownEscaped)")
      }
    } else {
      line()
      line("*(the coach's reading of this line could not be read)*")
    }
    line()
    if let reply = e.reply {
      let text = e.takenBack ? "~~\(reply.text.markdownEscaped)~~" : reply.text.markdownEscaped
      line("**Partner\(reply.safety ? " (stepping out of the role)" : ""):** \(text) \(meters(reply))")
    } else {
      line("*(no reply recorded: the transcript stops here)*")
    }
  }

  private func meters(_ partner: ExportDocument.PartnerLine) -> String {
    guard let m = partner.meters else { return "" }
    let change = partner.change.map { $0 == 0 ? "" : " (\(signed($0)))" } ?? ""
    return "*[arousal \(m.arousal)\(change), \(m.band.rawValue); trust \(m.trust)]*"
  }

  private mutating func debrief() {
    let d = document.debrief
    line()
    line("## Debrief")
    line()
    let outcome = ReportOutcome(d.outcome)
    line("- Outcome: **\(outcome.label)** — \(outcome.meaning)")
    line("- Turns: \(d.turns)")
    line("- Moves: \(d.secureMoves) secure, \(d.insecureMoves) insecure — ratio \(d.ratio) (Gottman's stable couples: about 5:1 in conflict)")
    let named = Move.allCases.filter { (d.moveCounts[$0] ?? 0) > 0 }.map { "\($0.isSecure ? "+" : "−")\($0.label) \(d.moveCounts[$0] ?? 0)" }
    if !named.isEmpty { line("- Each move: \(named.joined(separator: ", "))") }
    line("- Four Horsemen: \(Move.allCases.filter(\.isHorseman).map { "\($0.label) \(d.horsemen[$0] ?? 0)" }.joined(separator: ", "))")
    line("- Repairs: \(d.repairsTried) tried, \(d.repairsReceived) received")
    let hotSeat = d.byPlayer.count > 1
    if let best = d.best {
      line("- Best moment (\(hotSeat ? "\(best.player.markdownEscaped), " : "")turn \(best.turn), arousal \(signed(best.change))): “\(best.text.markdownEscaped)”")
    }
    if let worst = d.worst {
      line("- Worst moment (\(hotSeat ? "\(worst.player.markdownEscaped), " : "")turn \(worst.turn), arousal \(signed(worst.change))): “\(worst.text.markdownEscaped)”")
    }
    if !d.needsMet.isEmpty {
      line("- Needs met (in the partner's words): \(d.needsMet.map { (document.needTexts[$0] ?? $0).markdownEscaped }.joined(separator: "; "))")
    }
    if !d.needsUnmet.isEmpty {
      line("- Still needed: \(d.needsUnmet.map { (document.needTexts[$0] ?? $0).markdownEscaped }.joined(separator: "; "))")
    }
    let window = document.window.map { " (calm below \($0.calmBelow), flooded from \($0.floodedAt))" } ?? ""
    line("- Arousal: `\(d.arousalPath.map(String.init).joined(separator: " "))` \(d.sparkline)\(window)")
    if hotSeat {
      line()
      line("| player | turns | secure | insecure | ratio | repairs tried | repairs received |")
      line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
      for p in d.byPlayer {
        line("| \(p.name.markdownEscaped) | \(p.turns) | \(p.secureMoves) | \(p.insecureMoves) | \(p.ratio) | \(p.repairsTried) | \(p.repairsReceived) |")
      }
    }
  }

  private mutating func problems() {
    guard !document.issues.isEmpty else { return }
    line()
    line("## Problems reading this transcript")
    line()
    line("What could be read is shown above; these lines were stepped over or are missing.")
    line()
    for issue in document.issues {
      var shown = issue
      shown.path = document.file
      line("- `\(shown.description.replacingOccurrences(of: "`", with: "'"))`")
    }
  }

  /// What a command that leaves no trace did.
  static func describe(_ command: SavedCommand) -> String {
    switch command.name {
    case "hint": return "asked for a hint"
    case "why": return "asked why the partner answered so"
    case "state": return "looked at the partner's meters"
    case "end": return "ended the chat"
    case "quit": return "quit the chat"
    default: return "a command"
    }
  }

  private func article(_ word: String) -> String {
    word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
  }
}
