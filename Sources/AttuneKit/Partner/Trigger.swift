/// Things the partner notices in a line that the coach does not classify.
///
/// The detectors are fixed kinds; their word lists live in `Resources/partner/cues.yaml`.
public enum Cue: String, CaseIterable, Sendable, Hashable {
  /// Violence, abuse or self-harm: the partner steps out of the role.
  case safety
  /// "are you a bot?"
  case bot
  /// Keyboard mash, no recognisable words.
  case gibberish
  /// Another language.
  case foreign
  /// Only emoji or symbols.
  case emoji
  /// Only dots or punctuation: "...".
  case silence
  /// "ok", "sure", "fine" on its own.
  case ack
  /// The same line as one of the user's last few.
  case `repeat`
  /// Shouting: capitals or "!!".
  case shout
  /// A question.
  case question
  /// "sorry" without a fuller apology.
  case apology
  /// "love you", "miss you".
  case affection
  /// "thank you".
  case thanks
  /// "I get that", "that makes sense": understanding the coach did not read as validation.
  case empathy
  /// The user names their own flooding: "this is getting heated", "I'm shutting down".
  case flooding
  /// "I feel ..."
  case feeling
  /// "I need ..."
  case need
  /// "I don't know", "I'm not sure": the user is lost for words.
  case unsure
  /// "you always", "you never".
  case global
  /// Swearing.
  case swear
  /// Blame the coach did not read as criticism: "I shouldn't have to", "because of you".
  case blame
  /// A plea the coach did not read as protest: "I guess I don't matter".
  case plea
  /// Shutting down the coach did not read as stonewalling: "I said I'm fine", "forget it".
  case shutdown
  /// A threat to the relationship the coach did not read: "maybe we shouldn't be together".
  case ultimatum
  /// A proposal the coach did not read as a request: "can we agree...", "how about we...".
  case proposal
  /// A bid to talk: "can we talk?", "is now an ok time?".
  case bid
  /// "I'm back" after a break.
  case back
  /// Nothing to do with the conversation at hand.
  case offtopic
  /// Mentions the scenario's subject.
  case topic
}

/// What a reply rule answers: a move the coach found, a cue, or an event.
public enum Trigger: Sendable, Hashable, CustomStringConvertible {
  case move(Move)
  case cue(Cue)
  case event(PartnerEvent)

  /// Parses `criticism`, `question`, `resolved`... (the three namespaces do not overlap).
  public init?(name: String) {
    if let move = Move(id: name) {
      self = .move(move)
    } else if let cue = Cue(rawValue: name) {
      self = .cue(cue)
    } else if let event = PartnerEvent(rawValue: name) {
      self = .event(event)
    } else {
      return nil
    }
  }

  public var description: String {
    switch self {
    case .move(let move): return move.id
    case .cue(let cue): return cue.rawValue
    case .event(let event): return event.rawValue
    }
  }

  /// Every valid trigger name, for error messages.
  public static var allNames: [String] {
    Move.allCases.map(\.id) + Cue.allCases.map(\.rawValue) + PartnerEvent.allCases.map(\.rawValue)
  }
}
