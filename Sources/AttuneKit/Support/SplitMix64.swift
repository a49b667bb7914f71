/// A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64).
///
/// The partner draws every tie-break from one of these, seeded from `--seed`, so the same
/// seed and the same user lines always give the same replies.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
  public private(set) var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<upperBound`, without modulo bias worth mentioning for small bounds.
  public mutating func index(below upperBound: Int) -> Int {
    precondition(upperBound > 0)
    return Int(next() % UInt64(upperBound))
  }
}
