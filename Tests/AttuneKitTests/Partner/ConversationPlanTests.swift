import Foundation
import Testing
import Yams

@testable import AttuneKit

/// A conversation plan (STYLE.md §11): a scenario, a style, a seed, and user lines with what the
/// partner should do. `moves:` on a step stand in for the coach, so plans test the partner alone.
/// A list of rules means "one of".
struct ConversationPlan: Decodable, CustomTestStringConvertible, Sendable {
  struct Step: Decodable, Sendable {
    var user: String
    var moves: [String]?
    var expect: Expectation?
  }
  struct Expectation: Decodable, Sendable {
    var partnerRule: OneOrMany?
    var band: String?
    var outcome: String?
    var fallback: Bool?
    enum CodingKeys: String, CodingKey {
      case partnerRule = "partner_rule"
      case band, outcome, fallback
    }
  }
  struct OneOrMany: Decodable, Sendable {
    var values: [String]
    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let one = try? container.decode(String.self) { values = [one] } else { values = try container.decode([String].self) }
    }
  }
  var name = ""
  var scenario: String
  var style: String
  var seed: UInt64
  var steps: [Step]
  var testDescription: String { name }

  enum CodingKeys: String, CodingKey { case scenario, style, seed, steps }

  static var all: [ConversationPlan] {
    let folder = packageRoot.appendingPathComponent("Tests/AttuneKitTests/Fixtures/Plans")
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    return files.compactMap { file in
      guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
        var plan = try? YAMLDecoder().decode(ConversationPlan.self, from: text)
      else { return nil }
      plan.name = file
      return plan
    }
  }
}

@Test func thereArePlans() {
  #expect(ConversationPlan.all.count >= 3)
}

@Test(arguments: ConversationPlan.all)
func conversationPlanRuns(plan: ConversationPlan) throws {
  let style = try #require(AttachmentStyle(name: plan.style))
  var partner = Partner(scenario: try shipped(plan.scenario), style: style, seed: plan.seed)
  _ = partner.open()
  for (i, step) in plan.steps.enumerated() {
    let moves = (step.moves ?? []).compactMap(Move.init(id:))
    let reply = partner.respond(to: said(step.user, moves))
    guard let expect = step.expect else { continue }
    let label = "\(plan.name) step \(i + 1) '\(step.user)': got \(reply.rule) '\(reply.text)'"
    if let rules = expect.partnerRule?.values { #expect(rules.contains(reply.rule), "\(label)") }
    if let band = expect.band { #expect(reply.after.band.rawValue == band, "\(label), band \(reply.after.band)") }
    if let outcome = expect.outcome { #expect(reply.outcome?.rawValue == outcome, "\(label), outcome \(String(describing: reply.outcome))") }
    if let fallback = expect.fallback { #expect(reply.fallback == fallback, "\(label)") }
  }
}
