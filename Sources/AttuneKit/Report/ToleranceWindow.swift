/// A partner style's window of tolerance on the 0-100 arousal scale, for shading charts.
public struct ToleranceWindow: Sendable, Equatable {
  /// Below this the partner is calm.
  public var calmBelow: Int
  /// At or above this the partner is flooded.
  public var floodedAt: Int

  public init(calmBelow: Int, floodedAt: Int) {
    self.calmBelow = calmBelow
    self.floodedAt = floodedAt
  }

  public init(_ profile: StyleProfile) {
    self.init(calmBelow: profile.calmBelow, floodedAt: profile.floodedAt)
  }

  /// The windows of the shipped style profiles (`styles.yaml`).
  public static var shipped: [AttachmentStyle: ToleranceWindow] {
    PartnerData.shared.profiles.mapValues(ToleranceWindow.init)
  }
}

/// How a chat ended, as a report shows it: an `Outcome`, or unfinished when the transcript
/// stops before its end line.
public enum ReportOutcome: String, CaseIterable, Sendable, Hashable {
  case resolved, rupture
  case turnLimit = "turn-limit"
  case quit, unfinished

  public init(_ outcome: Outcome?) {
    switch outcome {
    case .resolved: self = .resolved
    case .rupture: self = .rupture
    case .turnLimit: self = .turnLimit
    case .quit: self = .quit
    case nil: self = .unfinished
    }
  }

  public var id: String { rawValue }

  /// `turn limit`.
  public var label: String { rawValue.replacingOccurrences(of: "-", with: " ") }

  /// A glyph that tells the outcomes apart without colour.
  public var glyph: String {
    switch self {
    case .resolved: return "✓"
    case .rupture: return "✕"
    case .turnLimit: return "◔"
    case .quit: return "■"
    case .unfinished: return "…"
    }
  }

  /// What it means, in a sentence fragment.
  public var meaning: String {
    switch self {
    case .resolved: return "the partner's needs met and calm"
    case .rupture: return "flooded too long; the partner shut down or left"
    case .turnLimit: return "time ran out before it settled"
    case .quit: return "ended before it settled"
    case .unfinished: return "the transcript stops before the end line"
    }
  }
}
