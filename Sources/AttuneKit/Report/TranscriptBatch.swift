import Foundation

/// Finds and reads many transcripts at once, for reports.
public enum TranscriptBatch {
  /// The files named by `paths`: a folder stands for its `*.jsonl` files (sorted by name, not
  /// recursive; anything else in it is ignored), a file for itself. Each file is listed once.
  ///
  /// - Returns: the files, and the folders that held no `*.jsonl` file.
  public static func files(in paths: [String]) -> (files: [String], emptyFolders: [String]) {
    var files: [String] = []
    var empty: [String] = []
    var seen: Set<String> = []
    func add(_ path: String) {
      let key = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
      if seen.insert(key).inserted { files.append(path) }
    }
    for path in paths {
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let transcripts = names.filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }.sorted()
          .map { (path as NSString).appendingPathComponent($0) }
          .filter { candidate in
            var inner: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate, isDirectory: &inner) && !inner.boolValue
          }
        if transcripts.isEmpty { empty.append(path) }
        transcripts.forEach(add)
      } else {
        add(path)
      }
    }
    return (files, empty)
  }

  /// Reads `files` on `workers` threads; results are in the order of `files`.
  ///
  /// - Parameters:
  ///   - progress: called with (files read, total) as reading goes, from any thread.
  public static func read(
    _ files: [String], workers: Int = ProcessInfo.processInfo.activeProcessorCount,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) -> [Result<Transcript, TranscriptReadError>] {
    let results = Results(count: files.count)
    let total = files.count
    let work = { @Sendable (index: Int) in
      let result = Result { () throws(TranscriptReadError) -> Transcript in
        try TranscriptReader.read(path: files[index])
      }
      let done = results.store(result, at: index)
      progress?(done, total)
    }
    if workers <= 1 || files.count < 2 {
      for index in files.indices { work(index) }
    } else {
      // Each worker takes the next file from a shared counter, so a long file holds up one worker only.
      let next = Results.Counter()
      DispatchQueue.concurrentPerform(iterations: min(workers, files.count)) { _ in
        while true {
          let index = next.take()
          guard index < total else { break }
          work(index)
        }
      }
    }
    return results.values(files)
  }

  /// Results written from several threads, each slot once.
  private final class Results: @unchecked Sendable {
    private var slots: [Result<Transcript, TranscriptReadError>?]
    private var done = 0
    private let lock = NSLock()

    init(count: Int) {
      slots = Array(repeating: nil, count: count)
    }

    /// Stores one result; returns how many are stored now.
    func store(_ result: Result<Transcript, TranscriptReadError>, at index: Int) -> Int {
      lock.lock()
      defer { lock.unlock() }
      slots[index] = result
      done += 1
      return done
    }

    func values(_ files: [String]) -> [Result<Transcript, TranscriptReadError>] {
      lock.lock()
      defer { lock.unlock() }
      return zip(slots, files).map { $0 ?? .failure(.unreadable(path: $1, reason: "not read")) }
    }

    final class Counter: @unchecked Sendable {
      private var value = 0
      private let lock = NSLock()
      func take() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
      }
    }
  }
}
