import KubeModels

/// A min-heap of (deadline, key) pairs with lazy deletion: the work queue pushes a new entry
/// whenever a key's due time moves earlier and skips entries that no longer match its table.
struct DeadlineHeap: Sendable {
    struct Entry: Sendable {
        var deadline: ContinuousClock.Instant
        var sequence: UInt64
        var key: ObjectKey

        func precedes(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
        }
    }

    private(set) var entries: [Entry] = []
    private var sequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var first: Entry? { entries.first }

    mutating func push(_ key: ObjectKey, at deadline: ContinuousClock.Instant) {
        sequence += 1
        entries.append(Entry(deadline: deadline, sequence: sequence, key: key))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Entry? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count && entries[left].precedes(entries[smallest]) { smallest = left }
            if right < entries.count && entries[right].precedes(entries[smallest]) { smallest = right }
            if smallest == parent { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    mutating func removeAll() {
        entries.removeAll()
    }
}
