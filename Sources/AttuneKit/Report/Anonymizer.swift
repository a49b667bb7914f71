import Foundation

/// Replaces participants' names with `P1`, `P2`, ... in everything a report shows.
///
/// Names are numbered in the order they are first met (the order the report lists its
/// transcripts, and within one the session's name, then its players). Matching is whole-word and
/// ignores case and accents, so "ben", "BEN'S" and "chloe" are caught as well as "Ben" and
/// "Chloé"; a name that is also an ordinary
/// word (Will, May) is replaced where that word is used too, erring on the side of privacy. A
/// name with spaces is also found written with `-` or `_` (as in a file name).
public struct Anonymizer: Sendable, Equatable {
  /// Each name and its alias, in numbering order.
  public private(set) var aliases: [(name: String, alias: String)] = []
  /// Lowercased spellings to look for, longest first, with the alias each stands for.
  private var variants: [(characters: [String], alias: String)] = []

  /// An anonymizer that changes nothing.
  public static let none = Anonymizer(names: [])

  /// Numbers `names` in the order given; repeats (ignoring case), blanks and the default
  /// player `you` are skipped.
  public init(names: [String]) {
    var seen: Set<String> = []
    for raw in names {
      let name = raw.trimmingWhitespace
      let key = Self.fold(name)
      guard !name.isEmpty, key != Self.defaultPlayer, seen.insert(key).inserted else { continue }
      aliases.append((name, "P\(aliases.count + 1)"))
    }
    var found: [(characters: [String], alias: String)] = []
    for (name, alias) in aliases {
      let lower = Self.fold(name)
      var spellings: Set<String> = [lower]
      if lower.contains(" ") {
        for joiner in ["-", "_", ""] {
          spellings.insert(lower.split(separator: " ").joined(separator: joiner))
        }
      }
      for spelling in spellings { found.append((spelling.map { Self.fold(String($0)) }, alias)) }
    }
    variants = found.sorted { $0.characters.count > $1.characters.count }
  }

  /// The name a chat gives its one player when no names were given.
  public static let defaultPlayer = "you"

  public static func == (lhs: Anonymizer, rhs: Anonymizer) -> Bool {
    lhs.aliases.map(\.name) == rhs.aliases.map(\.name)
  }

  /// Whether any name is replaced.
  public var isActive: Bool { !aliases.isEmpty }

  /// The alias of `name` (`P2`), or the name itself when it is not one of the participants.
  public func alias(for name: String) -> String {
    let key = Self.fold(name.trimmingWhitespace)
    return aliases.first { Self.fold($0.name) == key }?.alias ?? name
  }

  /// `text` with every whole-word occurrence of a name replaced by its alias.
  public func scrub(_ text: String) -> String {
    guard isActive, !text.isEmpty else { return text }
    let characters = Array(text)
    let lower = characters.map { Self.fold(String($0)) }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    var i = 0
    var changed = false
    while i < characters.count {
      if i == 0 || !Self.isWordCharacter(characters[i - 1]), let (length, alias) = match(lower, at: i, characters) {
        out += alias
        i += length
        changed = true
        continue
      }
      out.append(characters[i])
      i += 1
    }
    return changed ? out : text
  }

  private func match(_ lower: [String], at start: Int, _ characters: [Character]) -> (Int, String)? {
    for variant in variants {
      let count = variant.characters.count
      guard start + count <= lower.count else { continue }
      var same = true
      for k in 0..<count where lower[start + k] != variant.characters[k] {
        same = false
        break
      }
      guard same else { continue }
      let after = start + count
      if after < characters.count && Self.isWordCharacter(characters[after]) { continue }
      return (count, variant.alias)
    }
    return nil
  }

  /// Lowercased, without accents: the form names are compared in.
  static func fold(_ text: String) -> String {
    text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
  }

  private static func isWordCharacter(_ c: Character) -> Bool {
    c.isLetter || c.isNumber
  }
}
