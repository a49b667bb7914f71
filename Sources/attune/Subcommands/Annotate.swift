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

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case jsonl, tsv, text
    }

    @Argument(help: "Files to read, one utterance per line. Reads standard input when none are given.")
    var files: [String] = []

    @Option(help: "Output format: jsonl (one JSON object per line), tsv (text, moves, verdict) or text (for people).")
    var format: Format = .jsonl

    func run() throws {
      let coach = Coach()
      let style = TextStyle.forStandardOutput()
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
        var json = JSONWriter(capacity: 1024)
        while let line = lines.nextLine() {
          let annotation = coach.annotate(line)
          switch format {
          case .jsonl:
            json.reset()
            annotation.write(to: &json)
            output.write(json.bytes)
            output.write(CollectionOfOne(UInt8(ascii: "\n")))
          case .tsv:
            output.write(AnnotationFormatter.tsvLine(annotation))
            output.write("\n")
          case .text:
            output.write(AnnotationFormatter.text(annotation, style: style))
            output.write("\n")
          }
        }
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
