/// Word lists for the partner's own light detection (from `Resources/partner/cues.yaml`).
public struct CueLexicon: Sendable, Equatable {
  /// Phrases (already split into lowercase words) for each phrase-based cue.
  public var phrases: [Cue: [[String]]]
  /// Common English words: a line with none of these may be gibberish or another language.
  public var english: Set<String>
  /// Common words of other languages.
  public var foreign: Set<String>
  /// Words that signal small talk or another subject.
  public var offtopic: Set<String>
  /// Words that keep a line about the two of you.
  public var relationship: Set<String>
  /// Number words for return times ("twenty minutes").
  public var numbers: Set<String>
  /// Phrases that name a time to come back ("tomorrow", "after dinner").
  public var returnPhrases: [[String]]
  /// What the partner says when it steps out of the role for safety.
  public var safetyMessage: String
  /// Idioms that hold a safety phrase but are no danger ("would it kill you to", "you beat me to
  /// it"): their words are skipped when looking for safety phrases.
  public var figuresOfSpeech: [[String]] = []

  public init(
    phrases: [Cue: [[String]]] = [:], english: Set<String> = [], foreign: Set<String> = [],
    offtopic: Set<String> = [], relationship: Set<String> = [], numbers: Set<String> = [],
    returnPhrases: [[String]] = [], safetyMessage: String = ""
  ) {
    self.phrases = phrases
    self.english = english
    self.foreign = foreign
    self.offtopic = offtopic
    self.relationship = relationship
    self.numbers = numbers
    self.returnPhrases = returnPhrases
    self.safetyMessage = safetyMessage
  }
}

/// One cue found, with the words that gave it away.
public struct CueHit: Sendable, Equatable {
  public var cue: Cue
  public var evidence: String
}

/// Splits text into lowercase word tokens (letters, digits and apostrophes).
func tokenize(_ text: String) -> [String] {
  var tokens: [String] = []
  var current = ""
  for scalar in text.unicodeScalars {
    if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "'"
      || scalar == "\u{2019}"
    {
      current.unicodeScalars.append(scalar == "\u{2019}" ? "'" : scalar)
    } else if !current.isEmpty {
      tokens.append(current.lowercased())
      current = ""
    }
  }
  if !current.isEmpty { tokens.append(current.lowercased()) }
  return tokens.map { $0.trimmingCharacters(in: "'") }.filter { !$0.isEmpty }
}

extension String {
  func trimmingCharacters(in set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s.removeFirst() }
    while s.last == set { s.removeLast() }
    return String(s)
  }
}

/// Index of the first occurrence of `phrase` in `tokens`.
func find(_ phrase: [String], in tokens: [String]) -> Int? {
  guard !phrase.isEmpty, phrase.count <= tokens.count else { return nil }
  for start in 0...(tokens.count - phrase.count) where tokens[start] == phrase[0] {
    var ok = true
    for offset in 1..<phrase.count where tokens[start + offset] != phrase[offset] {
      ok = false
      break
    }
    if ok { return start }
  }
  return nil
}

/// Finds cues in one user line.
public struct CueDetector: Sendable {
  public let lexicon: CueLexicon

  public init(lexicon: CueLexicon) {
    self.lexicon = lexicon
  }

  /// The normalised form used to spot a repeated line.
  public static func normalise(_ text: String) -> String {
    tokenize(text).joined(separator: " ")
  }

  /// Every cue in `text`.
  /// - Parameters:
  ///   - previous: the user's earlier lines, normalised, most recent last.
  ///   - topicWords: the scenario's subject words, lowercase.
  ///   - hasMoves: whether the coach found any move (off-topic needs it not to).
  public func detect(_ text: String, previous: [String], topicWords: [String], hasMoves: Bool)
    -> [CueHit]
  {
    let tokens = tokenize(text)
    let words = tokens.filter { !$0.allSatisfy(\.isNumber) }
    var hits: [CueHit] = []
    func add(_ cue: Cue, _ evidence: String) { hits.append(CueHit(cue: cue, evidence: evidence)) }

    // Safety phrases are looked for outside figures of speech.
    var literal = tokens
    for idiom in lexicon.figuresOfSpeech {
      while let start = find(idiom, in: literal) {
        for index in start..<start + idiom.count { literal[index] = "" }
      }
    }
    for cue in Cue.allCases where cue != .ack && lexicon.phrases[cue] != nil {
      for phrase in lexicon.phrases[cue] ?? [] where find(phrase, in: cue == .safety ? literal : tokens) != nil {
        let quote = Partner.echo(text) ?? text.trimmingWhitespace
        add(
          cue,
          [.blame, .plea, .shutdown, .ultimatum].contains(cue)
            ? quote : phrase.joined(separator: " "))
        break
      }
    }

    let normal = tokens.joined(separator: " ")
    if !normal.isEmpty, previous.suffix(4).contains(normal) {
      add(.repeat, text.trimmingWhitespace)
    }

    let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
    let digits = text.unicodeScalars.filter { ("0"..."9").contains($0) }
    if letters.isEmpty && digits.isEmpty {
      let visible = text.unicodeScalars.filter { !$0.properties.isWhitespace }
      if visible.contains(where: Self.isEmoji) {
        add(.emoji, text.trimmingWhitespace)
      } else if !visible.isEmpty {
        add(.silence, text.trimmingWhitespace)
      }
    }

    if words.count <= 3, !words.isEmpty,
      let acks = lexicon.phrases[.ack],
      acks.contains(words) || words.allSatisfy({ acks.contains([$0]) })
    {
      add(.ack, words.joined(separator: " "))
    }

    if !letters.isEmpty {
      let nonLatin = letters.contains { $0.value > 0x024F }
      let accented = letters.contains { $0.value >= 0x00C0 && $0.value <= 0x024F }
      let englishCount = tokens.filter { lexicon.english.contains($0) }.count
      let foreignCount = tokens.filter { lexicon.foreign.contains($0) }.count
      if nonLatin || (foreignCount > englishCount) || (accented && englishCount * 2 < tokens.count)
      {
        add(.foreign, text.trimmingWhitespace)
      } else if englishCount == 0, !words.isEmpty,
        words.allSatisfy({ Self.looksUnpronounceable($0) || $0.count == 1 }),
        words.contains(where: { $0.count >= 3 })
      {
        add(.gibberish, text.trimmingWhitespace)
      }
    }

    if text.contains("!!") || text.contains("?!") || text.contains("!?")
      || Self.hasShoutedWord(text)
    {
      add(.shout, text.trimmingWhitespace)
    }

    if text.contains("?") || (tokens.first.map(Self.questionStarters.contains) ?? false) {
      add(.question, text.trimmingWhitespace)
    }

    let onTopic = topicWords.first { word in
      word.contains(" ")
        ? find(word.split(separator: " ").map(String.init), in: tokens) != nil
        : tokens.contains { $0 == word || ($0.hasPrefix(word) && $0.count <= word.count + 3) }
    }
    let personal = tokens.contains { lexicon.relationship.contains($0) }
    if let word = onTopic {
      add(.topic, word)
    } else if !personal, let word = tokens.first(where: { lexicon.offtopic.contains($0) }) {
      // Small talk ("what's the weather like?") is off-topic whatever else the coach read in it.
      add(.offtopic, word)
    } else if !hasMoves, !personal, tokens.count >= 3, hits.allSatisfy({ $0.cue == .question || $0.cue == .shout }) {
      add(.offtopic, tokens.prefix(4).joined(separator: " "))
    }
    return hits
  }

  static let questionStarters: Set<String> = [
    "what", "why", "how", "when", "where", "who", "which", "do", "does", "did", "can", "could",
    "would",
    "will", "are", "is", "should", "have", "has", "was", "were", "am", "shall",
  ]

  static func isEmoji(_ scalar: Unicode.Scalar) -> Bool {
    let p = scalar.properties
    return (p.isEmoji && (p.isEmojiPresentation || scalar.value > 0x2000))
      || (0x1F000...0x1FAFF).contains(scalar.value)
  }

  /// A word of letters with no vowels, a run of four or more consonants, or a keyboard row.
  static func looksUnpronounceable(_ word: String) -> Bool {
    let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]
    let letters = word.filter(\.isLetter)
    guard letters.count >= 3 else { return false }
    for row in ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
    where letters.count >= 4 && row.contains(letters) {
      return true
    }
    let vowelCount = letters.filter { vowels.contains($0) }.count
    if vowelCount == 0 { return true }
    if Double(vowelCount) / Double(letters.count) < 0.2 { return true }
    var run = 0
    for ch in letters {
      run = vowels.contains(ch) ? 0 : run + 1
      if run >= 5 { return true }
    }
    return false
  }

  static func hasShoutedWord(_ text: String) -> Bool {
    var word = ""
    var upperWords = 0
    var lowerWords = 0
    for ch in text + " " {
      if ch.isLetter {
        word.append(ch)
        continue
      }
      if word.count >= 3 {
        if word == word.uppercased() && word != word.lowercased() {
          upperWords += 1
        } else {
          lowerWords += 1
        }
      }
      word = ""
    }
    return upperWords >= 1 && (upperWords >= lowerWords || upperWords >= 2 || lowerWords >= 1)
  }

  /// "in twenty minutes", "at 8", "after dinner": when the user says they'll be back.
  public func returnTime(in text: String) -> String? {
    let tokens = tokenize(text)
    let units: Set<String> = ["minutes", "minute", "mins", "min", "hour", "hours", "hrs"]
    for (i, token) in tokens.enumerated() {
      if units.contains(token), i > 0 {
        let amount = tokens[i - 1]
        if Int(amount) != nil || lexicon.numbers.contains(amount) {
          if i > 1, tokens[i - 2] == "in" || tokens[i - 2] == "for" {
            return "in \(amount) \(token)"
          }
          return "in \(amount) \(token)"
        }
        if amount == "few" || amount == "couple" { return "in a \(amount) \(token)" }
        if amount == "an" || amount == "a" { return "in \(amount) \(token)" }
      }
      if token == "at" || token == "by", i + 1 < tokens.count {
        let next = tokens[i + 1]
        if Int(next) != nil || next.first?.isNumber == true || lexicon.numbers.contains(next) {
          var phrase = "at \(next)"
          if i + 2 < tokens.count, ["pm", "am", "o'clock", "thirty"].contains(tokens[i + 2]) {
            phrase += " \(tokens[i + 2])"
          }
          return phrase
        }
      }
    }
    for phrase in lexicon.returnPhrases where find(phrase, in: tokens) != nil {
      return phrase.joined(separator: " ")
    }
    return nil
  }
}
