import ArgumentParser
import AttuneKit

#if canImport(Glibc)
  import Glibc
#endif

extension AttuneCommand {
  struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Annotate one utterance per input line with the coach.",
      discussion: """
        Reads the files in order (standard input when none are given) and writes one annotation \
        per input line, in input order, as it goes. An empty line is neutral and still gets its line.
        """
    )

    @Argument(help: "Files to read, one utterance per line. Reads standard input when none are given.")
    var files: [String] = []

    @Option(
      help: "Output format: jsonl (one JSON object per line), tsv (text, moves, verdict), text (for people), tokens (what the rules see) or rules (the rules kept and the moves they cancelled, before the backup model).")
    var format: AnnotationBatch.Format = .jsonl

    @Option(help: "Worker threads (default: one per core).")
    var jobs: Int = BatchDefaults.workers

    /// Lines annotated together: large enough to share across cores, small enough for flat memory.
    static let batchSize = 4096

    func validate() throws {
      guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, not \(jobs)") }
    }

    func run() throws {
      do {
        try RuleBook.checkOverride()
      } catch {
        printError("attune annotate: ATTUNE_COACH_RULES: \(error)")
        throw ExitCode(2)
      }
      let renderer = AnnotationBatch(
        coach: Coach.shared, format: format, style: TextStyle.forStandardOutput(), workers: jobs)
      var output = OutputBuffer(descriptor: STDOUT_FILENO)
      var failures: [String] = []
      let sources: [String?] = files.isEmpty ? [nil] : files.map { $0 == "-" ? nil : $0 }
      for source in sources {
        let descriptor: Int32
        if let path = source {
          descriptor = open(path, O_RDONLY)
          if descriptor < 0 {
            failures.append("attune annotate: cannot read '\(path)': \(String(cString: strerror(errno)))")
            continue
          }
        } else {
          descriptor = STDIN_FILENO
        }
        defer { if source != nil { close(descriptor) } }
        var lines = LineStream(descriptor: descriptor)
        // Someone typing at a terminal gets each answer at once; a pipe is read in batches.
        let interactive = isatty(descriptor) != 0
        let batchSize = interactive ? 1 : Self.batchSize
        var batch: [String] = []
        batch.reserveCapacity(batchSize)
        while let line = lines.nextLine() {
          batch.append(line)
          if batch.count == batchSize {
            output.write(renderer.render(batch))
            if interactive { output.flush() }
            batch.removeAll(keepingCapacity: true)
          }
        }
        if !batch.isEmpty { output.write(renderer.render(batch)) }
        if let error = lines.readError {
          failures.append("attune annotate: error reading '\(source ?? "standard input")': \(String(cString: strerror(error)))")
        }
      }
      output.flush()
      if !failures.isEmpty {
        for failure in failures { printError(failure) }
        throw ExitCode.failure
      }
    }
  }
}
