import Foundation

/// Builds the JSON lines of a transcript (schema 1, DESIGN.md), fields in the documented order.
public enum TranscriptLine {
  public static let schema = 1

  /// The first line. Beyond DESIGN.md's fields it records, when set, the participant's `name`,
  /// `max_turns` and `coach` (so a replay can end where the chat did) and `branched_from`.
  public static func session(_ options: ChatOptions, started: Date) -> [UInt8] {
    line("session") { json in
      json.field("schema", schema)
      json.field("engine", AttuneVersion.string)
      json.field("scenario", options.scenario.id)
      json.field("scenario_sha256", options.scenario.sha256)
      json.field("style", options.style.id)
      json.key("seed")
      json.raw(Array(String(options.seed).utf8))
      json.key("players")
      json.beginArray()
      for player in options.players { json.value(player) }
      json.endArray()
      json.field("started", iso8601(started))
      if let name = options.name { json.field("name", name) }
      json.field("max_turns", options.maxTurns)
      json.field("coach", options.coach.rawValue)
      if let branch = options.branchedFrom {
        json.key("branched_from")
        json.beginObject()
        json.field("file", branch.file)
        json.field("turn", branch.turn)
        json.endObject()
      }
    }
  }

  public static func partner(turn: Int, reply: PartnerReply) -> [UInt8] {
    line("partner") { json in
      json.field("turn", turn)
      json.field("text", reply.text)
      json.field("rule", reply.rule)
      json.field("fallback", reply.fallback)
      json.key("state")
      json.beginObject()
      json.field("arousal", reply.after.arousal)
      json.field("trust", reply.after.trust)
      json.field("band", reply.after.band.rawValue)
      json.endObject()
    }
  }

  public static func user(turn: Int, player: String, annotation: Annotation) -> [UInt8] {
    line("user") { json in
      json.field("turn", turn)
      json.field("player", player)
      json.field("text", annotation.text)
      json.key("annotation")
      annotation.write(to: &json)
    }
  }

  public static func command(turn: Int, name: String, argument: String? = nil) -> [UInt8] {
    line("command") { json in
      json.field("turn", turn)
      json.field("name", name)
      if let argument { json.field("argument", argument) }
    }
  }

  /// The last line; `reason` says why when it was not the user's doing (`SIGTERM`).
  public static func end(outcome: Outcome, turns: Int, debrief: Debrief, reason: String? = nil)
    -> [UInt8]
  {
    line("end") { json in
      json.field("outcome", outcome.rawValue)
      json.field("turns", turns)
      if let reason { json.field("reason", reason) }
      json.key("summary")
      debrief.write(to: &json)
    }
  }

  /// One event: `{"type": TYPE, ...fields written by body}`.
  private static func line(_ type: String, _ body: (inout JSONWriter) -> Void) -> [UInt8] {
    var json = JSONWriter()
    json.beginObject()
    json.field("type", type)
    body(&json)
    json.endObject()
    return json.bytes
  }

  static func iso8601(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}
