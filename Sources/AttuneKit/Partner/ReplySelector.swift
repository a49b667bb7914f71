/// One line a rule could say now, with the placeholders filled.
public struct Candidate: Sendable, Equatable {
  public var ruleID: String
  public var key: String
  public var text: String
  public var specificity: Int
  /// Its place in the stable order (rule order, then line order).
  public var order: Int
}

/// Chooses a reply: a pure query over candidates (STYLE.md §10).
///
/// Order: drop lines said within the no-repeat window → least recently used → most specific →
/// stable order, with ties among equally fresh, equally specific lines broken by the seeded RNG.
public enum ReplySelector {
  /// The best candidate, or nil when every one was said too recently.
  /// - Parameter draw: a number from the seeded RNG, used only to break ties.
  public static func best(from candidates: [Candidate], state: PartnerState, draw: UInt64)
    -> Candidate?
  {
    let fresh = candidates.filter { candidate in
      if let last = state.lineUses[candidate.key],
        state.replies - last <= PartnerState.noRepeatWindow
      {
        return false
      }
      return !state.recent.contains(candidate.text)
    }
    guard !fresh.isEmpty else { return nil }
    func lastUse(_ c: Candidate) -> Int { state.lineUses[c.key] ?? Int.min }
    let sorted = fresh.sorted { a, b in
      let ua = lastUse(a)
      let ub = lastUse(b)
      if ua != ub { return ua < ub }
      if a.specificity != b.specificity { return a.specificity > b.specificity }
      return a.order < b.order
    }
    guard let first = sorted.first else { return nil }
    let ties = sorted.prefix {
      lastUse($0) == lastUse(first) && $0.specificity == first.specificity
    }
    return ties[ties.startIndex + Int(draw % UInt64(ties.count))]
  }

  /// The least recently used candidate even if said recently: for fallback lines only.
  public static func leastRecent(from candidates: [Candidate], state: PartnerState) -> Candidate? {
    candidates.min { a, b in
      let ua = state.lineUses[a.key] ?? Int.min
      let ub = state.lineUses[b.key] ?? Int.min
      return ua != ub ? ua < ub : a.order < b.order
    }
  }
}
