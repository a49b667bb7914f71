import ArgumentParser
import AttuneKit
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

extension AttuneCommand {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Sum up transcripts for a person or a whole workshop.",
      discussion: """
        Per transcript (and per player in a hot seat): outcome, turns, secure and insecure moves \
        with their ratio, the Four Horsemen, repairs tried and received, and the partner's arousal \
        path. For the room: the commonest insecure moves with their antidotes, the three best \
        repair lines and the outcomes by partner style. A folder stands for the *.jsonl files in \
        it; files that are not transcripts are skipped with a message on standard error.
        """
    )

    @Argument(help: "Transcript files, or folders holding them.")
    var paths: [String] = []

    @Option(help: "Output format: md (Markdown tables), html (one self-contained page) or csv (one row per transcript).")
    var format: ReportFormat = .md

    @Option(help: "Write the report to this file (replaced atomically) instead of standard output.")
    var out: String?

    @Flag(help: "Show participants as P1, P2, ... and replace their names in what they wrote.")
    var anonymous = false

    @Option(help: "Reader threads (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
      guard !paths.isEmpty else {
        throw ValidationError("name at least one transcript file or folder, e.g. attune report Transcripts/")
      }
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
    }

    func run() throws {
      let (files, emptyFolders) = TranscriptBatch.files(in: paths)
      guard !files.isEmpty else {
        printError("attune report: no transcripts in \(Self.list(paths)) (looked for *.jsonl files)")
        throw ExitCode.failure
      }
      for folder in emptyFolders { printError("attune report: note: no transcripts in '\(folder)'") }
      let progress = isatty(STDERR_FILENO) != 0 && files.count > 1 ? Progress(total: files.count) : nil
      var report: (@Sendable (Int, Int) -> Void)?
      if let progress { report = { done, _ in progress.update(done) } }
      let results = TranscriptBatch.read(files, workers: jobs, progress: report)
      progress?.clear()

      var transcripts: [Transcript] = []
      var skipped: [SkippedFile] = []
      for result in results {
        switch result {
        case .success(let transcript): transcripts.append(transcript)
        case .failure(let error):
          let file = SkippedFile(error)
          skipped.append(file)
          printError("attune report: skipped \(file.path): \(file.reason)")
        }
      }
      guard !transcripts.isEmpty else {
        printError(
          "attune report: no transcript could be read from \(Self.list(paths)) (\(skipped.count) file\(skipped.count == 1 ? "" : "s") skipped)")
        throw ExitCode.failure
      }

      let options = ReportOptions(
        anonymous: anonymous, windows: ToleranceWindow.shipped, antidotes: RuleBook.antidoteTemplates(),
        scenarioTitles: Self.titles(Set(transcripts.compactMap { $0.header?.scenario })))
      let group = GroupReport(transcripts: transcripts, skipped: skipped, options: options)
      let text: String
      switch format {
      case .md: text = MarkdownReport.format(group)
      case .html: text = HTMLReport.format(group)
      case .csv: text = CSVReport.format(group)
      }
      try Self.emit(text, to: out, command: "report")
    }

    /// Titles of the shipped scenarios named by the transcripts; ids that do not resolve are left out.
    static func titles(_ ids: Set<String>) -> [String: String] {
      guard let library = try? ScenarioLibrary.locate() else { return [:] }
      var titles: [String: String] = [:]
      for id in ids.sorted() where !id.contains("/") {
        if let scenario = try? library.scenario(id), !scenario.title.isEmpty { titles[id] = scenario.title }
      }
      return titles
    }

    static func list(_ paths: [String]) -> String {
      paths.map { "'\($0)'" }.joined(separator: ", ")
    }

    /// Writes `text` to standard output, or atomically to `path`.
    static func emit(_ text: String, to path: String?, command: String) throws {
      guard let path else {
        FileHandle.standardOutput.write(Data(text.utf8))
        return
      }
      do {
        try AtomicFile.write(Array(text.utf8), to: path)
      } catch {
        printError("attune \(command): \(error)")
        throw ExitCode.failure
      }
    }
  }

  enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case md, html, csv
  }

  /// `reading 120/500…` on standard error, overwritten in place and cleared at the end.
  final class Progress: @unchecked Sendable {
    private let total: Int
    private let lock = NSLock()
    private var shown = 0
    private let step: Int

    init(total: Int) {
      self.total = total
      step = max(1, total / 100)
    }

    func update(_ done: Int) {
      lock.lock()
      defer { lock.unlock() }
      guard done - shown >= step || done == total else { return }
      shown = done
      FileHandle.standardError.write(Data("\rreading \(done)/\(total)…".utf8))
    }

    func clear() {
      lock.lock()
      defer { lock.unlock() }
      if shown > 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
  }
}
