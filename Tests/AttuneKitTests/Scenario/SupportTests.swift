import Testing

@testable import AttuneKit

@Test func sha256MatchesTheStandardVectors() {
  #expect(
    SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
  )
  #expect(
    SHA256.hex(Array("abc".utf8))
      == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  #expect(
    SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
      == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  #expect(
    SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000))
      == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test func splitMixIsRepeatableForASeed() {
  var a = SplitMix64(seed: 42)
  var b = SplitMix64(seed: 42)
  var c = SplitMix64(seed: 43)
  let first = (0..<5).map { _ in a.next() }
  #expect(first == (0..<5).map { _ in b.next() })
  #expect(first != (0..<5).map { _ in c.next() })
  var zero = SplitMix64(seed: 0)
  #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
}

@Test func stylesAcceptTheirAliases() {
  #expect(AttachmentStyle(name: "anxious-ambivalent") == .anxious)
  #expect(AttachmentStyle(name: "Ambivalent") == .anxious)
  #expect(AttachmentStyle(name: "avoidant") == .avoidant)
  #expect(AttachmentStyle(name: "disorganised") == .disorganized)
  #expect(AttachmentStyle(name: "chaotic") == nil)
}
