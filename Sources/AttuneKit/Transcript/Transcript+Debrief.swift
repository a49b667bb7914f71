/// The exchanges that stood at the end of a chat, as its own debrief saw them.
public struct Conversation: Sendable, Equatable {
  /// Each user line with the partner's answer and the meters before and after it, undone turns
  /// taken out.
  public var exchanges: [ExchangeRecord]
  /// The partner's arousal after the opening line (the first point of the arousal path).
  public var openingArousal: Int
}

extension Transcript {
  /// The exchanges that stood at the end (see `conversation`).
  public var exchanges: [ExchangeRecord] {
    conversation.exchanges
  }

  /// The debrief, rebuilt from the events alone (so it works for a transcript cut short too).
  /// Needs met come from the end line, which is the only place they are saved. Pass the
  /// conversation when it is already at hand, so the events are not walked twice.
  public func debrief(of conversation: Conversation? = nil) -> Debrief {
    let conversation = conversation ?? self.conversation
    let end = end
    return Debrief(
      outcome: end?.outcome, exchanges: conversation.exchanges,
      openingArousal: conversation.openingArousal, needsMet: end?.needsMet ?? [],
      needsUnmet: end?.needsUnmet ?? [], players: header?.players ?? [])
  }

  /// The chat as it stood at the end: the events walked once, `/undo` applied.
  public var conversation: Conversation {
    var current: Meters?
    var opening: Int?
    var pending: (line: SavedUserLine, before: Meters?)?
    var done: [(record: ExchangeRecord, before: Meters?)] = []
    for record in records {
      switch record.event {
      case .partner(let partner):
        if let user = pending, user.line.turn == partner.turn {
          let after = partner.state ?? user.before ?? Self.unknownMeters
          let before = user.before ?? after
          let reply = PartnerReply(
            text: partner.text, rule: partner.rule, fallback: partner.fallback, answered: nil,
            before: before, after: after, metNow: [], outcome: nil, safety: partner.isSafety,
            cues: [])
          let annotation =
            user.line.annotation
            ?? Annotation(text: user.line.text, verdict: .neutral, moves: [], signals: [], antidote: nil)
          done.append(
            (
              ExchangeRecord(
                turn: user.line.turn, player: user.line.player, text: user.line.text,
                annotation: annotation, reply: reply), user.before
            ))
          pending = nil
        } else if opening == nil, partner.turn == 0, done.isEmpty {
          opening = partner.state?.arousal
        }
        if let state = partner.state { current = state }
      case .user(let user):
        pending = (user, current)
      case .command(let command):
        if command.name == "undo", let last = done.popLast() {
          current = last.before ?? current
        }
      case .end:
        break
      }
    }
    return Conversation(
      exchanges: done.map(\.record),
      openingArousal: opening ?? done.first?.record.reply.before.arousal ?? 0)
  }

  private static let unknownMeters = Meters(arousal: 0, trust: 0, band: .calm)
}
