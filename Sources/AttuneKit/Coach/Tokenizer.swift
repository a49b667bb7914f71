/// Splits a reply into normalised tokens, sentences and clauses, keeping scalar offsets.
///
/// Works on the UTF-8 bytes of already-valid text; non-ASCII scalars are decoded only when met.
struct Tokenizer: Sendable {
  let normalizer: Normalizer
  let vocabulary: [String: Int32]
  /// Ids of the words that open a new clause (`but`, `although`, ...).
  let clauseWords: Set<Int32>

  /// Words whose full stop does not end a sentence.
  static let abbreviations: Set<String> = ["mr", "mrs", "ms", "dr", "st", "vs", "etc", "jr", "sr", "prof", "approx"]

  func tokenize(_ text: String) -> [Token] {
    var tokens: [Token] = []
    tokens.reserveCapacity(24)
    var text = text
    text.withUTF8 { bytes in
      var state = State()
      var i = 0
      var scalar = 0
      let count = bytes.count
      while i < count {
        let byte = bytes[i]
        if byte < 0x80 {
          if isWordByte(byte) || (byte == UInt8(ascii: "'") && state.wordStart != nil && i + 1 < count && isLetter(bytes[i + 1])) {
            if state.wordStart == nil { state.beginWord(utf8: i, scalar: scalar) }
            state.wordBytes.append(byte == UInt8(ascii: "'") ? byte : lower(byte))
            if isUpper(byte) { state.upper += 1 } else if isLower(byte) { state.lower += 1 }
            i += 1; scalar += 1
            continue
          }
          // Digits joined by ':' or '.' or '/' stay one number (7:40, 3.5, 50/50).
          if (byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")),
            let last = state.wordBytes.last, isDigit(last), i + 1 < count, isDigit(bytes[i + 1])
          {
            state.wordBytes.append(byte)
            i += 1; scalar += 1
            continue
          }
          // A hyphen inside a word separates its parts without breaking the clause (self-centered, time-out).
          if byte == UInt8(ascii: "-"), state.wordStart != nil, i + 1 < count, isLetter(bytes[i + 1]) {
            flushWord(&state, &tokens, utf8End: i, scalarEnd: scalar)
            i += 1; scalar += 1
            continue
          }
          flushWord(&state, &tokens, utf8End: i, scalarEnd: scalar)
          switch byte {
          case UInt8(ascii: "?"), UInt8(ascii: "!"):
            var j = i
            var hasQuestion = false
            while j < count, bytes[j] == UInt8(ascii: "?") || bytes[j] == UInt8(ascii: "!") {
              if bytes[j] == UInt8(ascii: "?") { hasQuestion = true }
              j += 1
            }
            append(&tokens, &state, hasQuestion ? "?" : "!", .sentenceEnd, i, j, scalar, scalar + (j - i))
            scalar += j - i; i = j
            state.endSentence()
          case UInt8(ascii: "."):
            var j = i
            while j < count, bytes[j] == UInt8(ascii: ".") { j += 1 }
            if j - i == 1, let last = tokens.last, last.kind == .word, last.utf8End == i,
              Tokenizer.abbreviations.contains(last.text)
            {
              // "Mr." and friends do not end a sentence.
              scalar += 1; i = j
              continue
            }
            if j - i >= 2 {
              append(&tokens, &state, "...", .clauseBreak, i, j, scalar, scalar + (j - i))
              state.clause += 1
            } else {
              append(&tokens, &state, ".", .sentenceEnd, i, j, scalar, scalar + 1)
              state.endSentence()
            }
            scalar += j - i; i = j
          case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"):
            append(&tokens, &state, byte == UInt8(ascii: ";") ? ";" : ",", .clauseBreak, i, i + 1, scalar, scalar + 1)
            state.clause += 1
            i += 1; scalar += 1
          case 0x0A, 0x0D:
            if state.sentenceHasWords { state.endSentence() }
            i += 1; scalar += 1
          default:
            i += 1; scalar += 1
          }
          continue
        }
        // Non-ASCII: decode one scalar.
        let (value, length) = decodeScalar(bytes, at: i)
        if let unicode = Unicode.Scalar(value), unicode.properties.isAlphabetic || unicode.properties.numericType != nil {
          if state.wordStart == nil { state.beginWord(utf8: i, scalar: scalar) }
          state.wordBytes.append(contentsOf: String(unicode).lowercased().utf8)
          if unicode.properties.isUppercase { state.upper += 1 } else { state.lower += 1 }
          i += length; scalar += 1
          continue
        }
        if value == 0x2019 || value == 0x2018 || value == 0x02BC {
          // Curly apostrophe inside a word.
          if state.wordStart != nil, i + length < count, isLetter(bytes[i + length]) {
            state.wordBytes.append(UInt8(ascii: "'"))
            i += length; scalar += 1
            continue
          }
        }
        flushWord(&state, &tokens, utf8End: i, scalarEnd: scalar)
        switch value {
        case 0x2026:
          append(&tokens, &state, "...", .clauseBreak, i, i + length, scalar, scalar + 1)
          state.clause += 1
        case 0x2013, 0x2014:
          append(&tokens, &state, ",", .clauseBreak, i, i + length, scalar, scalar + 1)
          state.clause += 1
        case 0xFE0E, 0xFE0F, 0x200D, 0x1F3FB...0x1F3FF, 0x2018, 0x2019, 0x201C, 0x201D, 0x00A0, 0x2000...0x200C, 0xFFFD:
          break
        default:
          let symbol = String(Unicode.Scalar(value).map(Character.init) ?? " ")
          append(&tokens, &state, symbol, .symbol, i, i + length, scalar, scalar + 1)
        }
        i += length; scalar += 1
      }
      flushWord(&state, &tokens, utf8End: count, scalarEnd: scalar)
    }
    return tokens
  }

  // MARK: - State

  private struct State {
    var wordStart: (utf8: Int, scalar: Int)?
    var wordBytes: [UInt8] = []
    var upper = 0
    var lower = 0
    var sentence: Int32 = 0
    var clause: Int32 = 0
    var sentenceHasWords = false

    mutating func beginWord(utf8: Int, scalar: Int) {
      wordStart = (utf8, scalar)
      wordBytes.removeAll(keepingCapacity: true)
      upper = 0
      lower = 0
    }

    mutating func endSentence() {
      sentence += 1
      clause += 1
      sentenceHasWords = false
    }
  }

  private func append(
    _ tokens: inout [Token], _ state: inout State, _ text: String, _ kind: Token.Kind,
    _ utf8Start: Int, _ utf8End: Int, _ start: Int, _ end: Int
  ) {
    if kind == .sentenceEnd, !state.sentenceHasWords, let last = tokens.last, last.kind == .sentenceEnd {
      // "?! ." after a sentence already ended: fold into it.
      tokens[tokens.count - 1].end = end
      tokens[tokens.count - 1].utf8End = utf8End
      state.sentence -= 1
      return
    }
    tokens.append(
      Token(
        text: text, id: vocabulary[text] ?? Token.unknown, kind: kind, start: start, end: end,
        utf8Start: utf8Start, utf8End: utf8End, sentence: state.sentence, clause: state.clause, isCaps: false))
    if kind == .symbol { state.sentenceHasWords = true }
  }

  private func flushWord(_ state: inout State, _ tokens: inout [Token], utf8End: Int, scalarEnd: Int) {
    guard let start = state.wordStart else { return }
    state.wordStart = nil
    let isCaps = state.upper >= 2 && state.lower == 0
    var apostrophe = false
    var stretched = false
    var run = 0
    var previous: UInt8 = 0
    for byte in state.wordBytes {
      if byte == UInt8(ascii: "'") { apostrophe = true }
      if byte == previous { run += 1; if run >= 2 { stretched = true } } else { run = 0 }
      previous = byte
    }
    let plain = apostrophe || stretched ? nil : state.wordBytes.withUnsafeBufferPointer(normalizer.plainPieces)
    let pieces = plain
      ?? normalizer.pieces(String(decoding: state.wordBytes, as: UTF8.self), apostrophe: apostrophe, stretched: stretched)
    for piece in pieces {
      if piece.id >= 0, clauseWords.contains(piece.id), state.sentenceHasWords { state.clause += 1 }
      tokens.append(
        Token(
          text: piece.text, id: piece.id, kind: .word, start: start.scalar, end: scalarEnd,
          utf8Start: start.utf8, utf8End: utf8End, sentence: state.sentence, clause: state.clause, isCaps: isCaps))
      state.sentenceHasWords = true
    }
  }
}

@inline(__always) private func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
@inline(__always) private func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
@inline(__always) private func isLetter(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) }
@inline(__always) private func isWordByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }
@inline(__always) private func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b + 32 : b }

/// Decodes the scalar starting at `i` of valid UTF-8.
@inline(__always) private func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
  let b0 = UInt32(bytes[i])
  let n = bytes.count
  if b0 & 0xE0 == 0xC0, i + 1 < n {
    return ((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2)
  }
  if b0 & 0xF0 == 0xE0, i + 2 < n {
    return ((b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3)
  }
  if b0 & 0xF8 == 0xF0, i + 3 < n {
    return (
      (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
        | UInt32(bytes[i + 3] & 0x3F), 4
    )
  }
  return (0xFFFD, 1)
}
