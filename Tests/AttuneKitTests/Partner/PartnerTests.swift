import Foundation
import Testing

@testable import AttuneKit

private func partner(_ style: AttachmentStyle, _ scenario: String = "chores", seed: UInt64 = 7)
  throws -> Partner
{
  Partner(scenario: try shipped(scenario), style: style, seed: seed)
}

@Test(arguments: AttachmentStyle.allCases)
func criticismRaisesArousalAndValidationLowersIt(style: AttachmentStyle) throws {
  var p = try partner(style)
  _ = p.open()
  let start = p.state.arousal
  let hit = p.respond(to: said("You never do anything around here.", .criticism))
  #expect(hit.after.arousal > start)
  #expect(hit.after.trust < p.profile.trust)
  let soothed = p.respond(to: said("That makes sense, it has been a lot for you.", .validation))
  #expect(soothed.after.arousal < hit.after.arousal)
}

@Test func theSecurePartnerStaysSteadierThanTheOthersUnderAttack() throws {
  var peaks: [AttachmentStyle: Int] = [:]
  var ruptured: [AttachmentStyle: Bool] = [:]
  for style in AttachmentStyle.allCases {
    var p = try partner(style)
    _ = p.open()
    for a in [
      said("You never listen.", .criticism), said("Oh sure, poor you.", .contempt),
      said("Not my fault.", .defensiveness), said("Whatever.", .stonewalling),
    ] {
      let reply = p.respond(to: a)
      peaks[style] = max(peaks[style] ?? 0, reply.after.arousal)
      if reply.outcome == .rupture {
        ruptured[style] = true
        break
      }
    }
  }
  #expect(ruptured[.secure] == nil)
  for style in [AttachmentStyle.anxious, .avoidant, .disorganized] {
    #expect(ruptured[style] == true, "\(style) should rupture under four horsemen")
    #expect((peaks[style] ?? 0) > (peaks[.secure] ?? 0))
  }
}

@Test(arguments: AttachmentStyle.allCases)
func meetingTheNeedsWhileCalmResolves(style: AttachmentStyle) throws {
  var p = try partner(style)
  _ = p.open()
  let turns = [
    said("I felt lonely doing the dishes alone.", .gentleStartup),
    said("It makes sense you're tired.", .validation),
    said("What's been going on for you?", .curiosity),
    said("I'm sorry I snapped.", .responsibility),
    said("I love you and I'm not going anywhere.", .reassurance),
    said("Could we split the dishes and bins on weekdays?", .request),
    said("Thank you. I really appreciate you.", .appreciation),
    said("I'm right here with you.", .reassurance),
  ]
  var outcome: Outcome?
  for turn in turns where outcome == nil {
    outcome = p.respond(to: turn).outcome
  }
  #expect(outcome == .resolved)
  #expect(p.state.band == .calm)
  #expect(p.beat == "done")
}

@Test func aFloodedPartnerCannotBeReachedByAPlan() throws {
  var p = try partner(.anxious)
  _ = p.open()
  _ = p.respond(to: said("You're pathetic.", .contempt))
  _ = p.respond(to: said("I'm leaving you.", .threat))
  #expect(p.state.band == .flooded)
  _ = p.respond(to: said("Could we split the chores?", .request))
  #expect(!p.state.met.contains("plan"))
}

@Test(arguments: AttachmentStyle.allCases)
func theSameSeedAndLinesGiveTheSameReplies(style: AttachmentStyle) throws {
  let lines = [
    said("You never help.", .criticism), said("Sorry, that was unfair.", .responsibility),
    said("ok"), said("Can we start over?", .repair),
  ]
  func run(seed: UInt64) throws -> [String] {
    var p = try partner(style, seed: seed)
    return [p.open().text] + lines.map { p.respond(to: $0).text }
  }
  #expect(try run(seed: 11) == run(seed: 11))
}

@Test func differentSeedsCanChooseDifferentLines() throws {
  var openings: Set<String> = []
  for seed in 0..<20 as Range<UInt64> {
    var p = try partner(.anxious, seed: seed)
    openings.insert(p.open().text)
    openings.insert(p.respond(to: said("You never help.", .criticism)).text)
  }
  #expect(openings.count > 2)
}

/// A long, hostile chat (outcomes ignored, so the partner keeps talking) must never repeat a reply
/// within ten partner turns and must rarely fall back to a generic line.
@Test(arguments: AttachmentStyle.allCases)
func aLongHostileChatNeverRepeatsWithinTenReplies(style: AttachmentStyle) throws {
  var p = try partner(style, "money")
  var recent: [String] = [p.open().text]
  var fallbacks = 0
  let script: [Annotation] = [
    said("You never think about us.", .criticism), said("Wow, great job, genius.", .contempt),
    said("It's not my fault.", .defensiveness), said("Whatever.", .stonewalling),
    said("You're overreacting.", .dismissing),
    said("I'm out of here.", .withdrawal), said("Why don't you care about me?", .protest),
    said("Maybe we should just break up.", .threat),
    said("I ruin everything.", .selfBlame), said("..."), said("ok"), said("you always do this"),
  ]
  for i in 0..<60 {
    let reply = p.respond(to: script[i % script.count])
    #expect(!recent.suffix(10).contains(reply.text), "repeated: \(reply.text)")
    recent.append(reply.text)
    if reply.fallback { fallbacks += 1 }
  }
  #expect(fallbacks <= 15, "\(fallbacks) fallbacks in 60 hostile turns")
}

@Test func theUsersOwnWordsAreReflected() throws {
  var p = try partner(.avoidant, "chores")
  _ = p.open()
  let reply = p.respond(to: said("You never take the bins out.", .criticism))
  #expect(reply.text.lowercased().contains("'never'"))
  #expect(reply.rule == "chores.global.avoidant")
}

@Test func aPromiseIsRememberedAndBroughtBack() throws {
  var p = try partner(.anxious, "chores")
  _ = p.open()
  _ = p.respond(to: said("I'll do the dishes every weekday from now on.", .request))
  #expect(p.state.memory.promise == "do the dishes every weekday from now on")
  var texts: [String] = []
  for _ in 0..<3 {
    texts.append(p.respond(to: said("Whatever, you're impossible.", .stonewalling)).text)
  }
  #expect(texts.contains { $0.contains("do the dishes every weekday from now on") })
}

@Test func aBreakWithAReturnTimeIsWelcomedBack() throws {
  var p = try partner(.anxious, "phones-at-dinner")
  _ = p.open()
  let breakReply = p.respond(
    to: said("I'm getting flooded. Can we take twenty minutes and come back at 8?", .selfSoothing))
  #expect(p.state.memory.breakReturn == "in twenty minutes")
  #expect(breakReply.after.arousal <= breakReply.before.arousal)
  let back = p.respond(to: said("ok I'm back. I took a walk."))
  #expect(back.rule == "anxious.return")
  #expect(p.state.memory.returned)
}

@Test func pauseCalmsThePartnerAndTheReturnIsNoticed() throws {
  var p = try partner(.avoidant)
  _ = p.open()
  _ = p.respond(to: said("You never help.", .criticism))
  let before = p.state.arousal
  let reply = p.pause(minutes: 30)
  #expect(reply.rule == "avoidant.pause")
  #expect(p.state.arousal < before)
  #expect(p.respond(to: said("Hi, I'm back.")).rule == "avoidant.return")
}

@Test(arguments: AttachmentStyle.allCases)
func unanticipatedInputGetsAnInCharacterReply(style: AttachmentStyle) throws {
  var p = try partner(style, "late-texts")
  _ = p.open()
  let cases: [(String, String)] = [
    ("are you a bot?", "\(style.id).bot"), ("asdfgh jkl", "\(style.id).gibberish"),
    ("😢😢😢", "\(style.id).emoji"),
    ("No sé qué decir", "\(style.id).foreign"), ("...", "\(style.id).silence"),
    ("hmm", "\(style.id).ack"),
    ("hmm", "\(style.id).repeat"), ("What's the weather like tomorrow?", "\(style.id).offtopic"),
  ]
  for (text, rule) in cases {
    let reply = p.respond(to: said(text))
    #expect(reply.rule == rule, "\(text)")
    #expect(!reply.fallback && !reply.text.isEmpty)
  }
}

@Test(arguments: [
  "I want to kill myself", "he hit me last night", "I'm thinking about suicide", "he beats me when he drinks",
  "Would it kill you to text me? I'm scared he'll kill you",
])
func safetyTopicsStepOutOfTheRole(text: String) throws {
  var p = try partner(.avoidant)
  _ = p.open()
  let before = p.state
  let reply = p.respond(to: said(text))
  #expect(reply.safety)
  #expect(reply.rule == "safety.step-out")
  #expect(reply.text.contains("stepping out of the role-play"))
  #expect(reply.text.contains("/end"))
  #expect(p.state.arousal == before.arousal)
}

@Test(arguments: [
  "Would it kill you to tell me before you spend 200 quid?", "It wouldn't kill you to say thanks.",
  "You beat me to it, I was about to call.", "Beats me why they moved the meeting.",
])
func aFigureOfSpeechIsNoSafetyCue(text: String) throws {
  var p = try partner(.anxious)
  _ = p.open()
  let reply = p.respond(to: said(text))
  #expect(!reply.safety, "\(text)")
}

@Test(arguments: AttachmentStyle.allCases)
func everyEndingHasALineInTheStylesVoice(style: AttachmentStyle) throws {
  for outcome in Outcome.allCases {
    var p = try partner(style)
    _ = p.open()
    let reply = p.close(outcome)
    #expect(!reply.fallback, "\(style) \(outcome)")
    #expect(reply.outcome == outcome)
  }
}

@Test func theBanksHaveSixtyDistinctLinesPerStyleAndLinesForEveryMove() {
  for style in AttachmentStyle.allCases {
    guard let bank = PartnerData.shared.banks[style] else {
      Issue.record("no bank for \(style)")
      continue
    }
    let lines = Set(bank.rules.flatMap(\.lines))
    #expect(lines.count >= 60, "\(style): \(lines.count) lines")
    for move in Move.allCases {
      #expect(
        bank.rules.contains { $0.triggers.contains(.move(move)) },
        "\(style) has no rule for \(move)")
    }
    for event in PartnerEvent.allCases where event != .opening {
      #expect(
        bank.rules.contains { $0.triggers.contains(.event(event)) },
        "\(style) has no rule for \(event)")
    }
  }
}

@Test func selectionIsLeastRecentlyUsedThenMostSpecific() {
  var state = PartnerState(arousal: 50, trust: 50, band: .activated, seed: 1)
  let a = Candidate(ruleID: "r", key: "r#0", text: "a", specificity: 1, order: 0)
  let b = Candidate(ruleID: "r", key: "r#1", text: "b", specificity: 3, order: 1)
  #expect(ReplySelector.best(from: [a, b], state: state, draw: 0)?.text == "b")
  state.recordUse("r#1", text: "b")
  #expect(ReplySelector.best(from: [a, b], state: state, draw: 0)?.text == "a")
  state.recordUse("r#0", text: "a")
  #expect(ReplySelector.best(from: [a, b], state: state, draw: 0) == nil)
}

@Test func cuesAreFoundInTheUsersWords() {
  let detector = CueDetector(lexicon: PartnerData.shared.lexicon)
  func cues(_ text: String, previous: [String] = []) -> [Cue] {
    detector.detect(text, previous: previous, topicWords: ["dishes"], hasMoves: false).map(\.cue)
  }
  #expect(cues("Are you a bot?").contains(.bot))
  #expect(cues("qwerty").contains(.gibberish))
  #expect(!cues("Seriously?").contains(.gibberish))
  #expect(cues("Je ne sais pas").contains(.foreign))
  #expect(cues("😡").contains(.emoji))
  #expect(cues("...").contains(.silence))
  #expect(cues("ok ok").contains(.ack))
  #expect(cues("fine", previous: ["fine"]).contains(.repeat))
  #expect(cues("WHY ARE YOU SHOUTING").contains(.shout))
  #expect(cues("the dishes again").contains(.topic))
  #expect(
    detector.returnTime(in: "Can we take twenty minutes and come back at 8?") == "in twenty minutes"
  )
  #expect(detector.returnTime(in: "back at 8pm") == "at 8pm")
}

@Test func everyCueIsAnsweredSomewhereAndHasWordsOrADetector() {
  let detectorKinds: Set<Cue> = [.repeat, .gibberish, .foreign, .emoji, .silence, .shout, .question, .offtopic, .topic]
  for cue in Cue.allCases where cue != .safety {
    #expect(Partner.cueOrder.contains(cue), "\(cue) is never answered")
    #expect(detectorKinds.contains(cue) || !(PartnerData.shared.lexicon.phrases[cue] ?? []).isEmpty, "\(cue) has no phrases")
    for style in AttachmentStyle.allCases {
      #expect(PartnerData.shared.banks[style]?.rules.contains { $0.triggers.contains(.cue(cue)) } == true, "\(style) has no rule for \(cue)")
    }
  }
}
