import Foundation

/// Foundation's processor count, kept in one place.
enum ProcessInfoShim {
  static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
