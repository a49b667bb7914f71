/// A phrase pattern over normalised tokens, compiled once when the rule book loads.
///
/// Syntax (space-separated elements):
/// - `word` a literal; `a|b|c` one of several; `@list` any entry of a word list (entries may be phrases)
/// - `(you are|your)` one of several token sequences; any element may end in `?` (optional)
/// - `*N` up to N words in between (never across a clause break, a sentence end or a negator);
///   `**N` up to N tokens of any kind within the sentence
/// - `^` start of a sentence; `$` end of a sentence; `#num` a number; `<?>` `<!>` `<,>` `<.>` `<...>` punctuation
/// - `word:caps` the word written in capitals for emphasis
///
/// Alternatives and optional parts are expanded at load into linear variants, so matching is a
/// loop over tokens with backtracking only at gaps.
struct Pattern: Sendable {
  enum Step: Sendable, Equatable {
    case any(Set<Int32>, caps: Bool)
    case gap(Int)
    /// Up to N tokens of any kind within the sentence, across clause breaks (`**N`).
    case wideGap(Int)
    case sentenceStart
    case sentenceEnd
    case number
  }

  let source: String
  /// One linear sequence of steps per expansion of the pattern's alternatives.
  let variants: [[Step]]
}

/// Matches linear pattern variants against a tokenised reply.
struct PatternMatcher {
  let tokens: [Token]
  let negators: Set<Int32>
  let numberWords: Set<Int32>

  /// The end (exclusive token index) of a match of `steps` starting at token `start`, or nil.
  func match(_ steps: [Pattern.Step], from start: Int) -> Int? {
    guard start < tokens.count else { return nil }
    return match(steps, step: 0, at: start, sentence: tokens[start].sentence)
  }

  private func match(_ steps: [Pattern.Step], step first: Int, at start: Int, sentence: Int32) -> Int? {
    var index = start
    var step = first
    while step < steps.count {
      switch steps[step] {
      case .any(let ids, let caps):
        guard index < tokens.count else { return nil }
        let token = tokens[index]
        guard token.sentence == sentence, ids.contains(token.id), !caps || token.isCaps else { return nil }
        index += 1
      case .number:
        guard index < tokens.count else { return nil }
        let token = tokens[index]
        guard token.sentence == sentence, token.kind == .word,
          numberWords.contains(token.id) || token.text.utf8.first.map({ $0 >= 48 && $0 <= 57 }) == true
        else { return nil }
        index += 1
      case .gap(let limit):
        guard index < tokens.count else { return match(steps, step: step + 1, at: index, sentence: sentence) }
        let clause = index > 0 ? tokens[index - 1].clause : tokens[index].clause
        var skip = 0
        var position = index
        while true {
          if position == index || (position < tokens.count && tokens[position].clause == clause) {
            if let end = match(steps, step: step + 1, at: position, sentence: sentence) { return end }
          }
          guard skip < limit, position < tokens.count else { return nil }
          let token = tokens[position]
          guard token.kind == .word, token.sentence == sentence, token.clause == clause,
            !negators.contains(token.id)
          else { return nil }
          skip += 1
          position += 1
        }
      case .wideGap(let limit):
        var position = index
        while position <= index + limit {
          if let end = match(steps, step: step + 1, at: position, sentence: sentence) { return end }
          guard position < tokens.count, tokens[position].sentence == sentence else { return nil }
          position += 1
        }
        return nil
      case .sentenceStart:
        guard index < tokens.count, tokens[index].sentence == sentence else { return nil }
        var previous = index - 1
        // Commas before the first word still count as the start.
        while previous >= 0, tokens[previous].sentence == sentence, tokens[previous].kind == .clauseBreak {
          previous -= 1
        }
        guard previous < 0 || tokens[previous].sentence != sentence else { return nil }
      case .sentenceEnd:
        // Only punctuation and symbols may follow in this sentence.
        var position = index
        while position < tokens.count, tokens[position].sentence == sentence {
          if tokens[position].kind == .word { return nil }
          position += 1
        }
      }
      step += 1
    }
    return index
  }
}
