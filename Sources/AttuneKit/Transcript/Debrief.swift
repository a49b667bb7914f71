/// One exchange, as the debrief sees it.
public struct ExchangeRecord: Sendable, Equatable {
  public var turn: Int
  /// Who said it (hot seat); the one player otherwise.
  public var player: String
  public var text: String
  public var annotation: Annotation
  public var reply: PartnerReply
}

/// The end-of-chat summary: outcome, moves, horsemen, repairs, best and worst moments, arousal path.
public struct Debrief: Sendable, Equatable {
  /// Nil when the chat never ended (a transcript cut short by a crash).
  public var outcome: Outcome?
  public var turns: Int
  public var secureMoves: Int
  public var insecureMoves: Int
  public var moveCounts: [Move: Int]
  /// Criticism, contempt, defensiveness, stonewalling.
  public var horsemen: [Move: Int]
  /// Repair and responsibility moves the user made.
  public var repairsTried: Int
  /// Those that lowered the partner's arousal, in order, with who said them.
  public var receivedRepairs: [Moment]
  public var repairsReceived: Int { receivedRepairs.count }
  public var best: Moment?
  public var worst: Moment?
  /// The partner's arousal after the opening and after each reply.
  public var arousalPath: [Int]
  public var needsMet: [String]
  public var needsUnmet: [String]
  /// The same counts for each player, in the order they first spoke (one entry per player).
  public var byPlayer: [PlayerStats]

  public struct Moment: Sendable, Equatable {
    public var turn: Int
    /// Who said it.
    public var player: String
    public var text: String
    /// Arousal change (negative for a drop).
    public var change: Int
  }

  /// One player's part of a hot-seat chat.
  public struct PlayerStats: Sendable, Equatable {
    public var name: String
    public var turns: Int
    public var secureMoves: Int
    public var insecureMoves: Int
    public var moveCounts: [Move: Int]
    public var repairsTried: Int
    public var repairsReceived: Int
    public var best: Moment?

    public var ratio: String { Debrief.ratio(secureMoves, insecureMoves) }
    public var horsemenTotal: Int { moveCounts.filter { $0.key.isHorseman }.reduce(0) { $0 + $1.value } }
  }

  /// - Parameter players: the roster of a hot seat, in order: each gets a row in `byPlayer`,
  ///   even one who never spoke (players not on it are added as they first speak).
  public init(
    outcome: Outcome?, exchanges: [ExchangeRecord], openingArousal: Int, needsMet: [String],
    needsUnmet: [String], players roster: [String] = []
  ) {
    self.outcome = outcome
    turns = exchanges.count
    var counts: [Move: Int] = [:]
    var tried = 0
    var received: [Moment] = []
    var best: Moment?
    var worst: Moment?
    var path = [openingArousal]
    var players: [PlayerStats] =
      roster.count > 1
      ? roster.map {
        PlayerStats(
          name: $0, turns: 0, secureMoves: 0, insecureMoves: 0, moveCounts: [:], repairsTried: 0,
          repairsReceived: 0, best: nil)
      } : []
    for exchange in exchanges {
      let playerIndex =
        players.firstIndex { $0.name == exchange.player }
        ?? {
          players.append(
            PlayerStats(
              name: exchange.player, turns: 0, secureMoves: 0, insecureMoves: 0, moveCounts: [:],
              repairsTried: 0, repairsReceived: 0, best: nil))
          return players.count - 1
        }()
      players[playerIndex].turns += 1
      for move in exchange.annotation.moveSet {
        counts[move, default: 0] += 1
        players[playerIndex].moveCounts[move, default: 0] += 1
        if move.isSecure {
          players[playerIndex].secureMoves += 1
        } else {
          players[playerIndex].insecureMoves += 1
        }
      }
      let change = exchange.reply.after.arousal - exchange.reply.before.arousal
      let moment = Moment(
        turn: exchange.turn, player: exchange.player, text: exchange.text, change: change)
      let repaired =
        exchange.annotation.contains(.repair) || exchange.annotation.contains(.responsibility)
      if repaired {
        tried += 1
        players[playerIndex].repairsTried += 1
        if change < 0 {
          received.append(moment)
          players[playerIndex].repairsReceived += 1
        }
      }
      if !exchange.reply.safety {
        if change < 0, change < (best?.change ?? 0) { best = moment }
        if change < 0, change < (players[playerIndex].best?.change ?? 0) {
          players[playerIndex].best = moment
        }
        if change > 0, change > (worst?.change ?? 0) { worst = moment }
      }
      path.append(exchange.reply.after.arousal)
    }
    byPlayer = players
    moveCounts = counts
    secureMoves = counts.filter { $0.key.isSecure }.reduce(0) { $0 + $1.value }
    insecureMoves = counts.filter { !$0.key.isSecure }.reduce(0) { $0 + $1.value }
    horsemen = counts.filter { $0.key.isHorseman }
    repairsTried = tried
    receivedRepairs = received
    self.best = best
    self.worst = worst
    arousalPath = path
    self.needsMet = needsMet
    self.needsUnmet = needsUnmet
  }

  /// Positive to negative moves, as "3.5:1" ("4:0" when there were no negatives).
  public var ratio: String { Self.ratio(secureMoves, insecureMoves) }

  /// Positive to negative, as "3.5:1" ("4:0" when there were no negatives).
  public static func ratio(_ secure: Int, _ insecure: Int) -> String {
    guard insecure > 0 else { return "\(secure):0" }
    let value = Double(secure) / Double(insecure)
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
        if byPlayer.count > 1 { json.field("player", moment.player) }
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
    if byPlayer.count > 1 {
      json.key("by_player")
      json.beginArray()
      for player in byPlayer {
        json.beginObject()
        json.field("player", player.name)
        json.field("turns", player.turns)
        json.field("secure_moves", player.secureMoves)
        json.field("insecure_moves", player.insecureMoves)
        json.field("ratio", player.ratio)
        json.field("repairs_tried", player.repairsTried)
        json.field("repairs_received", player.repairsReceived)
        json.key("best")
        if let best = player.best {
          json.beginObject()
          json.field("turn", best.turn)
          json.field("text", best.text)
          json.field("arousal_change", best.change)
          json.endObject()
        } else {
          json.null()
        }
        json.endObject()
      }
      json.endArray()
    }
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
    case nil: outcomeText = "unfinished — the transcript stops before the chat ended"
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
    let who = { (moment: Moment) in byPlayer.count > 1 ? "\(moment.player), " : "" }
    if let best {
      out.append(
        "  Best moment (\(who(best))turn \(best.turn), arousal \(best.change)): \"\(Self.shortened(best.text))\"")
    }
    if let worst {
      out.append(
        "  Worst moment (\(who(worst))turn \(worst.turn), arousal +\(worst.change)): \"\(Self.shortened(worst.text))\""
      )
    }
    if byPlayer.count > 1 {
      out.append("  By player:")
      for player in byPlayer {
        var line = "    \(player.name): \(player.turns) turn\(player.turns == 1 ? "" : "s")"
        if includeCoach {
          line +=
            ", \(player.secureMoves) secure, \(player.insecureMoves) insecure (ratio \(player.ratio)), repairs \(player.repairsTried) tried, \(player.repairsReceived) received"
        }
        out.append(line)
        if let best = player.best {
          out.append("      best (turn \(best.turn), arousal \(best.change)): \"\(Self.shortened(best.text))\"")
        }
      }
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

  public static func shortened(_ text: String) -> String {
    text.count > 70 ? String(text.prefix(67)) + "…" : text
  }
}
