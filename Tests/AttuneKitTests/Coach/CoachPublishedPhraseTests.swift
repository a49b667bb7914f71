import Testing

@testable import AttuneKit

/// Phrases of the kind relationship educators publish (Gottman's repair checklist, the Four
/// Horsemen's textbook examples), in our own words where they are not short stock phrases.
/// The verdict is what a facilitator would expect the coach to say.
private let repairChecklist: [String] = [
  "I'm getting scared.",
  "Please say that more gently.",
  "That hurt my feelings.",
  "That felt like an insult.",
  "I feel sad.",
  "I feel blamed. Can you rephrase that?",
  "I feel unappreciated.",
  "I feel defensive. Can you rephrase that?",
  "Please don't lecture me.",
  "I don't feel like you understand me right now.",
  "Sorry.",
  "My reactions were too extreme. Sorry.",
  "I really blew that one.",
  "Let me try again.",
  "I want to be gentler to you right now and I don't know how.",
  "Tell me what you hear me saying.",
  "I can see my part in all this.",
  "How can I make things better?",
  "Let's try that over again.",
  "Let me start again in a softer way.",
  "You're starting to convince me.",
  "I agree with part of what you're saying.",
  "Let's compromise here.",
  "Let's find our common ground.",
  "I never thought of things that way.",
  "I think your point of view makes sense.",
  "Let's agree to include both our views in a solution.",
  "I need your support right now.",
  "Just listen to me right now and try to understand.",
  "Please help me calm down.",
  "This is important to me. Please listen.",
  "I am starting to feel flooded.",
  "We are getting off track.",
  "Give me a moment, I'll be right back.",
  "Let's agree to disagree here.",
  "Let's start all over again.",
  "One thing I admire about you is your patience.",
  "I understand.",
  "That's a good point.",
  "We are both saying the same thing.",
  "I love you.",
  "I'm on your side.",
  "This is our problem, not just yours.",
]

private let horsemen: [String] = [
  "You always talk about yourself. You are so selfish.",
  "You're tired? Cry me a river. Could you be any more pathetic?",
  "I was just too darn busy today. Why didn't you just do it?",
  "It's not my fault we're always late, it's your fault.",
  "Who do you think you are?",
  "Yeah, but you did it first.",
  "Fine. Do whatever you want.",
  "I'm not doing this right now.",
  "If you go out with them again, I'm leaving you.",
]

@Test(arguments: repairChecklist)
func aPublishedRepairPhraseReadsAsSecure(_ phrase: String) {
  #expect(Coach.shared.annotate(phrase).verdict == .secure)
}

@Test(arguments: horsemen)
func aTextbookHorsemanReadsAsInsecure(_ phrase: String) {
  #expect(Coach.shared.annotate(phrase).verdict == .insecure)
}
