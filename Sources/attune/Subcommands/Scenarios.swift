import ArgumentParser
import AttuneKit
import Foundation

extension AttuneCommand {
  struct Scenarios: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the shipped scenarios.",
      discussion:
        "Scenarios are read from $ATTUNE_SCENARIOS, ./Scenarios, or a Scenarios folder above the executable."
    )

    @Flag(help: "Print JSON Lines: one object per scenario.")
    var json = false

    func run() throws {
      let library: ScenarioLibrary
      do {
        library = try ScenarioLibrary.locate()
      } catch {
        TTY.printError("attune: error: \(error)")
        throw ExitCode.failure
      }
      let (scenarios, failures) = library.loadAll()
      let style = TTY.style
      for s in scenarios {
        if json {
          var w = JSONWriter()
          w.beginObject()
          w.field("id", s.id)
          w.field("title", s.title)
          w.field("difficulty", s.difficulty)
          w.field("setup", s.setup)
          w.key("needs")
          w.beginArray()
          for need in s.resolution { w.value(need) }
          w.endArray()
          w.field("path", s.path)
          w.field("sha256", s.sha256)
          w.endObject()
          print(w.string)
        } else {
          let stars =
            String(repeating: "●", count: s.difficulty)
            + String(repeating: "○", count: 3 - s.difficulty)
          print(
            "\(style.bold(s.id.padding(toLength: 22, withPad: " ", startingAt: 0))) \(stars)  \(s.title)"
          )
          let setup = s.setup.count > 100 ? String(s.setup.prefix(97)) + "…" : s.setup
          print("  \(style.dim(setup))")
        }
      }
      if !failures.isEmpty {
        TTY.printError(
          "attune: warning: \(failures.count) scenario file(s) have errors and were skipped; run `attune lint` to see them"
        )
      }
    }
  }
}
