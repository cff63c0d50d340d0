import Testing

@testable import ControllerRuntime

/// The index's small set: the same answers as `Set` under any sequence of inserts and removes,
/// and always in its smallest form, so two sets with the same elements are equal.
@Suite struct CompactSetTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var start: [Int]
        var insert: Int?
        var remove: Int?
        var changed: Bool
        var after: [Int]
        var testDescription: String { "\(start) +\(insert.map(String.init) ?? "-") -\(remove.map(String.init) ?? "-")" }
    }

    @Test(arguments: [
        Row(start: [], insert: 1, remove: nil, changed: true, after: [1]),
        Row(start: [1], insert: 1, remove: nil, changed: false, after: [1]),
        Row(start: [1], insert: 2, remove: nil, changed: true, after: [1, 2]),
        Row(start: [1, 2], insert: 2, remove: nil, changed: false, after: [1, 2]),
        Row(start: [], insert: nil, remove: 1, changed: false, after: []),
        Row(start: [1], insert: nil, remove: 2, changed: false, after: [1]),
        Row(start: [1], insert: nil, remove: 1, changed: true, after: []),
        Row(start: [1, 2], insert: nil, remove: 1, changed: true, after: [2]),
        Row(start: [1, 2, 3], insert: nil, remove: 3, changed: true, after: [1, 2]),
    ])
    func insertAndRemoveSayWhetherTheyChangedIt(row: Row) {
        var set = CompactSet(Set(row.start))
        let changed = row.insert.map { set.insert($0) } ?? row.remove.map { set.remove($0) } ?? false
        #expect(changed == row.changed)
        #expect(set.sorted() == row.after)
        #expect(set.count == row.after.count)
        #expect(set.isEmpty == row.after.isEmpty)
        #expect(set.elements == Set(row.after))
        #expect(set == CompactSet(Set(row.after)), "the same elements compare equal whatever the history")
    }

    @Test(arguments: 0..<20)
    func behavesAsASetUnderRandomChanges(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var compact = CompactSet<Int>()
        var reference = Set<Int>()
        for step in 0..<400 {
            let element = Int.random(in: 0..<5, using: &rng)
            if Bool.random(using: &rng) {
                #expect(compact.insert(element) == reference.insert(element).inserted, "seed \(seed) step \(step)")
            } else {
                #expect(compact.remove(element) == (reference.remove(element) != nil), "seed \(seed) step \(step)")
            }
            #expect(compact.elements == reference, "seed \(seed) step \(step)")
            #expect(compact == CompactSet(reference), "seed \(seed) step \(step)")
            for probe in 0..<5 {
                #expect(compact.contains(probe) == reference.contains(probe), "seed \(seed) step \(step) probe \(probe)")
            }
        }
    }
}
