import Dispatch
import Foundation

/// Annotates a batch of lines on every core and renders them, in input order.
///
/// `attune annotate` feeds it fixed-size batches, so memory stays flat however long the input.
public struct AnnotationBatch: Sendable {
  public enum Format: String, Sendable, CaseIterable {
    /// One JSON annotation per line.
    case jsonl
    /// `text<TAB>moves<TAB>verdict`.
    case tsv
    /// For people: verdict, evidence, antidote.
    case text
    /// The normalised tokens the rules see, for rule authors (`|` between sentences).
    case tokens
    /// The rules' own reading before the backup model, for training it: the rules that fired and
    /// were kept with their token ranges, the moves a rule matched but its conditions cancelled, and
    /// each token's clause (`rule@0-3,rule@5-7<TAB>move,move<TAB>0 0 0 1 1 ...`).
    case rules
  }

  public let coach: Coach
  public let format: Format
  public let style: TextStyle
  /// How many pieces a batch is cut into (one per core by default).
  public let workers: Int

  public init(coach: Coach, format: Format, style: TextStyle = .plain, workers: Int = BatchDefaults.workers) {
    self.coach = coach
    self.format = format
    self.style = style
    self.workers = max(1, workers)
  }

  /// The rendered annotations of `lines`, one output line per input line.
  public func render(_ lines: [String]) -> [UInt8] {
    guard lines.count >= 64, workers > 1 else { return render(lines[...]) }
    let pieces = min(workers, lines.count)
    let size = (lines.count + pieces - 1) / pieces
    let results = ResultSlots(count: pieces)
    DispatchQueue.concurrentPerform(iterations: pieces) { piece in
      let lower = piece * size
      let upper = min(lines.count, lower + size)
      guard lower < upper else { return }
      results.set(piece, render(lines[lower..<upper]))
    }
    return results.joined()
  }

  private func render(_ lines: ArraySlice<String>) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(lines.count * 400)
    var json = JSONWriter(capacity: 1024)
    for line in lines {
      if format == .tokens {
        out.append(contentsOf: AnnotationFormatter.tokenLine(coach.tokens(of: line)).utf8)
        out.append(UInt8(ascii: "\n"))
        continue
      }
      if format == .rules {
        let reading = coach.ruleReading(line)
        let kept = reading.rules.map { "\($0.id)@\($0.tokens.lowerBound)-\($0.tokens.upperBound)" }
        let cancelled = reading.cancelled.map(\.rawValue).sorted()
        let clauses = reading.clauses.map(String.init)
        out.append(contentsOf: [kept.joined(separator: ","), cancelled.joined(separator: ","), clauses.joined(separator: " ")].joined(separator: "\t").utf8)
        out.append(UInt8(ascii: "\n"))
        continue
      }
      let annotation = coach.annotate(line)
      switch format {
      case .jsonl:
        json.reset()
        annotation.write(to: &json)
        out.append(contentsOf: json.bytes)
      case .tsv:
        out.append(contentsOf: AnnotationFormatter.tsvLine(annotation).utf8)
      case .text:
        out.append(contentsOf: AnnotationFormatter.text(annotation, style: style).utf8)
      case .tokens, .rules:
        break
      }
      out.append(UInt8(ascii: "\n"))
    }
    return out
  }
}

public enum BatchDefaults {
  /// One worker per active processor.
  public static var workers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// Per-piece output buffers written by concurrent workers, each slot by exactly one worker.
private final class ResultSlots: @unchecked Sendable {
  private var slots: [[UInt8]]

  init(count: Int) {
    slots = Array(repeating: [], count: count)
  }

  func set(_ index: Int, _ bytes: [UInt8]) {
    slots.withUnsafeMutableBufferPointer { $0[index] = bytes }
  }

  func joined() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(slots.reduce(0) { $0 + $1.count })
    for slot in slots { out.append(contentsOf: slot) }
    return out
  }
}
