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
    lhs.ordinal < rhs.ordinal
  }

  /// The move's place in `allCases` (taxonomy order), without a search.
  var ordinal: Int {
    switch self {
    case .gentleStartup: return 0
    case .validation: return 1
    case .responsibility: return 2
    case .repair: return 3
    case .curiosity: return 4
    case .request: return 5
    case .reassurance: return 6
    case .selfSoothing: return 7
    case .appreciation: return 8
    case .boundary: return 9
    case .criticism: return 10
    case .contempt: return 11
    case .defensiveness: return 12
    case .stonewalling: return 13
    case .dismissing: return 14
    case .withdrawal: return 15
    case .protest: return 16
    case .threat: return 17
    case .selfBlame: return 18
    }
  }
}

/// A set of moves as one bit per move (bit `ordinal`): the coach's per-reply bookkeeping without
/// hashing (a `Set<Move>` hashes each move's string id) or allocation.
struct MoveSet: Sendable, Equatable, Sequence {
  private var bits: UInt32 = 0

  init() {}

  init(_ moves: some Sequence<Move>) {
    for move in moves { insert(move) }
  }

  var isEmpty: Bool { bits == 0 }

  func contains(_ move: Move) -> Bool { bits & (1 << UInt32(move.ordinal)) != 0 }

  /// Adds a move; whether it was new.
  @discardableResult
  mutating func insert(_ move: Move) -> Bool {
    let bit: UInt32 = 1 << UInt32(move.ordinal)
    defer { bits |= bit }
    return bits & bit == 0
  }

  mutating func remove(_ move: Move) { bits &= ~(1 << UInt32(move.ordinal)) }

  func union(_ other: MoveSet) -> MoveSet {
    var out = self
    out.bits |= other.bits
    return out
  }

  /// Whether any of the moves is secure (the first ten bits).
  var hasSecure: Bool { bits & MoveSet.secureBits != 0 }
  var hasInsecure: Bool { bits & ~MoveSet.secureBits != 0 }
  private static let secureBits: UInt32 = (1 << 10) - 1

  /// The moves, in taxonomy order.
  func makeIterator() -> some IteratorProtocol<Move> {
    Move.allCases.lazy.filter { contains($0) }.makeIterator()
  }
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
