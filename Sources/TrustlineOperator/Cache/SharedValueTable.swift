import Synchronization

/// One copy of each string, string map and string list that many cached objects repeat (an
/// owner's apiVersion and kind, the audience, a condition's reason and message, the labels every
/// resource of a team carries), so 10,000 cached objects share one heap buffer instead of
/// holding 10,000 equal ones. Swift strings of up to 15 UTF-8 bytes are stored inline and are
/// returned as given.
///
/// Bounded: when a table reaches `capacity` values it starts over, so values that never repeat
/// (uids, per-object ARNs, timestamps over months) cannot grow it without limit; sharing is only
/// a saving, never needed for correctness.
final class SharedValueTable: Sendable {
    private struct Tables {
        var strings: Set<String> = []
        var maps: Set<[String: String]> = []
        var lists: Set<[String]> = []
    }

    private let tables = Mutex(Tables())
    /// Most values kept per table before it starts over.
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// Values kept now, over the three tables.
    var count: Int { tables.withLock { $0.strings.count + $0.maps.count + $0.lists.count } }

    func shared(_ value: String) -> String {
        guard value.utf8.count > 15 else { return value }
        return tables.withLock { Self.member(value, of: &$0.strings, capacity: capacity) }
    }

    func shared(_ value: String?) -> String? {
        value.map { shared($0) }
    }

    /// The map itself shared when an equal one was seen; otherwise its keys and values are.
    func shared(_ value: [String: String]) -> [String: String] {
        guard !value.isEmpty else { return value }
        if let known = tables.withLock({ state in state.maps.firstIndex(of: value).map { state.maps[$0] } }) { return known }
        var rebuilt: [String: String] = [:]
        rebuilt.reserveCapacity(value.count)
        for (key, element) in value { rebuilt[shared(key)] = shared(element) }
        return tables.withLock { Self.member(rebuilt, of: &$0.maps, capacity: capacity) }
    }

    func shared(_ value: [String: String]?) -> [String: String]? {
        value.map { shared($0) }
    }

    func shared(_ value: [String]) -> [String] {
        guard !value.isEmpty else { return value }
        if let known = tables.withLock({ state in state.lists.firstIndex(of: value).map { state.lists[$0] } }) { return known }
        let rebuilt = value.map { shared($0) }
        return tables.withLock { Self.member(rebuilt, of: &$0.lists, capacity: capacity) }
    }

    func shared(_ value: [String]?) -> [String]? {
        value.map { shared($0) }
    }

    /// The member equal to `value`, inserting it first if there is none.
    private static func member<Value: Hashable>(_ value: Value, of table: inout Set<Value>, capacity: Int) -> Value {
        if table.count >= capacity && !table.contains(value) { table.removeAll(keepingCapacity: true) }
        return table.insert(value).memberAfterInsert
    }
}
