extension String {
  /// The text made safe inside HTML elements and quoted attribute values.
  public var htmlEscaped: String {
    var out = ""
    out.reserveCapacity(utf8.count)
    for scalar in unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default:
        // Control characters other than tab and newline have no business in a page.
        if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" || scalar.value == 0x7F {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// The text made literal in Markdown inline content: characters that would start emphasis,
  /// code, links or HTML are backslash-escaped, and line breaks become spaces.
  public var markdownEscaped: String {
    var out = ""
    out.reserveCapacity(utf8.count)
    for character in self {
      switch character {
      case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "~":
        out.append("\\")
        out.append(character)
      case "\n", "\r\n", "\r", "\t":
        out.append(" ")
      default:
        out.append(character)
      }
    }
    return out
  }
}
