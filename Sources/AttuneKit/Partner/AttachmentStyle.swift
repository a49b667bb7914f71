/// The partner's attachment style (DESIGN.md, Background).
public enum AttachmentStyle: String, CaseIterable, Sendable, Codable, Hashable {
  case secure, anxious, avoidant, disorganized

  /// Parses a style name, accepting `anxious-ambivalent` and `ambivalent` for anxious, any case.
  public init?(name: String) {
    switch name.trimmingWhitespace.lowercased().replacingOccurrences(of: "_", with: "-") {
    case "secure": self = .secure
    case "anxious", "anxious-ambivalent", "ambivalent", "anxious-preoccupied", "preoccupied":
      self = .anxious
    case "avoidant", "dismissive", "dismissive-avoidant": self = .avoidant
    case "disorganized", "disorganised", "fearful", "fearful-avoidant": self = .disorganized
    default: return nil
    }
  }

  public var id: String { rawValue }

  /// A short phrase for menus: what this partner tends to do in a conflict.
  public var blurb: String {
    switch self {
    case .secure: return "steady; names needs, repairs"
    case .anxious: return "pursues, protests, needs reassurance"
    case .avoidant: return "withdraws, minimises, needs space"
    case .disorganized: return "reaches out, then pushes away"
    }
  }
}

/// How aroused the partner is, relative to their window of tolerance.
public enum Band: String, CaseIterable, Sendable, Codable, Hashable {
  /// Inside the window and settled: can listen and think.
  case calm
  /// Inside the window but stirred up.
  case activated
  /// Above the window: fight, flight or freeze; can barely take anything in.
  case flooded
}

/// How a chat ended.
public enum Outcome: String, Sendable, Codable, CaseIterable {
  case resolved, rupture
  case turnLimit = "turn-limit"
  case quit
}

/// Things that happen in a chat besides the user's words, which rules can answer.
public enum PartnerEvent: String, CaseIterable, Sendable, Hashable {
  /// The partner's first line (scenario openings cover this; banks may too).
  case opening
  /// The user came back after a break.
  case `return`
  /// The user asked for a break with `/pause`.
  case pause
  case resolved, rupture
  case turnLimit = "turn-limit"
  case quit
}

/// What the partner has remembered from earlier turns, which a rule can require and bring back.
public enum MemoryKind: String, CaseIterable, Sendable, Hashable {
  /// The user promised something ("I'll put my phone away").
  case promise
  /// The user apologised.
  case apology
  /// The user took a break and promised to come back.
  case `break`
  /// A line the partner is still hurt by.
  case hurt
  /// The user walked off without saying when they'd be back.
  case walkout
  /// The user came back from a break, as promised.
  case returned
}
