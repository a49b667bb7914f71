import ArgumentParser
import AttuneKit
import Foundation

extension AttuneCommand {
  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Turn one transcript into a handout (Markdown or a self-contained HTML page).",
      discussion: """
        Every turn with the coach's verdict, moves and evidence, the antidote and the partner's \
        answer with its meters; turns taken back with /undo are struck through, pauses and \
        hand-overs noted; then the debrief. A damaged transcript is exported as far as it can be \
        read, with its problems listed in the handout and on standard error.
        """
    )

    @Argument(help: "The transcript to export.")
    var file: String

    @Option(help: "Output format: md (Markdown, for notes) or html (one self-contained page, for a phone, a projector or print).")
    var format: ExportFormat = .md

    @Option(help: "Write the handout to this file (replaced atomically) instead of standard output.")
    var out: String?

    func run() throws {
      let transcript: Transcript
      do {
        transcript = try TranscriptReader.read(path: file)
      } catch {
        printError("attune export: \(error)")
        throw ExitCode.failure
      }
      for issue in transcript.issues { printError(issue.description) }
      let header = transcript.header
      let scenario = header.flatMap { header in
        (try? ScenarioLibrary.resolve(header.scenario, library: try? ScenarioLibrary.locate()))
      }
      let window = header.flatMap { ToleranceWindow.shipped[$0.style] }
      let document = ExportDocument(transcript: transcript, scenario: scenario, window: window)
      let text =
        switch format {
        case .md: MarkdownExport.format(document)
        case .html: HTMLExport.format(document)
        }
      try Report.emit(text, to: out, command: "export")
    }
  }

  enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    case md, html
  }
}
