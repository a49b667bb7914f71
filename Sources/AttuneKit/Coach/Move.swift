/// One move of the coach's taxonomy (shared/coach/README.md): ten secure moves, nine insecure.
public enum Move: String, CaseIterable, Sendable, Codable, Hashable, Comparable {
  // Secure moves
  case gentleStartup = "gentle-startup"
  case validation
  case responsibility
  case repair
  case curiosity
  case request
  case reassurance
  case selfSoothing = "self-soothing"
  case appreciation
  case boundary
  // Insecure moves
  case criticism
  case contempt
  case defensiveness
  case stonewalling
  case dismissing
  case withdrawal
  case protest
  case threat
  case selfBlame = "self-blame"

  /// Whether the move is one of the ten secure moves.
  public var isSecure: Bool {
    switch self {
    case .gentleStartup, .validation, .responsibility, .repair, .curiosity, .request,
      .reassurance, .selfSoothing, .appreciation, .boundary:
      return true
    default:
      return false
    }
  }

  /// The move's id as used in files and output (`gentle-startup`, `self-blame`, ...).
  public var id: String { rawValue }

  /// A short human label.
  public var label: String { rawValue.replacingOccurrences(of: "-", with: " ") }

  /// Whether the move is one of Gottman's Four Horsemen.
  public var isHorseman: Bool {
    self == .criticism || self == .contempt || self == .defensiveness || self == .stonewalling
  }

  /// The secure move that answers this insecure move (shared/coach/README.md, Antidotes).
  public var antidoteMove: Move? {
    switch self {
    case .criticism: return .gentleStartup
    case .contempt: return .appreciation
    case .defensiveness: return .responsibility
    case .stonewalling: return .selfSoothing
    case .dismissing: return .validation
    case .withdrawal: return .selfSoothing
    case .protest: return .request
    case .threat: return .boundary
    case .selfBlame: return .responsibility
    default: return nil
    }
  }

  /// Parses a move id, accepting `_` for `-` and any case.
  public init?(id: String) {
    let key = id.lowercased().replacingOccurrences(of: "_", with: "-")
    guard let move = Move(rawValue: key) else { return nil }
    self = move
  }

  public static func < (lhs: Move, rhs: Move) -> Bool {
    lhs.order < rhs.order
  }

  private var order: Int { Move.allCases.firstIndex(of: self) ?? 0 }
}

/// The coach's overall reading of one reply.
public enum Verdict: String, Sendable, Codable, CaseIterable {
  case secure, insecure, mixed, neutral

  /// The verdict rule of shared/coach/README.md: secure moves only, insecure only, both, neither.
  public init(moves: some Sequence<Move>) {
    var secure = false
    var insecure = false
    for move in moves {
      if move.isSecure { secure = true } else { insecure = true }
    }
    switch (secure, insecure) {
    case (true, true): self = .mixed
    case (true, false): self = .secure
    case (false, true): self = .insecure
    case (false, false): self = .neutral
    }
  }
}
