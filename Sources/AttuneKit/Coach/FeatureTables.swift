import Foundation

/// Small open-addressing hash tables for the backup model's features.
///
/// The model's file has about 100k lines and a reply looks up a few n-grams per token: `String` and
/// `Dictionary` hashing (a `String` per cell, SipHash per key) cost more than the work itself.
/// These tables hash raw bytes or 64-bit keys with cheap, good-enough functions and never allocate
/// per lookup. Ids are stored, never removed.

/// When a word's UTF-8 bytes alone decide whether it equals another as a `String`, so a byte-keyed
/// table may answer for a `String`-keyed one.
enum ByteKeys {
  static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.allSatisfy { $0 < 0x80 }
  }

  /// Whether the word holds U+037E, U+1FEF or U+212A, the only scalars that decompose to ASCII: as
  /// a `String` it can then equal an ASCII word whose bytes differ, so ASCII bytes stop deciding.
  static func canEqualASCIIWord(_ word: String) -> Bool {
    word.unicodeScalars.contains { $0 == "\u{037E}" || $0 == "\u{1FEF}" || $0 == "\u{212A}" }
  }
}

/// Byte strings (words, whole n-grams as written in the file) to ids. Keys are copied into one arena.
struct ByteKeyTable: Sendable {
  /// Per slot: the key's hash in the high 32 bits and its entry index + 1 in the low 32, or 0 for
  /// an empty slot. A probe compares hashes in the slot itself, so passing other keys reads no
  /// entry (the model file's 240k rows each look up their feature: this was the load's hot spot).
  private var slots: [UInt64]
  /// 64 minus the number of slot bits: slots are picked by the mixed hash's high bits.
  private var shift: UInt64
  /// Per entry: its key's range in `arena` and its value.
  private var keyStart: [Int32] = []
  private var keyEnd: [Int32] = []
  private var values: [Int32] = []
  private var arena: [UInt8] = []

  var count: Int { values.count }

  init(capacity: Int = 16) {
    var bits: UInt64 = 4
    while 1 << bits < capacity * 2 { bits += 1 }
    slots = Array(repeating: 0, count: 1 << bits)
    shift = 64 - bits
  }

  /// FNV-1a over the bytes, then a Fibonacci multiply so that the high bits (the slot and the
  /// stored hash) depend on every byte: keys are short (a word, up to three words), so a byte loop
  /// is enough.
  @inline(__always)
  static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash &* 0x9E37_79B9_7F4A_7C15
  }

  /// A slot's stored hash: the hash's high 32 bits.
  @inline(__always)
  private static func tag(_ hash: UInt64) -> UInt64 { hash & 0xFFFF_FFFF_0000_0000 }

  /// The value stored for `key`, or nil.
  func value(for key: UnsafeBufferPointer<UInt8>) -> Int32? {
    let entry = find(key, hash: Self.hash(key))
    return entry >= 0 ? values[entry] : nil
  }

  /// Stores `value` for `key`, which must not be in the table yet.
  mutating func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int32) {
    insert(key, hash: Self.hash(key), value: value)
  }

  /// The entry index holding `key`, or -1.
  @inline(__always)
  private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
    slots.withUnsafeBufferPointer { slots in
      arena.withUnsafeBufferPointer { arena in
        let mask = slots.count - 1
        let tag = Self.tag(hash)
        var slot = Int(truncatingIfNeeded: hash >> shift)
        while true {
          let contents = slots[slot]
          if contents == 0 { return -1 }
          if contents & 0xFFFF_FFFF_0000_0000 == tag {
            let stored = Int(truncatingIfNeeded: contents & 0xFFFF_FFFF) - 1
            let start = Int(keyStart[stored])
            let end = Int(keyEnd[stored])
            if end - start == key.count,
              key.isEmpty || memcmp(arena.baseAddress! + start, key.baseAddress!, key.count) == 0
            {
              return stored
            }
          }
          slot = (slot + 1) & mask
        }
      }
    }
  }

  private mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: Int32) {
    keyStart.append(Int32(arena.count))
    arena.append(contentsOf: key)
    keyEnd.append(Int32(arena.count))
    values.append(value)
    place(Self.tag(hash) | UInt64(values.count), hash: hash)
    if values.count * 2 > slots.count { grow() }
  }

  /// Stores slot contents in the first free slot from the hash's own.
  private mutating func place(_ contents: UInt64, hash: UInt64) {
    let mask = slots.count - 1
    var slot = Int(truncatingIfNeeded: hash >> shift)
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = contents
  }

  /// Doubles the slots. A slot is picked by at most 32 high bits of the hash, all kept in the
  /// slot's tag, so entries move without hashing their keys again.
  private mutating func grow() {
    precondition(shift > 32, "more than 2^31 keys")
    let old = slots
    slots = Array(repeating: 0, count: old.count * 2)
    shift -= 1
    for contents in old where contents != 0 { place(contents, hash: contents) }
  }
}

/// 64-bit keys (word ids packed by `BackupModel.key`) to ids, with Fibonacci hashing.
struct PackedKeyTable: Sendable {
  /// `UInt64.max` marks an empty slot (packed keys stay below 2^63).
  private var keys: [UInt64]
  private var values: [Int32]
  private var shift: UInt64
  private(set) var count = 0
  private static let empty = UInt64.max

  init(capacity: Int = 16) {
    var bits: UInt64 = 4
    while 1 << bits < capacity * 2 { bits += 1 }
    keys = Array(repeating: Self.empty, count: 1 << bits)
    values = Array(repeating: -1, count: 1 << bits)
    shift = 64 - bits
  }

  @inline(__always)
  private func slot(_ key: UInt64) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The value stored for `key`, or nil.
  @inline(__always)
  func value(for key: UInt64) -> Int32? {
    keys.withUnsafeBufferPointer { keys in
      let mask = keys.count - 1
      var slot = slot(key)
      while true {
        let stored = keys[slot]
        if stored == key { return values[slot] }
        if stored == Self.empty { return nil }
        slot = (slot + 1) & mask
      }
    }
  }

  /// The value stored for `key`; when there is none, stores `new` and returns it.
  mutating func value(for key: UInt64, orInsert new: Int32) -> Int32 {
    precondition(key != Self.empty)
    let mask = keys.count - 1
    var slot = slot(key)
    while keys[slot] != Self.empty {
      if keys[slot] == key { return values[slot] }
      slot = (slot + 1) & mask
    }
    keys[slot] = key
    values[slot] = new
    count += 1
    if count * 2 > keys.count { grow() }
    return new
  }

  private mutating func grow() {
    let (oldKeys, oldValues) = (keys, values)
    keys = Array(repeating: Self.empty, count: oldKeys.count * 2)
    values = Array(repeating: -1, count: oldKeys.count * 2)
    shift -= 1
    let mask = keys.count - 1
    for (index, key) in oldKeys.enumerated() where key != Self.empty {
      var slot = slot(key)
      while keys[slot] != Self.empty { slot = (slot + 1) & mask }
      keys[slot] = key
      values[slot] = oldValues[index]
    }
  }
}
