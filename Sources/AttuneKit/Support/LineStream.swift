#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads lines from a file descriptor in large chunks, in constant memory.
///
/// Lines end at `\n` (a `\r` before it is dropped). Invalid UTF-8 is replaced with U+FFFD, NUL
/// bytes are kept, and a last line without a newline still counts.
public struct LineStream: Sendable {
  private let descriptor: Int32
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var finished = false
  /// The errno of a failed read, if one happened.
  public private(set) var readError: Int32?
  /// Asked when a read is interrupted by a signal: true ends the input there (a chat told to stop).
  private let stopOnInterrupt: (@Sendable () -> Bool)?

  public init(
    descriptor: Int32, chunkSize: Int = 1 << 16, stopOnInterrupt: (@Sendable () -> Bool)? = nil
  ) {
    self.descriptor = descriptor
    self.buffer = [UInt8](repeating: 0, count: chunkSize)
    self.stopOnInterrupt = stopOnInterrupt
  }

  /// The next line, or nil at end of input.
  public mutating func nextLine() -> String? {
    while true {
      if let newline = findNewline() {
        var lineEnd = newline
        if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let line = decode(from: start, to: lineEnd)
        start = newline + 1
        return line
      }
      if finished {
        guard end > start else { return nil }
        var lineEnd = end
        if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let line = decode(from: start, to: lineEnd)
        start = end
        return line
      }
      fill()
    }
  }

  private func findNewline() -> Int? {
    guard end > start else { return nil }
    return buffer.withUnsafeBufferPointer { pointer -> Int? in
      guard let base = pointer.baseAddress else { return nil }
      guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
      return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
  }

  private func decode(from lower: Int, to upper: Int) -> String {
    buffer.withUnsafeBufferPointer { pointer in
      String(decoding: UnsafeBufferPointer(rebasing: pointer[lower..<upper]), as: UTF8.self)
    }
  }

  private mutating func fill() {
    // Move the unread tail to the front; grow when one line fills the whole buffer.
    if start > 0 {
      let count = end - start
      if count > 0 {
        buffer.withUnsafeMutableBufferPointer { pointer in
          guard let base = pointer.baseAddress else { return }
          memmove(base, base + start, count)
        }
      }
      start = 0
      end = count
    }
    if end == buffer.count {
      buffer.append(contentsOf: repeatElement(0, count: buffer.count))
    }
    let stop = stopOnInterrupt
    let count = buffer.withUnsafeMutableBufferPointer { pointer -> Int in
      guard let base = pointer.baseAddress else { return 0 }
      while true {
        let n = read(descriptor, base + end, pointer.count - end)
        if n < 0, errno == EINTR {
          if stop?() == true { return 0 }
          continue
        }
        return n
      }
    }
    if count < 0 {
      readError = errno
      finished = true
    } else if count == 0 {
      finished = true
    } else {
      end += count
    }
  }
}

/// Buffers output bytes and writes them to a file descriptor in large chunks.
public struct OutputBuffer {
  private let descriptor: Int32
  private var bytes: [UInt8] = []
  private let limit: Int

  public init(descriptor: Int32, limit: Int = 1 << 16) {
    self.descriptor = descriptor
    self.limit = limit
    bytes.reserveCapacity(limit + 1024)
  }

  public mutating func write(_ data: some Sequence<UInt8>) {
    bytes.append(contentsOf: data)
    if bytes.count >= limit { flush() }
  }

  public mutating func write(_ string: String) {
    write(string.utf8)
  }

  public mutating func flush() {
    var offset = 0
    bytes.withUnsafeBytes { pointer in
      guard let base = pointer.baseAddress else { return }
      while offset < pointer.count {
        let n = posixWrite(descriptor, base + offset, pointer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += n
      }
    }
    bytes.removeAll(keepingCapacity: true)
  }
}

private func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(descriptor, bytes, count)
}
