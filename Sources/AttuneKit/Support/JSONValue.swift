/// A parsed JSON value. Numbers keep whether they were written as whole numbers, so a reader
/// can tell `"turn": 3` from `"turn": 3.5` and `"turn": "3"`.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case integer(Int)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// What a reader calls this kind of value in an error message: `a string`, `a number`...
  public var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "true/false"
    case .integer, .number: return "a number"
    case .string: return "a string"
    case .array: return "a list"
    case .object: return "an object"
    }
  }

  /// The value, short enough to quote in an error message.
  public var quoted: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .integer(let i): return String(i)
    case .number(let d): return String(d)
    case .string(let s):
      let short = s.count > 40 ? String(s.prefix(37)) + "…" : s
      return "\"\(short)\""
    case .array(let a): return "a list of \(a.count)"
    case .object: return "an object"
    }
  }

  public subscript(key: String) -> JSONValue? {
    if case .object(let fields) = self { return fields[key] }
    return nil
  }
}

/// Where and why a JSON text could not be parsed.
public struct JSONSyntaxError: Error, Sendable, Equatable {
  /// 1-based column, counted in bytes.
  public var column: Int
  public var message: String
  /// True when the text ended before the value did (a line cut off mid-write).
  public var truncated: Bool
}

/// A strict JSON parser (RFC 8259) over UTF-8 bytes, with the column of the first error.
public struct JSONParser {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index = 0
  private var depth = 0
  private static let maxDepth = 128

  private init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  /// Parses one complete JSON value (surrounding whitespace allowed).
  public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
    let array = Array(bytes)
    let result = array.withUnsafeBufferPointer { buffer in
      Result { () throws(JSONSyntaxError) -> JSONValue in try parse(buffer) }
    }
    return try result.get()
  }

  public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError)
    -> JSONValue
  {
    var parser = JSONParser(buffer)
    parser.skipWhitespace()
    let value = try parser.parseValue()
    parser.skipWhitespace()
    if parser.index < buffer.count {
      throw parser.error("unexpected \(parser.describeCurrent()) after the end of the value")
    }
    return value
  }

  private func error(_ message: String, truncated: Bool = false) -> JSONSyntaxError {
    JSONSyntaxError(column: index + 1, message: message, truncated: truncated)
  }

  private func endError(_ what: String) -> JSONSyntaxError {
    error("the line ends before \(what)", truncated: true)
  }

  private func describeCurrent() -> String {
    guard index < bytes.count else { return "end of line" }
    let byte = bytes[index]
    if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(String(byte, radix: 16, uppercase: true))"
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    guard index < bytes.count else { throw endError("a value") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default: throw error("expected a value, found \(describeCurrent())")
    }
  }

  private mutating func literal(_ word: String) throws(JSONSyntaxError) {
    let utf8 = Array(word.utf8)
    for (offset, byte) in utf8.enumerated() {
      guard index + offset < bytes.count else { throw endError("'\(word)' is complete") }
      if bytes[index + offset] != byte {
        index += offset
        throw error("expected '\(word)', found \(describeCurrent())")
      }
    }
    index += utf8.count
  }

  private mutating func enter() throws(JSONSyntaxError) {
    depth += 1
    if depth > Self.maxDepth { throw error("nested more than \(Self.maxDepth) levels deep") }
  }

  private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    index += 1
    var fields: [String: JSONValue] = [:]
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(fields)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count else { throw endError("the object is closed") }
      guard bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a field name in quotes, found \(describeCurrent())")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count else { throw endError("the object is closed") }
      guard bytes[index] == UInt8(ascii: ":") else {
        throw error("expected ':' after \"\(key)\", found \(describeCurrent())")
      }
      index += 1
      skipWhitespace()
      fields[key] = try parseValue()
      skipWhitespace()
      guard index < bytes.count else { throw endError("the object is closed") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "}"): index += 1; return .object(fields)
      default: throw error("expected ',' or '}', found \(describeCurrent())")
      }
    }
  }

  private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
    try enter()
    defer { depth -= 1 }
    index += 1
    var items: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      items.append(try parseValue())
      skipWhitespace()
      guard index < bytes.count else { throw endError("the list is closed") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "]"): index += 1; return .array(items)
      default: throw error("expected ',' or ']', found \(describeCurrent())")
      }
    }
  }

  private mutating func parseString() throws(JSONSyntaxError) -> String {
    index += 1
    let start = index
    // Fast path: no escapes.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("a control character (0x\(String(byte, radix: 16))) inside a string") }
      index += 1
    }
    var scratch = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        return String(decoding: scratch, as: UTF8.self)
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw endError("the string is closed") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar), index + 1 < bytes.count,
            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          {
            let save = index
            index += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              index = save
            }
          }
          let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
          scratch.append(contentsOf: Array(String(Character(value)).utf8))
        default:
          index -= 1
          throw error("unknown escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
        }
      default:
        if byte < 0x20 { throw error("a control character (0x\(String(byte, radix: 16))) inside a string") }
        scratch.append(byte)
        index += 1
      }
    }
    throw endError("the string is closed")
  }

  private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard index < bytes.count else { throw endError("the \\u escape is complete") }
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("expected a hex digit in a \\u escape, found \(describeCurrent())")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
    let start = index
    var isInteger = true
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    func digits(_ parser: inout JSONParser) -> Int {
      let from = parser.index
      while parser.index < parser.bytes.count,
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index])
      {
        parser.index += 1
      }
      return parser.index - from
    }
    guard index < bytes.count else { throw endError("the number is complete") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else if digits(&self) == 0 {
      throw error("expected a digit, found \(describeCurrent())")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      if digits(&self) == 0 {
        if index >= bytes.count { throw endError("the number is complete") }
        throw error("expected a digit after '.', found \(describeCurrent())")
      }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
        index += 1
      }
      if digits(&self) == 0 {
        if index >= bytes.count { throw endError("the number is complete") }
        throw error("expected a digit in the exponent, found \(describeCurrent())")
      }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    if isInteger, let int = Int(text) { return .integer(int) }
    guard let double = Double(text) else {
      index = start
      throw error("'\(text)' is not a number")
    }
    return .number(double)
  }
}
