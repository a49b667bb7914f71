/// What the partner remembers from earlier turns.
public struct PartnerMemory: Sendable, Equatable {
  /// What the user promised, turned round to the partner's view ("put your phone away").
  public var promise: String?
  /// The partner turn of the user's last apology.
  public var apologyTurn: Int?
  /// The return time of a break in progress ("in twenty minutes").
  public var breakReturn: String?
  /// Whether the user is on a break now (the next line is their return).
  public var onBreak = false
  /// The words the partner is still hurt by, and how bad they were (higher is worse).
  public var hurt: String?
  public var hurtWeight = 0
  /// The user left without saying when they'd be back.
  public var walkout = false
  /// The user came back from a break as promised.
  public var returned = false

  public init() {}

  func has(_ kind: MemoryKind) -> Bool {
    switch kind {
    case .promise: return promise != nil
    case .apology: return apologyTurn != nil
    case .break: return breakReturn != nil
    case .hurt: return hurt != nil
    case .walkout: return walkout
    case .returned: return returned
    }
  }
}

/// The partner's state: meters, progress, memory and what it has said. A value: copy it to undo.
public struct PartnerState: Sendable, Equatable {
  public var arousal: Int
  public var trust: Int
  public var band: Band
  /// Needs met so far, in the order they were met.
  public var met: [String] = []
  /// Consecutive turns spent flooded.
  public var floodedTurns = 0
  /// Consecutive user turns with no insecure move.
  public var steadyTurns = 0
  /// How many partner replies so far (the opening is reply 0).
  public var replies = 0
  public var memory = PartnerMemory()
  /// For each line (`ruleID#index`), the reply number it was last said at.
  public var lineUses: [String: Int] = [:]
  /// For each rule, the reply number it last produced.
  public var ruleUses: [String: Int] = [:]
  /// The texts of the most recent replies, newest last.
  public var recent: [String] = []
  /// The user's lines, normalised, newest last (for spotting repeats).
  public var userLines: [String] = []
  /// For each hint, the time it was last shown.
  public var hintUses: [String: Int] = [:]
  public var hintCount = 0
  public var rng: SplitMix64
  public var outcome: Outcome?

  public init(arousal: Int, trust: Int, band: Band, seed: UInt64) {
    self.arousal = arousal
    self.trust = trust
    self.band = band
    self.rng = SplitMix64(seed: seed)
  }

  /// Records that a line was said: the only mutation of reply choice (STYLE.md §10).
  public mutating func recordUse(_ key: String, text: String) {
    lineUses[key] = replies
    if let hash = key.firstIndex(of: "#") { ruleUses[String(key[..<hash])] = replies }
    recent.append(text)
    if recent.count > PartnerState.noRepeatWindow {
      recent.removeFirst(recent.count - PartnerState.noRepeatWindow)
    }
    replies += 1
  }

  /// No reply is said again within this many partner turns.
  public static let noRepeatWindow = 10
}

/// The meters as written into a transcript's partner event.
public struct Meters: Sendable, Equatable {
  public var arousal: Int
  public var trust: Int
  public var band: Band
}

extension PartnerState {
  public var meters: Meters { Meters(arousal: arousal, trust: trust, band: band) }
}
