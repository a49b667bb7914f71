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
  /// Variants that can start on any token (no lead: their first required step is not a token set).
  private var anywhere: [Int32] = []
  private var maxBack = 0
  /// The token sets of required steps that a reply must contain somewhere before a variant is worth
  /// trying, numbered apart from `bits`: anchors (each variant's rarest required step) in `anchors`,
  /// its other required steps in `requirements`. A reply marks the ones it has in two small bitsets.
  private var anchors = PresenceTable()
  private var requirements = PresenceTable()
  /// Per anchor `a`, `anchoredLeads[anchorStart[a]..<anchorStart[a + 1]]`: the variants with a lead
  /// that it anchors (only they can be live on a reply that has it), with what trying them needs, side
  /// by side so that finding a reply's live variants reads memory in order. The last range holds the
  /// variants without a usable anchor, always candidates.
  private var anchorStart: [Int32] = [0]
  private var anchoredLeads: [AnchoredLead] = []
  /// Every variant with a lead, by rank (the order variants are tried at one token).
  private var leadsByRank: [Lead] = []
  /// The `requirements` sets of `anchoredLeads`' other required steps, in the same order.
  private var anchoredRequirements: [Int32] = []
  /// Per variant: its anchor, or -1 (no usable anchor), and
  /// `requirementList[requirementStart[v]..<requirementStart[v + 1]]`: the `requirements` sets of its
  /// other required steps (rarest first). A variant is worth trying only when the reply has a token
  /// in each. Read for the `anywhere` variants; `anchoredLeads` holds the same for the others.
  private var variantAnchor: [Int32] = []
  private var requirementStart: [Int32] = [0]
  private var requirementList: [Int32] = []
  let ruleCount: Int
  /// Token ids at or above it (and negative ones) are in no token set.
  private let vocabularySize: Int

  /// `frequency`: how often each token id occurs in sample text (by id; missing ids count as 0),
  /// to choose as anchors the required steps a reply is least likely to have. `tokenSets`: the
  /// numbered sets the patterns were compiled with (sets are looked up by number, not hashed).
  init(
    rules: [CoachRule], vocabularySize: Int, tokenSets: TokenSets, commonWords: Set<Int32> = [], frequency: [Int] = []
  ) {
    ruleCount = rules.count
    self.vocabularySize = vocabularySize
    var tokenSets = tokenSets
    // The index's own numbering of the sets it uses (in the order met here), by set number.
    var setIndex: [Int32] = Array(repeating: -1, count: tokenSets.members.count)
    var setMembers: [Set<Int32>] = []
    // Numbering of anchor and requirement sets, by set number.
    var anchorNumbers = PresenceTable.Numbering()
    var requirementNumbers = PresenceTable.Numbering()
    // Per variant: its lead's token set (index into `bits`, -1: none), the set of the token after
    // its lead (-1: any), and how many optional tokens may precede its lead.
    var variantLead: [Int32] = []
    var variantSecond: [Int32] = []
    var variantBack: [Int32] = []
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
            // Every other required step must also be in the reply: checked once per reply, before
            // the first try. (Liveness only spares work: a variant missing a step cannot match.)
            var requirements: [Int32] = []
            if let anchor = candidates.first?.set {
              variantAnchor.append(anchorNumbers.number(anchor))
              for set in candidates.dropFirst().map(\.set) where set != anchor {
                let index = requirementNumbers.number(set)
                if !requirements.contains(index) { requirements.append(index) }
              }
            } else {
              variantAnchor.append(-1)
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
            var leadSet: Int32 = -1
            if case .any(let set, _, false)? = lead { leadSet = indexOf(set) }
            if case .phrases(let phrases, false)? = lead { leadSet = indexOf(leadUnion(phrases)) }
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
            variantLead.append(leadSet)
            if leadSet >= 0 {
              maxBack = max(maxBack, back)
              variantBack.append(Int32(back))
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
    anchors = PresenceTable(anchorNumbers.members, vocabularySize: vocabularySize)
    requirements = PresenceTable(requirementNumbers.members, vocabularySize: vocabularySize)
    // Variants with a lead, grouped by anchor (no anchor last); each with its place in the order
    // variants are tried at one token (by second-step set, then index). Live variants are tried in
    // this order, so which of a rule's variants matches first at a token, and so where its hit
    // ends, does not depend on how the live ones were found.
    let leading = variants.indices.filter { variantLead[$0] >= 0 }
    var rank = [Int32](repeating: -1, count: variants.count)
    for (place, variant) in leading.sorted(by: { (variantSecond[$0], $0) < (variantSecond[$1], $1) }).enumerated() {
      rank[variant] = Int32(place)
      leadsByRank.append(
        Lead(variant: Int32(variant), set: variantLead[variant], second: variantSecond[variant], back: variantBack[variant]))
    }
    var byAnchor: [[Int]] = Array(repeating: [], count: anchorNumbers.members.count + 1)
    for variant in leading {
      let anchor = variantAnchor[variant]
      byAnchor[anchor >= 0 ? Int(anchor) : byAnchor.count - 1].append(variant)
    }
    for group in byAnchor {
      for variant in group {
        let required = requirementList[Int(requirementStart[variant])..<Int(requirementStart[variant + 1])]
        anchoredLeads.append(
          AnchoredLead(
            rank: rank[variant], requirementStart: Int32(anchoredRequirements.count),
            requirementEnd: Int32(anchoredRequirements.count + required.count)))
        anchoredRequirements.append(contentsOf: required)
      }
      anchorStart.append(Int32(anchoredLeads.count))
    }
  }

  /// Whether a variant can match at all: its anchor and every other required step's tokens are in
  /// the reply.
  @inline(__always)
  private func isLive(_ variant: Int, _ reply: Presence) -> Bool {
    let anchor = variantAnchor[variant]
    guard anchor < 0 || Presence.has(reply.anchors, anchor) else { return false }
    for k in Int(requirementStart[variant])..<Int(requirementStart[variant + 1])
    where !Presence.has(reply.requirements, requirementList[k]) {
      return false
    }
    return true
  }

  /// The live variants with a lead, in the order they are tried at a token. Only variants whose
  /// anchor the reply has (and those without one) can be live.
  ///
  /// The live ones are marked by rank in a bitset, then read in rank order: cheaper than sorting a
  /// few hundred leads per reply.
  private func liveLeads(_ reply: Presence) -> [Lead] {
    var leads: [Lead] = []
    leads.reserveCapacity(64)
    let words = (leadsByRank.count + 63) / 64
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { live in
    live.initialize(repeating: 0)
    // Read through buffer pointers: a reply has a few hundred candidates, each a handful of reads.
    anchorStart.withUnsafeBufferPointer { anchorStart in
      anchoredLeads.withUnsafeBufferPointer { anchoredLeads in
        anchoredRequirements.withUnsafeBufferPointer { anchoredRequirements in
          reply.requirements.withUnsafeBufferPointer { present in
            func consider(anchor: Int) {
              candidates: for candidate in anchoredLeads[Int(anchorStart[anchor])..<Int(anchorStart[anchor + 1])] {
                for r in Int(candidate.requirementStart)..<Int(candidate.requirementEnd) {
                  let set = Int(anchoredRequirements[r])
                  if present[set >> 6] & (1 << UInt64(set & 63)) == 0 { continue candidates }
                }
                live[Int(candidate.rank) >> 6] |= 1 << UInt64(candidate.rank & 63)
              }
            }
            consider(anchor: anchorStart.count - 2)
            for (word, bitsOfWord) in reply.anchors.enumerated() {
              var rest = bitsOfWord
              while rest != 0 {
                consider(anchor: word << 6 | rest.trailingZeroBitCount)
                rest &= rest - 1
              }
            }
          }
        }
      }
    }
    leadsByRank.withUnsafeBufferPointer { leadsByRank in
      for word in 0..<words {
        var rest = live[word]
        while rest != 0 {
          leads.append(leadsByRank[word << 6 | rest.trailingZeroBitCount])
          rest &= rest - 1
        }
      }
    }
    }
    return leads
  }

  /// A variant with a lead, among those of its anchor.
  private struct AnchoredLead {
    /// Its place in `leadsByRank`.
    var rank: Int32
    /// Its range of `anchoredRequirements`.
    var requirementStart: Int32
    var requirementEnd: Int32
  }

  /// The anchor and requirement sets a reply has, as bits.
  private struct Presence {
    var anchors: [UInt64]
    var requirements: [UInt64]

    @inline(__always)
    static func has(_ sets: [UInt64], _ set: Int32) -> Bool { sets[Int(set) >> 6] & (1 << UInt64(set & 63)) != 0 }
  }

  /// A variant with a lead, as the matching loop reads it.
  private struct Lead {
    var variant: Int32
    /// Its lead's token set, and the set the next token must be in (-1: any).
    var set: Int32
    var second: Int32
    /// How many optional tokens may precede the lead.
    var back: Int32
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

  /// What the compiled index holds, for benchmarks: pattern variants, and those tried at every
  /// token (no first word to index them by) or always live (no anchor word).
  var statistics: String {
    "\(variants.count) variants, \(steps.count) steps, \(anywhere.count) tried at every token, \(variantAnchor.filter { $0 < 0 }.count) without an anchor, \(anchors.setCount) anchor sets, \(requirements.setCount) requirement sets"
  }

  /// Every match of every variant, at most one per rule and role for each start token.
  func hits(in columns: TokenColumns) -> [Hit] {
    var hits: [Hit] = []
    let count = columns.ids.count
    guard count > 0 else { return hits }
    let reply = Presence(anchors: anchors.sets(in: columns.ids), requirements: requirements.sets(in: columns.ids))
    let leads = liveLeads(reply)
    let liveAnywhere = anywhere.filter { isLive(Int($0), reply) }
    guard !leads.isEmpty || !liveAnywhere.isEmpty else { return hits }

    // Stamp per rule and role: the last start token it matched at.
    var stampStorage = [Int32](repeating: -1, count: ruleCount * 3)
    // The matching loop reads through buffer pointers: no closure captures a mutable array.
    stampStorage.withUnsafeMutableBufferPointer { stamp in
    variants.withUnsafeBufferPointer { variants in
    columns.ids.withUnsafeBufferPointer { ids in
    columns.sentences.withUnsafeBufferPointer { sentences in
    columns.clauses.withUnsafeBufferPointer { clauses in
    columns.flags.withUnsafeBufferPointer { flags in
    steps.withUnsafeBufferPointer { steps in
    bits.withUnsafeBufferPointer { bits in
    phraseGroups.withUnsafeBufferPointer { groups in
    phraseOptions.withUnsafeBufferPointer { options in
    phraseSets.withUnsafeBufferPointer { sets in
    leads.withUnsafeBufferPointer { leadList in
      let matcher = Matcher(
        ids: ids, sentences: sentences, clauses: clauses, flags: flags, steps: steps, bits: bits,
        wordsPerToken: wordsPerToken, groups: groups, options: options, sets: sets)
      @inline(__always)
      func attempt(_ variantIndex: Int32, _ start: Int, _ hits: inout [Hit]) {
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
        if id >= 0, Int(id) < vocabularySize {
          let nextID: Int32 = start + 1 < count && sentences[start + 1] == sentences[start] ? ids[start + 1] : -1
          for lead in leadList where matcher.contains(set: lead.set, id: id) {
            if lead.second >= 0, !matcher.contains(set: lead.second, id: nextID) { continue }
            if lead.back == 0 {
              attempt(lead.variant, start, &hits)
            } else {
              for from in max(0, start - Int(lead.back))...start { attempt(lead.variant, from, &hits) }
            }
          }
        }
        for variantIndex in liveAnywhere { attempt(variantIndex, start, &hits) }
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

/// Token sets listed by token: `sets[start[id]..<start[id + 1]]` are the sets token `id` is in,
/// so a reply's few tokens mark the sets it has a token of in a small bitset. Lists, not a row of
/// bits per token: a reply then reads a few short runs of memory instead of a wide row per token.
private struct PresenceTable: Sendable {
  private var start: [Int32] = [0]
  private var sets: [UInt16] = []
  private(set) var setCount = 0

  /// Numbers token sets in the order first met (equal sets, by their rule-book number, share one).
  struct Numbering {
    private var index: [Int32] = []
    private(set) var members: [Set<Int32>] = []

    mutating func number(_ set: TokenSet) -> Int32 {
      let number = Int(set.number)
      if number >= index.count { index.append(contentsOf: repeatElement(-1, count: number + 1 - index.count)) }
      if index[number] >= 0 { return index[number] }
      index[number] = Int32(members.count)
      members.append(set.ids)
      return index[number]
    }
  }

  init() {}

  init(_ members: [Set<Int32>], vocabularySize: Int) {
    precondition(members.count <= Int(UInt16.max) + 1, "too many token sets for 16-bit set numbers")
    setCount = members.count
    var byToken: [[UInt16]] = Array(repeating: [], count: vocabularySize)
    for (set, ids) in members.enumerated() {
      for id in ids where id >= 0 && Int(id) < vocabularySize { byToken[Int(id)].append(UInt16(set)) }
    }
    for list in byToken {
      sets.append(contentsOf: list)
      start.append(Int32(sets.count))
    }
  }

  /// The sets that some token of `ids` is in, as bits.
  func sets(in ids: [Int32]) -> [UInt64] {
    var union = [UInt64](repeating: 0, count: (setCount + 63) / 64)
    union.withUnsafeMutableBufferPointer { union in
      sets.withUnsafeBufferPointer { sets in
        for id in ids where id >= 0 && Int(id) + 1 < start.count {
          for k in Int(start[Int(id)])..<Int(start[Int(id) + 1]) {
            let set = Int(sets[k])
            union[set >> 6] |= 1 << UInt64(set & 63)
          }
        }
      }
    }
    return union
  }
}
