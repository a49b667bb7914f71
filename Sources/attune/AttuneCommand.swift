import ArgumentParser
import AttuneKit

@main
struct AttuneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attune",
    abstract: "Practise a hard conversation with a simulated partner, with a coach beside you.",
    version: AttuneVersion.string,
    subcommands: [Chat.self, Scenarios.self, Lint.self, Annotate.self, Replay.self, Report.self, Export.self],
    defaultSubcommand: Chat.self
  )
}
