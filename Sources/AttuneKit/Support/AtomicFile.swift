import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a whole file at once: to a temporary file beside it, flushed, then renamed over the
/// target, so a reader never sees half a report and a failed write leaves the old file alone.
public enum AtomicFile {
  /// Writes `bytes` to `path`. A new file gets `mode` (0600 by default: reports quote people's
  /// words); an existing file keeps its permissions.
  public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(AtomicFileError) {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      throw .failed(path: path, reason: "is a folder")
    }
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      throw .failed(path: path, reason: "no such folder '\(folder)'")
    }
    var existing = stat()
    let keepMode = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : mode
    let temporary = (folder as NSString).appendingPathComponent(
      ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, keepMode)
    guard fd >= 0 else { throw .failed(path: path, reason: String(cString: strerror(errno))) }
    var failure: String?
    bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return }
      var offset = 0
      while offset < raw.count {
        let written = systemWrite(fd, base + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = String(cString: strerror(errno))
          return
        }
        offset += written
      }
    }
    if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
    if failure == nil { fchmod(fd, keepMode) }
    close(fd)
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(temporary)
      throw .failed(path: path, reason: failure)
    }
  }
}

/// Why a file could not be written.
public enum AtomicFileError: Error, Sendable, Equatable, CustomStringConvertible {
  case failed(path: String, reason: String)

  public var description: String {
    switch self {
    case .failed(let path, let reason): return "cannot write '\(path)': \(reason)"
    }
  }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
  #else
    Darwin.write(fd, buffer, count)
  #endif
}
