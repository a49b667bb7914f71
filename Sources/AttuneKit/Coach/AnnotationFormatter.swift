/// Renders annotations for people (`text`) and for spreadsheets (`tsv`).
public enum AnnotationFormatter {
  /// `text<TAB>moves<TAB>verdict`, moves comma separated; tabs and newlines in the text become spaces.
  public static func tsvLine(_ annotation: Annotation) -> String {
    let text = annotation.text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    let moves = annotation.moves.map(\.move.rawValue).joined(separator: ",")
    return "\(text)\t\(moves)\t\(annotation.verdict.rawValue)"
  }

  /// Tokens separated by spaces, `|` between sentences.
  public static func tokenLine(_ tokens: [Token]) -> String {
    var out = ""
    var sentence: Int32 = tokens.first?.sentence ?? 0
    for token in tokens {
      if token.sentence != sentence {
        out += out.isEmpty ? "" : " |"
        sentence = token.sentence
      }
      if !out.isEmpty { out += " " }
      out += token.text
    }
    return out
  }

  /// The verdict in colour, the text with its evidence underlined, one line per move, the antidote below.
  public static func text(_ annotation: Annotation, style: TextStyle) -> String {
    var lines: [String] = []
    lines.append("\(verdictLabel(annotation.verdict, style: style))  \(highlighted(annotation, style: style))")
    for match in annotation.moves {
      let name = match.move.isSecure ? style.green(match.move.rawValue) : style.red(match.move.rawValue)
      lines.append("  \(name): \"\(match.evidence)\" \(style.dim("(\(match.rule))"))")
    }
    if let antidote = annotation.antidote {
      lines.append("  \(style.bold("try")) (\(antidote.move.rawValue)): \(antidote.tryThis)")
      lines.append("  \(style.dim("why: \(antidote.why)"))")
    }
    return lines.joined(separator: "\n")
  }

  /// A short, one-line verdict: `insecure: criticism "you never", contempt "oh great"`.
  public static func compact(_ annotation: Annotation, style: TextStyle) -> String {
    let moves = annotation.moves.map { match -> String in
      let name = match.move.isSecure ? style.green(match.move.rawValue) : style.red(match.move.rawValue)
      return "\(name) \"\(match.evidence)\""
    }
    let head = verdictLabel(annotation.verdict, style: style)
    return moves.isEmpty ? head : "\(head): \(moves.joined(separator: ", "))"
  }

  public static func verdictLabel(_ verdict: Verdict, style: TextStyle) -> String {
    switch verdict {
    case .secure: return style.bold(style.green("secure"))
    case .insecure: return style.bold(style.red("insecure"))
    case .mixed: return style.bold(style.yellow("mixed"))
    case .neutral: return style.bold(style.dim("neutral"))
    }
  }

  /// The text with every evidence span underlined (when styled).
  static func highlighted(_ annotation: Annotation, style: TextStyle) -> String {
    guard style.colour, !annotation.moves.isEmpty else { return annotation.text }
    let scalars = Array(annotation.text.unicodeScalars)
    var marked = [Bool](repeating: false, count: scalars.count)
    for match in annotation.moves {
      for i in max(0, match.start)..<min(scalars.count, match.end) { marked[i] = true }
    }
    var out = ""
    var run = String.UnicodeScalarView()
    var runMarked = false
    func flush() {
      let piece = String(run)
      out += runMarked ? style.underline(piece) : piece
      run = String.UnicodeScalarView()
    }
    for (i, scalar) in scalars.enumerated() {
      if marked[i] != runMarked {
        flush()
        runMarked = marked[i]
      }
      run.append(scalar)
    }
    flush()
    return out
  }
}
