/// One exchange, as the debrief sees it.
public struct ExchangeRecord: Sendable, Equatable {
  public var turn: Int
  public var text: String
  public var annotation: Annotation
  public var reply: PartnerReply
}

/// The end-of-chat summary: outcome, moves, horsemen, repairs, best and worst moments, arousal path.
public struct Debrief: Sendable, Equatable {
  public var outcome: Outcome
  public var turns: Int
  public var secureMoves: Int
  public var insecureMoves: Int
  public var moveCounts: [Move: Int]
  /// Criticism, contempt, defensiveness, stonewalling.
  public var horsemen: [Move: Int]
  /// Repair and responsibility moves the user made.
  public var repairsTried: Int
  /// Those that lowered the partner's arousal.
  public var repairsReceived: Int
  public var best: Moment?
  public var worst: Moment?
  /// The partner's arousal after the opening and after each reply.
  public var arousalPath: [Int]
  public var needsMet: [String]
  public var needsUnmet: [String]

  public struct Moment: Sendable, Equatable {
    public var turn: Int
    public var text: String
    /// Arousal change (negative for a drop).
    public var change: Int
  }

  public init(
    outcome: Outcome, exchanges: [ExchangeRecord], openingArousal: Int, needsMet: [String],
    needsUnmet: [String]
  ) {
    self.outcome = outcome
    turns = exchanges.count
    var counts: [Move: Int] = [:]
    var tried = 0
    var received = 0
    var best: Moment?
    var worst: Moment?
    var path = [openingArousal]
    for exchange in exchanges {
      for move in exchange.annotation.moveSet { counts[move, default: 0] += 1 }
      let change = exchange.reply.after.arousal - exchange.reply.before.arousal
      let repaired =
        exchange.annotation.contains(.repair) || exchange.annotation.contains(.responsibility)
      if repaired {
        tried += 1
        if change < 0 { received += 1 }
      }
      if !exchange.reply.safety {
        if change < 0, change < (best?.change ?? 0) {
          best = Moment(turn: exchange.turn, text: exchange.text, change: change)
        }
        if change > 0, change > (worst?.change ?? 0) {
          worst = Moment(turn: exchange.turn, text: exchange.text, change: change)
        }
      }
      path.append(exchange.reply.after.arousal)
    }
    moveCounts = counts
    secureMoves = counts.filter { $0.key.isSecure }.reduce(0) { $0 + $1.value }
    insecureMoves = counts.filter { !$0.key.isSecure }.reduce(0) { $0 + $1.value }
    horsemen = counts.filter { $0.key.isHorseman }
    repairsTried = tried
    repairsReceived = received
    self.best = best
    self.worst = worst
    arousalPath = path
    self.needsMet = needsMet
    self.needsUnmet = needsUnmet
  }

  /// Positive to negative moves, as "3.5:1" ("4:0" when there were no negatives).
  public var ratio: String {
    guard insecureMoves > 0 else { return "\(secureMoves):0" }
    let value = Double(secureMoves) / Double(insecureMoves)
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? "\(Int(rounded)):1" : "\(rounded):1"
  }

  /// The arousal path as a sparkline, 0-100 mapped onto eight block heights.
  public var sparkline: String {
    let blocks = Array("▁▂▃▄▅▆▇█")
    return String(arousalPath.map { blocks[min(7, max(0, $0 * 8 / 101))] })
  }

  public func write(to json: inout JSONWriter) {
    json.beginObject()
    json.field("secure_moves", secureMoves)
    json.field("insecure_moves", insecureMoves)
    json.field("ratio", ratio)
    json.key("moves")
    json.beginObject()
    for move in Move.allCases where (moveCounts[move] ?? 0) > 0 {
      json.field(move.id, moveCounts[move] ?? 0)
    }
    json.endObject()
    json.key("horsemen")
    json.beginObject()
    for move in Move.allCases where move.isHorseman { json.field(move.id, horsemen[move] ?? 0) }
    json.endObject()
    json.field("repairs_tried", repairsTried)
    json.field("repairs_received", repairsReceived)
    for (name, moment) in [("best", best), ("worst", worst)] {
      json.key(name)
      if let moment {
        json.beginObject()
        json.field("turn", moment.turn)
        json.field("text", moment.text)
        json.field("arousal_change", moment.change)
        json.endObject()
      } else {
        json.null()
      }
    }
    json.key("arousal")
    json.beginArray()
    for value in arousalPath { json.value(value) }
    json.endArray()
    json.key("needs_met")
    json.beginArray()
    for need in needsMet { json.value(need) }
    json.endArray()
    json.key("needs_unmet")
    json.beginArray()
    for need in needsUnmet { json.value(need) }
    json.endArray()
    json.endObject()
  }

  /// The debrief as plain text for the terminal.
  public func render(includeCoach: Bool = true, needText: (String) -> String = { $0 }) -> String {
    var out: [String] = []
    let outcomeText: String
    switch outcome {
    case .resolved: outcomeText = "resolved — what your partner needed was met and they settled"
    case .rupture: outcomeText = "rupture — your partner was flooded too long and shut down"
    case .turnLimit: outcomeText = "turn limit — the time ran out before it was settled"
    case .quit: outcomeText = "quit — you ended the chat before it was settled"
    }
    out.append("Debrief")
    out.append("  Outcome:  \(outcomeText)")
    out.append("  Turns:    \(turns)")
    if includeCoach {
      out.append(
        "  Moves:    \(secureMoves) secure, \(insecureMoves) insecure — ratio \(ratio) (Gottman's stable couples: 5:1 in conflict)"
      )
      let named = Move.allCases.filter { (moveCounts[$0] ?? 0) > 0 }.map {
        "\($0.id) \(moveCounts[$0] ?? 0)"
      }
      if !named.isEmpty { out.append("            \(named.joined(separator: ", "))") }
      let h = Move.allCases.filter(\.isHorseman).map { "\($0.id) \(horsemen[$0] ?? 0)" }
      out.append("  Horsemen: \(h.joined(separator: ", "))")
      out.append("  Repairs:  \(repairsTried) tried, \(repairsReceived) received")
    }
    if let best {
      out.append(
        "  Best moment (turn \(best.turn), arousal \(best.change)): \"\(Self.short(best.text))\"")
    }
    if let worst {
      out.append(
        "  Worst moment (turn \(worst.turn), arousal +\(worst.change)): \"\(Self.short(worst.text))\""
      )
    }
    if !needsMet.isEmpty {
      out.append("  Needs met (in your partner's words): \(needsMet.map(needText).joined(separator: "; "))")
    }
    if !needsUnmet.isEmpty {
      out.append("  Still needed (in your partner's words): \(needsUnmet.map(needText).joined(separator: "; "))")
    }
    out.append("  Arousal:  \(sparkline)  \(arousalPath.first ?? 0) → \(arousalPath.last ?? 0)")
    return out.joined(separator: "\n")
  }

  static func short(_ text: String) -> String {
    text.count > 70 ? String(text.prefix(67)) + "…" : text
  }
}
