import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where transcript lines go.
public protocol TranscriptSink {
  /// Appends one JSON line; it must be on disk (or wherever it goes) when this returns.
  mutating func append(_ line: [UInt8]) throws(TranscriptError)
}

/// Collects lines in memory (tests, `--no-save`).
public struct MemorySink: TranscriptSink, Sendable {
  public private(set) var lines: [String] = []
  public init() {}
  public mutating func append(_ line: [UInt8]) throws(TranscriptError) {
    lines.append(String(decoding: line, as: UTF8.self))
  }
}

/// Appends JSON Lines to a file created with mode 0600, one `write(2)` per event, so a crash
/// or Ctrl-C loses nothing already said.
public final class TranscriptFile: TranscriptSink {
  public let path: String
  private var fd: Int32

  /// Creates the file (and its folder, mode 0700), refusing to overwrite an existing one.
  public init(path: String) throws(TranscriptError) {
    self.path = path
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
      do {
        try FileManager.default.createDirectory(
          atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw .cannotCreate(path: path, reason: "cannot create folder '\(folder)'")
      }
    }
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
    if fd < 0 {
      let code = errno
      if code == EEXIST { throw .exists(path: path) }
      throw .cannotCreate(path: path, reason: String(cString: strerror(code)))
    }
    fchmod(fd, 0o600)
    self.fd = fd
  }

  deinit {
    if fd >= 0 { close(fd) }
  }

  public func append(_ line: [UInt8]) throws(TranscriptError) {
    var bytes = line
    bytes.append(0x0A)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return write(fd, base + offset, buffer.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
      }
      offset += written
    }
  }

  /// A fresh default path: `FOLDER/YYYYMMDD-HHMMSS-SCENARIO-STYLE[-NAME].jsonl`, never an
  /// existing file. The name is reduced to letters, digits and `-`.
  public static func defaultPath(
    folder: String, scenario: String, style: AttachmentStyle, name: String? = nil,
    date: Date = Date()
  ) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    var stem = "\(formatter.string(from: date))-\(scenario)-\(style.id)"
    if let name {
      let slug = fileNamePart(name)
      if !slug.isEmpty { stem += "-\(slug)" }
    }
    var candidate = (folder as NSString).appendingPathComponent("\(stem).jsonl")
    var n = 2
    while FileManager.default.fileExists(atPath: candidate) {
      candidate = (folder as NSString).appendingPathComponent("\(stem)-\(n).jsonl")
      n += 1
    }
    return candidate
  }

  /// Letters and digits of any script, runs of anything else as one `-`, at most 40 characters.
  static func fileNamePart(_ text: String) -> String {
    var out = ""
    for character in text.lowercased() {
      if character.isLetter || character.isNumber {
        out.append(character)
      } else if !out.isEmpty && !out.hasSuffix("-") {
        out.append("-")
      }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return String(out.prefix(40))
  }
}
