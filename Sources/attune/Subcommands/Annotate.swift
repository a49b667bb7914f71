import ArgumentParser
import AttuneKit

extension AttuneCommand {
  struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Annotate one utterance per input line with the coach."
    )

    @Argument(help: "Files to read, one utterance per line. Reads standard input when none are given.")
    var files: [String] = []

    func run() throws {
      let coach = Coach()
      while let line = readLine() {
        print(coach.annotate(line).jsonLine)
      }
    }
  }
}
