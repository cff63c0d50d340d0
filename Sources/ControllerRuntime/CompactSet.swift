/// A set that keeps a single element inline and allocates a `Set` only for two or more.
///
/// `ObjectIndex` keeps one set per cached object and one per indexed value, and nearly all of
/// them hold one element (a resource names one ServiceAccount; a ServiceAccount is named by one
/// resource). A `Set` of one is a heap allocation of about a hundred bytes; at 10,000 objects the
/// two tables held 20,000 of them.
struct CompactSet<Element: Hashable & Sendable>: Sendable, Equatable {
    /// Always the smallest case for the count (empty, one, or two and more), so the synthesized
    /// equality is set equality.
    private enum Storage: Sendable, Equatable {
        case empty
        case one(Element)
        case many(Set<Element>)
    }

    private var storage: Storage

    init() { storage = .empty }

    init(_ elements: Set<Element>) {
        switch elements.count {
        case 0: storage = .empty
        case 1: storage = elements.first.map { .one($0) } ?? .empty
        default: storage = .many(elements)
        }
    }

    var isEmpty: Bool {
        if case .empty = storage { return true }
        return false
    }

    var count: Int {
        switch storage {
        case .empty: 0
        case .one: 1
        case .many(let set): set.count
        }
    }

    func contains(_ element: Element) -> Bool {
        switch storage {
        case .empty: false
        case .one(let only): only == element
        case .many(let set): set.contains(element)
        }
    }

    /// The elements as a `Set` (allocated only when there are two or more).
    var elements: Set<Element> {
        switch storage {
        case .empty: []
        case .one(let only): [only]
        case .many(let set): set
        }
    }

    /// Adds `element`; false when it was already there.
    @discardableResult
    mutating func insert(_ element: Element) -> Bool {
        switch storage {
        case .empty:
            storage = .one(element)
            return true
        case .one(let only):
            guard only != element else { return false }
            storage = .many([only, element])
            return true
        case .many(var set):
            // Release the payload before mutating, so the set is uniquely referenced.
            storage = .empty
            let inserted = set.insert(element).inserted
            storage = .many(set)
            return inserted
        }
    }

    /// Removes `element`; false when it was not there.
    @discardableResult
    mutating func remove(_ element: Element) -> Bool {
        switch storage {
        case .empty:
            return false
        case .one(let only):
            guard only == element else { return false }
            storage = .empty
            return true
        case .many(var set):
            storage = .empty
            let removed = set.remove(element) != nil
            self = CompactSet(set)
            return removed
        }
    }
}

extension CompactSet where Element: Comparable {
    func sorted() -> [Element] {
        switch storage {
        case .empty: []
        case .one(let only): [only]
        case .many(let set): set.sorted()
        }
    }
}
