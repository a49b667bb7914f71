import Testing

@testable import AttuneKit

@Test func aMovesOrdinalIsItsPlaceInTheTaxonomy() {
  #expect(Move.allCases.map(\.ordinal) == Array(0..<Move.allCases.count))
  #expect(Move.allCases.sorted() == Move.allCases)
}

@Test func aMoveSetHoldsMovesAsASetWould() {
  var set = MoveSet()
  #expect(set.isEmpty && !set.hasSecure && !set.hasInsecure)
  let first = set.insert(.criticism)
  let again = set.insert(.criticism)
  let other = set.insert(.validation)
  #expect(first && !again && other)
  #expect(set.contains(.criticism) && set.contains(.validation) && !set.contains(.contempt))
  #expect(set.hasSecure && set.hasInsecure)
  #expect(Array(set) == [.validation, .criticism])
  set.remove(.validation)
  #expect(!set.hasSecure && Set(set) == [.criticism])
  #expect(MoveSet(Move.allCases.filter(\.isSecure)).hasInsecure == false)
  #expect(set.union(MoveSet([.repair])) == MoveSet([.criticism, .repair]))
}
