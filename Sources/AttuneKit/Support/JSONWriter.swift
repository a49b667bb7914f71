/// A small, fast writer of JSON text with keys in the order they are written.
///
/// `JSONEncoder` sorts or scrambles keys and is slow on hot paths; transcripts and
/// `attune annotate` write one object per line with the field order of DESIGN.md.
public struct JSONWriter: Sendable {
  public private(set) var bytes: [UInt8] = []
  private var needsComma: [Bool] = [false]

  public init(capacity: Int = 256) {
    bytes.reserveCapacity(capacity)
  }

  /// Empties the writer, keeping its capacity.
  public mutating func reset() {
    bytes.removeAll(keepingCapacity: true)
    needsComma = [false]
  }

  /// The JSON written so far, as a string.
  public var string: String { String(decoding: bytes, as: UTF8.self) }

  public mutating func beginObject() {
    separate()
    bytes.append(UInt8(ascii: "{"))
    needsComma.append(false)
  }

  public mutating func endObject() {
    needsComma.removeLast()
    bytes.append(UInt8(ascii: "}"))
  }

  public mutating func beginArray() {
    separate()
    bytes.append(UInt8(ascii: "["))
    needsComma.append(false)
  }

  public mutating func endArray() {
    needsComma.removeLast()
    bytes.append(UInt8(ascii: "]"))
  }

  /// Writes `"name":`; the next value written is its value.
  public mutating func key(_ name: String) {
    separate()
    writeString(name)
    bytes.append(UInt8(ascii: ":"))
    needsComma[needsComma.count - 1] = false
  }

  public mutating func value(_ string: String) {
    separate()
    writeString(string)
  }

  public mutating func value(_ int: Int) {
    separate()
    bytes.append(contentsOf: String(int).utf8)
  }

  public mutating func value(_ double: Double) {
    separate()
    if double.isFinite {
      if double == double.rounded(), abs(double) < 1e15 {
        bytes.append(contentsOf: String(Int(double)).utf8)
      } else {
        bytes.append(contentsOf: String(double).utf8)
      }
    } else {
      bytes.append(contentsOf: "null".utf8)
    }
  }

  public mutating func value(_ bool: Bool) {
    separate()
    bytes.append(contentsOf: (bool ? "true" : "false").utf8)
  }

  public mutating func null() {
    separate()
    bytes.append(contentsOf: "null".utf8)
  }

  /// Writes already-valid JSON text as the next value.
  public mutating func raw(_ json: some Sequence<UInt8>) {
    separate()
    bytes.append(contentsOf: json)
  }

  public mutating func field(_ name: String, _ string: String) { key(name); value(string) }
  public mutating func field(_ name: String, _ int: Int) { key(name); value(int) }
  public mutating func field(_ name: String, _ double: Double) { key(name); value(double) }
  public mutating func field(_ name: String, _ bool: Bool) { key(name); value(bool) }

  private mutating func separate() {
    let last = needsComma.count - 1
    if needsComma[last] { bytes.append(UInt8(ascii: ",")) }
    needsComma[last] = true
  }

  private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

  private mutating func writeString(_ string: String) {
    bytes.append(UInt8(ascii: "\""))
    var string = string
    string.withUTF8 { Self.appendEscaped($0, to: &bytes) }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Whether any of the eight bytes of `word` needs an escape (below 0x20, `"`, `\`, 0x7F), by
  /// the "has a byte less than n" and "has a zero byte" tricks (Bit Twiddling Hacks): exact for
  /// whether there is one, which is all the scan needs.
  @inline(__always)
  private static func needsEscape(_ word: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func hasLess(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &- ones &* n) & ~x & highs }
    let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
    let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
    let delete = word ^ (ones &* 0x7F)
    return hasLess(word, 0x20) | hasLess(quote, 1) | hasLess(backslash, 1) | hasLess(delete, 1) != 0
  }

  /// Appends UTF-8 text with JSON escapes; runs that need none are copied whole, found eight bytes
  /// at a time (the text, the evidence and the antidote of every annotation pass through here).
  private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
    var run = 0
    var i = 0
    while i < utf8.count {
      if i + 8 <= utf8.count,
        !needsEscape(UnsafeRawPointer(utf8.baseAddress! + i).loadUnaligned(as: UInt64.self))
      {
        i += 8
        continue
      }
      let byte = utf8[i]
      i += 1
      guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else { continue }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i - 1]))
      run = i
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
      case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
      default:
        bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48])
        bytes.append(hex[Int(byte >> 4)])
        bytes.append(hex[Int(byte & 0xF)])
      }
    }
    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
  }
}

extension Annotation {
  /// Writes the annotation as the JSON object of DESIGN.md (`text, verdict, moves, signals, antidote`).
  public func write(to json: inout JSONWriter) {
    json.beginObject()
    json.field("text", text)
    json.field("verdict", verdict.rawValue)
    json.key("moves")
    json.beginArray()
    for match in moves {
      json.beginObject()
      json.field("move", match.move.rawValue)
      json.field("evidence", match.evidence)
      json.field("start", match.start)
      json.field("end", match.end)
      json.field("rule", match.rule)
      json.endObject()
    }
    json.endArray()
    json.key("signals")
    json.beginArray()
    for signal in signals { json.value(signal) }
    json.endArray()
    json.key("antidote")
    if let antidote {
      json.beginObject()
      json.field("for", antidote.forMove.rawValue)
      json.field("move", antidote.move.rawValue)
      json.field("why", antidote.why)
      json.field("try", antidote.tryThis)
      json.endObject()
    } else {
      json.null()
    }
    json.endObject()
  }

  /// The annotation as one line of JSON.
  public var jsonLine: String {
    var json = JSONWriter()
    write(to: &json)
    return json.string
  }
}
