/// How one attachment style behaves in a conflict, as numbers (from `styles.yaml`).
public struct StyleProfile: Sendable, Equatable {
  public var style: AttachmentStyle
  /// Where arousal drifts back to when nothing stirs it (0-100).
  public var baseline: Int
  /// Arousal at the start of a scenario of difficulty 1; each level adds `difficultyStep`.
  public var start: Int
  /// Below this the partner is calm.
  public var calmBelow: Int
  /// At or above this the partner is flooded: the top of the window of tolerance.
  public var floodedAt: Int
  /// Trust at the start (0-100).
  public var trust: Int
  /// The share of the distance back to baseline recovered per quiet turn (0-1).
  public var recovery: Double
  /// Consecutive flooded turns before the partner shuts down or leaves.
  public var ruptureAfter: Int
  /// Consecutive turns with no insecure move needed before a conflict can resolve.
  public var steadyTurns: Int
  /// Needs this style has in every scenario, on top of the scenario's own.
  public var needs: [String]
  /// Moves that keep their full calming effect even when the partner is flooded.
  public var soothers: Set<Move>
  /// Arousal and trust change for each move.
  public var moveEffects: [Move: Effect]
  /// Arousal and trust change for each cue.
  public var cueEffects: [Cue: Effect]
  /// Thought-bubble lines for `/state`, by band.
  public var thoughts: [Band: [String]]
  /// Secure things to say, by band, for `/hint` when the scenario has nothing better.
  public var hints: [Band: [String]]

  public struct Effect: Sendable, Equatable {
    public var arousal: Int
    public var trust: Int
    public init(arousal: Int, trust: Int) {
      self.arousal = arousal
      self.trust = trust
    }
  }

  public func band(for arousal: Int) -> Band {
    if arousal >= floodedAt { return .flooded }
    if arousal < calmBelow { return .calm }
    return .activated
  }

  /// The width of the window of tolerance: from baseline to flooding.
  public var windowWidth: Int { floodedAt - baseline }

  public static let difficultyStep = 4
}

/// What a partner can need before a conflict resolves, and which moves meet it.
public struct NeedSpec: Sendable, Equatable {
  public var id: String
  /// "to feel heard", for the thought bubble and the debrief.
  public var text: String
  public var moves: Set<Move>
  /// Lowest trust at which the need can be met (a plan needs some trust to be agreed).
  public var minTrust: Int
  /// Secure things to say that meet it, for `/hint`.
  public var hints: [String]
}
