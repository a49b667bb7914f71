import Testing
@testable import AttuneKit

@Test func verdictFollowsTheTaxonomyRule() {
  #expect(Verdict(moves: [Move.criticism]) == .insecure)
  #expect(Verdict(moves: [Move.request]) == .secure)
  #expect(Verdict(moves: [Move.request, .contempt]) == .mixed)
  #expect(Verdict(moves: [Move]()) == .neutral)
}
