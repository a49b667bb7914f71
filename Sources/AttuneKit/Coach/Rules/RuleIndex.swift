/// Every pattern variant of every rule, flattened into contiguous tables and indexed by the
/// token id each can start with, so matching is array reads and bit tests, no hashing.
struct RuleIndex: Sendable {
  enum Kind: UInt8, Sendable {
    case any, gap, wideGap, sentenceStart, sentenceEnd, number, phrases, anyWord
  }

  struct Step: Sendable {
    var kind: Kind
    var optional: Bool
    var caps: Bool
    /// The token set's index for `any`, the limit for gaps.
    var argument: Int32
  }

  struct Variant: Sendable {
    var rule: Int32
    var role: Hit.Role
    var firstStep: Int32
    var stepCount: Int32
  }

  private(set) var steps: [Step] = []
  private(set) var variants: [Variant] = []
  /// Phrase groups: each a range of `phraseOptions`; each option a range of `phraseSets` (set indices).
  private(set) var phraseGroups: [Int32] = [0]
  private(set) var phraseOptions: [Int32] = [0]
  private(set) var phraseSets: [Int32] = []
  /// Token sets, stored by token: row `id` (of `wordsPerToken` 64-bit words) has bit `set` when
  /// token `id` is in token set `set`. A reply's few token ids touch a few rows, so the tests of a
  /// match (and of every group's second step at a token) stay in cache.
  private(set) var bits: [UInt64] = []
  private(set) var wordsPerToken = 0
  /// For each token id: the range of `groups` for the variants that start with it.
  private var firstStart: [Int32] = []
  private var firstEnd: [Int32] = []
  /// Runs of `byFirst` sharing one second-step set (-1: none), so a failed test skips the run.
  private var groupSecond: [Int32] = []
  private var groupStart: [Int32] = []
  private var groupEnd: [Int32] = []
  private var byFirst: [Int32] = []
  /// Variants that can start on any token.
  private var anywhere: [Int32] = []
  /// Per variant: the token set the token after its lead must be in, or -1.
  private var variantSecond: [Int32] = []
  /// Per variant: how many optional tokens may precede its first required step.
  private var variantBack: [Int32] = []
  private var maxBack = 0
  /// For each token id: the variants whose anchor (their rarest required step) it satisfies.
  /// A variant is tried on a reply only when some token of the reply satisfies its anchor.
  private var anchoredStart: [Int32] = []
  private var anchoredEnd: [Int32] = []
  private var anchored: [Int32] = []
  /// For each token id: the variants whose second anchor (their next rarest required step) it
  /// satisfies; a variant with two anchors is tried only when the reply has both.
  private var secondAnchoredStart: [Int32] = []
  private var secondAnchoredEnd: [Int32] = []
  private var secondAnchored: [Int32] = []
  /// Per variant: the anchors it needs (bit 0: first, bit 1: second).
  private var anchorsNeeded: [UInt8] = []
  /// Variants with no usable anchor: always tried.
  private var unanchored: [Int32] = []
  /// Per variant, `requirementList[requirementStart[v]..<requirementStart[v + 1]]`: the token sets of
  /// its other required steps (rarest first), each of which some token of the reply must be in before
  /// the variant is worth trying. Anchors only say two of them are there; this checks them all.
  private var requirementStart: [Int32] = [0]
  private var requirementList: [Int32] = []
  /// For each token id: the requirement sets it is in, so a reply marks the sets it satisfies in one pass.
  private var satisfiesStart: [Int32] = [0]
  private var satisfies: [Int32] = []
  private var requirementSetCount = 0
  let ruleCount: Int

  /// `frequency`: how often each token id occurs in sample text (by id; missing ids count as 0),
  /// to choose as anchors the required steps a reply is least likely to have. `tokenSets`: the
  /// numbered sets the patterns were compiled with (sets are looked up by number, not hashed).
  init(
    rules: [CoachRule], vocabularySize: Int, tokenSets: TokenSets, commonWords: Set<Int32> = [], frequency: [Int] = []
  ) {
    ruleCount = rules.count
    var tokenSets = tokenSets
    // The index's own numbering of the sets it uses (in the order met here), by set number.
    var setIndex: [Int32] = Array(repeating: -1, count: tokenSets.members.count)
    var setMembers: [Set<Int32>] = []
    var firstOf: [[Int32]] = Array(repeating: [], count: vocabularySize)
    var anchorOf: [[Int32]] = Array(repeating: [], count: vocabularySize)
    var secondAnchorOf: [[Int32]] = Array(repeating: [], count: vocabularySize)
    // The requirement sets' numbering, by set number (-1: not a requirement set).
    var requirementIndex: [Int32] = []
    var satisfiesOf: [[Int32]] = Array(repeating: [], count: vocabularySize)
    func indexOf(_ set: TokenSet) -> Int32 {
      let number = Int(set.number)
      if number >= setIndex.count { setIndex.append(contentsOf: repeatElement(-1, count: number + 1 - setIndex.count)) }
      if setIndex[number] >= 0 { return setIndex[number] }
      let index = Int32(setMembers.count)
      setIndex[number] = index
      setMembers.append(set.ids)
      return index
    }
    /// Per set number, computed at its first use as a required step: the set without unknown
    /// (negative) ids, and what ranks it as an anchor.
    var rankOf: [Candidate?] = []
    func candidate(_ set: TokenSet, order: Int) -> Candidate? {
      let number = Int(set.number)
      if number >= rankOf.count { rankOf.append(contentsOf: repeatElement(nil, count: number + 1 - rankOf.count)) }
      if var known = rankOf[number] {
        known.order = order
        return known.set.ids.isEmpty ? nil : known
      }
      var set = set
      if set.ids.contains(where: { $0 < 0 }) { set = tokenSets.set(set.ids.filter { $0 >= 0 }) }
      let often = set.ids.reduce(0) { $0 + (Int($1) < frequency.count ? frequency[Int($1)] : 0) }
      let ranked = Candidate(set: set, common: !set.ids.isDisjoint(with: commonWords), often: often, order: order)
      rankOf[number] = ranked
      return set.ids.isEmpty ? nil : ranked
    }
    /// Per phrases number, computed at its first use: the union of each option's rarest set (all an
    /// option's tokens must be there, so its rarest one is enough to look for), and of each option's
    /// first set (the tokens a match can start with).
    var rareOf: [TokenSet?] = []
    var leadOf: [TokenSet?] = []
    func rareUnion(_ phrases: Phrases) -> TokenSet {
      let number = Int(phrases.number)
      if number >= rareOf.count { rareOf.append(contentsOf: repeatElement(nil, count: number + 1 - rareOf.count)) }
      if let known = rareOf[number] { return known }
      let union = phrases.options.reduce(into: Set<Int32>()) { union, option in
        let rare = option.first { $0.ids.isDisjoint(with: commonWords) } ?? option.min { $0.ids.count < $1.ids.count }
        union.formUnion(rare?.ids ?? [])
      }
      let set = tokenSets.set(union)
      rareOf[number] = set
      return set
    }
    func leadUnion(_ phrases: Phrases) -> TokenSet {
      let number = Int(phrases.number)
      if number >= leadOf.count { leadOf.append(contentsOf: repeatElement(nil, count: number + 1 - leadOf.count)) }
      if let known = leadOf[number] { return known }
      let set = tokenSets.set(phrases.options.reduce(into: Set<Int32>()) { $0.formUnion($1[0].ids) })
      leadOf[number] = set
      return set
    }
    for (number, rule) in rules.enumerated() {
      let groups: [(Hit.Role, [Pattern])] = [(.main, rule.patterns), (.unless, rule.unless), (.requires, rule.requires)]
      for (role, patterns) in groups {
        for pattern in patterns {
          for source in pattern.variants {
            let first = Int32(steps.count)
            for step in source {
              switch step {
              case .any(let ids, let caps, let optional):
                steps.append(Step(kind: .any, optional: optional, caps: caps, argument: indexOf(ids)))
              case .phrases(let phrases, let optional):
                for option in phrases.options {
                  for ids in option { phraseSets.append(indexOf(ids)) }
                  phraseOptions.append(Int32(phraseSets.count))
                }
                phraseGroups.append(Int32(phraseOptions.count - 1))
                steps.append(
                  Step(kind: .phrases, optional: optional, caps: false, argument: Int32(phraseGroups.count - 2)))
              case .gap(let limit): steps.append(Step(kind: .gap, optional: false, caps: false, argument: Int32(limit)))
              case .wideGap(let limit):
                steps.append(Step(kind: .wideGap, optional: false, caps: false, argument: Int32(limit)))
              case .sentenceStart: steps.append(Step(kind: .sentenceStart, optional: false, caps: false, argument: 0))
              case .sentenceEnd: steps.append(Step(kind: .sentenceEnd, optional: false, caps: false, argument: 0))
              case .number(let optional): steps.append(Step(kind: .number, optional: optional, caps: false, argument: 0))
              case .anyWord(let optional): steps.append(Step(kind: .anyWord, optional: optional, caps: false, argument: 0))
              }
            }
            let variantIndex = Int32(variants.count)
            variants.append(Variant(rule: Int32(number), role: role, firstStep: first, stepCount: Int32(source.count)))
            // Anchors: the two required steps whose tokens are rarest (no common words, fewest ids).
            var candidates: [Candidate] = []
            for step in source {
              let set: TokenSet
              switch step {
              case .any(let any, _, false): set = any
              case .phrases(let phrases, false): set = rareUnion(phrases)
              default: continue
              }
              if let ranked = candidate(set, order: candidates.count) { candidates.append(ranked) }
            }
            // Rarest first: sets without common words before those with, then the least frequent
            // in sample text, then the smaller (then step order).
            candidates.sort { a, b in
              (a.common ? 1 : 0, a.often, a.set.ids.count, a.order) < (b.common ? 1 : 0, b.often, b.set.ids.count, b.order)
            }
            var needed: UInt8 = 0
            if let anchor = candidates.first?.set {
              needed |= 1
              for id in anchor.ids where Int(id) < vocabularySize { anchorOf[Int(id)].append(variantIndex) }
              // A second anchor only when it is a different, uncommon set: it must cut work, not add it.
              if candidates.count > 1, !candidates[1].common, candidates[1].set != anchor {
                needed |= 2
                for id in candidates[1].set.ids where Int(id) < vocabularySize { secondAnchorOf[Int(id)].append(variantIndex) }
              }
            } else {
              unanchored.append(variantIndex)
            }
            anchorsNeeded.append(needed)
            // Every required step beyond the anchors, checked once per reply before the first try.
            var requirements: [Int32] = []
            for set in candidates.dropFirst(needed == 3 ? 2 : 1).map(\.set) {
              let number = Int(set.number)
              if number >= requirementIndex.count {
                requirementIndex.append(contentsOf: repeatElement(-1, count: number + 1 - requirementIndex.count))
              }
              var index = requirementIndex[number]
              if index < 0 {
                index = Int32(requirementSetCount)
                requirementSetCount += 1
                requirementIndex[number] = index
                for id in set.ids where Int(id) < vocabularySize { satisfiesOf[Int(id)].append(index) }
              }
              if !requirements.contains(index) { requirements.append(index) }
            }
            requirementList.append(contentsOf: requirements)
            requirementStart.append(Int32(requirementList.count))
            // Index by the tokens of the first required step; `back` is how many optional tokens may
            // stand before it, so a match is tried from up to that many positions earlier.
            var back = 0
            var lead: Pattern.Step?
            leading: for step in source {
              switch step {
              case .sentenceStart: continue
              case .any(_, _, true), .number(true), .anyWord(true): back += 1
              case .phrases(let phrases, true): back += phrases.options.map(\.count).max() ?? 0
              default:
                lead = step
                break leading
              }
            }
            var leadIDs: Set<Int32>?
            if case .any(let set, _, false)? = lead { leadIDs = set.ids }
            if case .phrases(let phrases, false)? = lead { leadIDs = leadUnion(phrases).ids }
            // The step after the lead, tested inline on the next token before a variant is tried.
            var second: Int32 = -1
            if back == 0, case .any? = lead, let leadAt = source.firstIndex(where: { if case .any(_, _, false) = $0 { return true }; return false }),
              leadAt + 1 < source.count
            {
              switch source[leadAt + 1] {
              case .any(let set, _, false): second = indexOf(set)
              case .phrases(let phrases, false): second = indexOf(leadUnion(phrases))
              default: break
              }
            }
            variantSecond.append(second)
            if let leadIDs {
              maxBack = max(maxBack, back)
              variantBack.append(Int32(back))
              for id in leadIDs where id >= 0 && Int(id) < vocabularySize { firstOf[Int(id)].append(variantIndex) }
            } else {
              variantBack.append(0)
              anywhere.append(variantIndex)
            }
          }
        }
      }
    }
    wordsPerToken = (setMembers.count + 63) / 64
    bits = [UInt64](repeating: 0, count: vocabularySize * wordsPerToken)
    for (set, ids) in setMembers.enumerated() {
      for id in ids where id >= 0 { bits[Int(id) * wordsPerToken + set >> 6] |= 1 << UInt64(set & 63) }
    }
    for list in firstOf {
      firstStart.append(Int32(groupSecond.count))
      // Variants sharing a second-step set sit together, so one test serves them all.
      for variant in list.sorted(by: { (variantSecond[Int($0)], $0) < (variantSecond[Int($1)], $1) }) {
        let second = variantSecond[Int(variant)]
        if groupSecond.count == Int(firstStart[firstStart.count - 1]) || groupSecond.last != second {
          groupSecond.append(second)
          groupStart.append(Int32(byFirst.count))
          groupEnd.append(Int32(byFirst.count))
        }
        byFirst.append(variant)
        groupEnd[groupEnd.count - 1] = Int32(byFirst.count)
      }
      firstEnd.append(Int32(groupSecond.count))
    }
    for list in anchorOf {
      anchoredStart.append(Int32(anchored.count))
      anchored.append(contentsOf: list)
      anchoredEnd.append(Int32(anchored.count))
    }
    for list in satisfiesOf {
      satisfies.append(contentsOf: list)
      satisfiesStart.append(Int32(satisfies.count))
    }
    for list in secondAnchorOf {
      secondAnchoredStart.append(Int32(secondAnchored.count))
      secondAnchored.append(contentsOf: list)
      secondAnchoredEnd.append(Int32(secondAnchored.count))
    }
  }

  /// A required step's tokens, with what ranks it as an anchor, computed once per step.
  private struct Candidate {
    var set: TokenSet
    /// Whether any of its tokens is a common word.
    var common: Bool
    /// How often its tokens occur in the sample replies.
    var often: Int
    /// Its place among the variant's required steps.
    var order: Int
  }

  /// Every match of every variant, at most one per rule and role for each start token.
  /// What the compiled index holds, for benchmarks: pattern variants, and those tried at every
  /// token (no first word to index them by) or always live (no anchor word).
  var statistics: String {
    "\(variants.count) variants, \(steps.count) steps, \(anywhere.count) tried at every token, \(unanchored.count) without an anchor, \(anchorsNeeded.filter { $0 == 3 }.count) with two, \(requirementSetCount) requirement sets (\(satisfies.count) token links)"
  }

  func hits(in columns: TokenColumns) -> [Hit] {
    var hits: [Hit] = []
    let count = columns.ids.count
    guard count > 0 else { return hits }
    // Stamp per rule and role: the last start token it matched at.
    var stampStorage = [Int32](repeating: -1, count: ruleCount * 3)
    // Which variants can match at all: their anchor is among the reply's tokens.
    var found = [UInt8](repeating: 0, count: variants.count)
    for id in columns.ids where id >= 0 && Int(id) < anchoredStart.count {
      for k in Int(anchoredStart[Int(id)])..<Int(anchoredEnd[Int(id)]) { found[Int(anchored[k])] |= 1 }
      for k in Int(secondAnchoredStart[Int(id)])..<Int(secondAnchoredEnd[Int(id)]) {
        found[Int(secondAnchored[k])] |= 2
      }
    }
    // Which requirement sets the reply satisfies.
    var satisfied = [UInt64](repeating: 0, count: (requirementSetCount + 63) / 64)
    for id in columns.ids where id >= 0 && Int(id) + 1 < satisfiesStart.count {
      for k in Int(satisfiesStart[Int(id)])..<Int(satisfiesStart[Int(id) + 1]) {
        let set = Int(satisfies[k])
        satisfied[set >> 6] |= 1 << UInt64(set & 63)
      }
    }

    // Everything below reads through buffer pointers: no closure captures a mutable array.
    stampStorage.withUnsafeMutableBufferPointer { stamp in
    found.withUnsafeMutableBufferPointer { found in
    satisfied.withUnsafeBufferPointer { satisfied in
    requirementStart.withUnsafeBufferPointer { requirementStart in
    requirementList.withUnsafeBufferPointer { requirementList in
    anchorsNeeded.withUnsafeBufferPointer { needed in
    variants.withUnsafeBufferPointer { variants in
    variantBack.withUnsafeBufferPointer { variantBack in
    columns.ids.withUnsafeBufferPointer { ids in
      columns.sentences.withUnsafeBufferPointer { sentences in
        columns.clauses.withUnsafeBufferPointer { clauses in
          columns.flags.withUnsafeBufferPointer { flags in
            steps.withUnsafeBufferPointer { steps in
              bits.withUnsafeBufferPointer { bits in
                phraseGroups.withUnsafeBufferPointer { groups in
                phraseOptions.withUnsafeBufferPointer { options in
                phraseSets.withUnsafeBufferPointer { sets in
                let matcher = Matcher(
                  ids: ids, sentences: sentences, clauses: clauses, flags: flags, steps: steps, bits: bits,
                  wordsPerToken: wordsPerToken, groups: groups, options: options, sets: sets)
                /// Whether a variant can match at all: its anchors and every other required step's
                /// tokens are in the reply. `found` caches the answer (bit 2: live, bit 3: dead).
                @inline(__always)
                func isLive(_ variantIndex: Int32) -> Bool {
                  let v = Int(variantIndex)
                  let state = found[v]
                  guard state == needed[v] else { return state & 4 != 0 }
                  var live = true
                  for k in Int(requirementStart[v])..<Int(requirementStart[v + 1]) {
                    let set = Int(requirementList[k])
                    if satisfied[set >> 6] & (1 << UInt64(set & 63)) == 0 {
                      live = false
                      break
                    }
                  }
                  found[v] = state | (live ? 4 : 8)
                  return live
                }
                @inline(__always)
                func attempt(_ variantIndex: Int32, _ start: Int, _ hits: inout [Hit]) {
                  guard isLive(variantIndex) else { return }
                  let variant = variants[Int(variantIndex)]
                  let key = Int(variant.rule) * 3 + Int(variant.role.rawValue)
                  if stamp[key] == Int32(start) { return }
                  if let end = matcher.match(
                    step: Int(variant.firstStep), last: Int(variant.firstStep + variant.stepCount), at: start,
                    sentence: sentences[start]), end > start
                  {
                    stamp[key] = Int32(start)
                    hits.append(Hit(rule: Int(variant.rule), role: variant.role, start: start, end: end))
                  }
                }
                for start in 0..<count {
                  let id = ids[start]
                  if id >= 0, Int(id) < firstStart.count {
                    let nextID: Int32 = start + 1 < count && sentences[start + 1] == sentences[start] ? ids[start + 1] : -1
                    for group in Int(firstStart[Int(id)])..<Int(firstEnd[Int(id)]) {
                      let second = groupSecond[group]
                      if second >= 0, !matcher.contains(set: second, id: nextID) { continue }
                      for k in Int(groupStart[group])..<Int(groupEnd[group]) {
                        let variantIndex = byFirst[k]
                        if !isLive(variantIndex) { continue }
                        let back = Int(variantBack[Int(variantIndex)])
                        if back == 0 {
                          attempt(variantIndex, start, &hits)
                        } else {
                          for from in max(0, start - back)...start { attempt(variantIndex, from, &hits) }
                        }
                      }
                    }
                  }
                  for variantIndex in anywhere { attempt(variantIndex, start, &hits) }
                }
                }
                }
                }
              }
            }
          }
        }
      }
    }
    }
    }
    }
    }
    }
    }
    }
    }
    if maxBack > 0, hits.count > 1 {
      // Optional leads can find the same match from two anchors: keep one.
      hits.sort { ($0.start, $0.rule, $0.role.rawValue, $0.end) < ($1.start, $1.rule, $1.role.rawValue, $1.end) }
      var unique: [Hit] = []
      unique.reserveCapacity(hits.count)
      for hit in hits {
        if let last = unique.last, last.start == hit.start, last.rule == hit.rule, last.role == hit.role { continue }
        unique.append(hit)
      }
      hits = unique
    }
    return hits
  }
}

/// The backtracking matcher over flattened steps.
private struct Matcher {
  let ids: UnsafeBufferPointer<Int32>
  let sentences: UnsafeBufferPointer<Int32>
  let clauses: UnsafeBufferPointer<Int32>
  let flags: UnsafeBufferPointer<UInt8>
  let steps: UnsafeBufferPointer<RuleIndex.Step>
  let bits: UnsafeBufferPointer<UInt64>
  let wordsPerToken: Int
  let groups: UnsafeBufferPointer<Int32>
  let options: UnsafeBufferPointer<Int32>
  let sets: UnsafeBufferPointer<Int32>

  @inline(__always)
  func contains(set: Int32, id: Int32) -> Bool { inSet(set, id) }

  @inline(__always)
  private func inSet(_ set: Int32, _ id: Int32) -> Bool {
    guard id >= 0 else { return false }
    let word = bits[Int(id) * wordsPerToken + Int(set) >> 6]
    return word & (1 << UInt64(Int(set) & 63)) != 0
  }

  /// The end (exclusive) of a match of steps `step..<last` from token `start`, or nil.
  func match(step first: Int, last: Int, at start: Int, sentence: Int32) -> Int? {
    var index = start
    var step = first
    let count = ids.count
    while step < last {
      let current = steps[step]
      switch current.kind {
      case .any, .number, .anyWord:
        let fits: Bool
        if index < count, sentences[index] == sentence {
          switch current.kind {
          case .any:
            fits = inSet(current.argument, ids[index]) && (!current.caps || flags[index] & TokenColumns.caps != 0)
          case .number: fits = flags[index] & TokenColumns.number != 0
          default: fits = flags[index] & TokenColumns.word != 0
          }
        } else {
          fits = false
        }
        if current.optional {
          if fits, let end = match(step: step + 1, last: last, at: index + 1, sentence: sentence) { return end }
          step += 1
          continue
        }
        guard fits else { return nil }
        index += 1
      case .phrases:
        let group = Int(current.argument)
        for option in Int(groups[group])..<Int(groups[group + 1]) {
          var position = index
          var fits = true
          for k in Int(options[option])..<Int(options[option + 1]) {
            guard position < count, sentences[position] == sentence, inSet(sets[k], ids[position]) else {
              fits = false
              break
            }
            position += 1
          }
          if fits, let end = match(step: step + 1, last: last, at: position, sentence: sentence) { return end }
        }
        if current.optional { step += 1; continue }
        return nil
      case .gap:
        let limit = Int(current.argument)
        guard index < count else { return match(step: step + 1, last: last, at: index, sentence: sentence) }
        let clause = index > 0 ? clauses[index - 1] : clauses[index]
        var position = index
        var skipped = 0
        while true {
          if position == index || (position < count && clauses[position] == clause) {
            if let end = match(step: step + 1, last: last, at: position, sentence: sentence) { return end }
          }
          guard skipped < limit, position < count else { return nil }
          let flag = flags[position]
          guard flag & TokenColumns.word != 0, flag & TokenColumns.negator == 0, sentences[position] == sentence,
            clauses[position] == clause
          else { return nil }
          skipped += 1
          position += 1
        }
      case .wideGap:
        let limit = Int(current.argument)
        var position = index
        while position <= index + limit {
          if let end = match(step: step + 1, last: last, at: position, sentence: sentence) { return end }
          guard position < count, sentences[position] == sentence else { return nil }
          position += 1
        }
        return nil
      case .sentenceStart:
        guard index < count, sentences[index] == sentence else { return nil }
        var previous = index - 1
        // Commas and dashes before the first word still count as the start.
        while previous >= 0, sentences[previous] == sentence, flags[previous] & TokenColumns.word == 0 {
          previous -= 1
        }
        guard previous < 0 || sentences[previous] != sentence else { return nil }
      case .sentenceEnd:
        // Only punctuation and symbols may follow in this sentence.
        var position = index
        while position < count, sentences[position] == sentence {
          if flags[position] & TokenColumns.word != 0 { return nil }
          position += 1
        }
      }
      step += 1
    }
    return index
  }
}
