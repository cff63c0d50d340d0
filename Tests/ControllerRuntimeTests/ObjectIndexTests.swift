import KubeModels
import Testing

@testable import ControllerRuntime

/// The secondary index over a cache: lookups by value, what each update reports, and (under
/// random adds, updates and deletes) always the same answer as a scan of the objects.
@Suite struct ObjectIndexTests {
    /// Indexes ServiceAccounts by the teams in their comma-separated `teams` label value.
    static func byTeam() -> ObjectIndex<ServiceAccount, String> {
        ObjectIndex { account in
            Set((account.metadata.labels?["teams"] ?? "").split(separator: ",").map(String.init))
        }
    }

    static func account(_ name: String, teams: String?, namespace: String = "ns") -> ServiceAccount {
        ServiceAccount(metadata: ObjectMeta(name: name, namespace: namespace, labels: teams.map { ["teams": $0] }))
    }

    static func key(_ name: String) -> ObjectKey { ObjectKey(namespace: "ns", name: name) }

    @Test func looksUpObjectsByEachOfTheirValues() {
        var index = Self.byTeam()
        index.apply(Self.account("a", teams: "red,blue"))
        index.apply(Self.account("b", teams: "blue"))
        index.apply(Self.account("c", teams: nil))

        #expect(index.keys(for: "blue") == [Self.key("a"), Self.key("b")])
        #expect(index.keys(for: "red") == [Self.key("a")])
        #expect(index.keys(for: "green") == [])
        #expect(index.values(of: Self.key("c")) == [])
        #expect(index.count == 2, "an object with no value takes no entry")
    }

    struct UpdateRow: Sendable, CustomTestStringConvertible {
        var before: String?
        var after: String?
        var removed: Set<String>
        var added: Set<String>
        var moved: Bool
        var testDescription: String { "\(before ?? "-") -> \(after ?? "-")" }
    }

    @Test(arguments: [
        UpdateRow(before: nil, after: "red", removed: [], added: ["red"], moved: true),
        UpdateRow(before: "red", after: "red", removed: ["red"], added: ["red"], moved: false),
        UpdateRow(before: "red", after: "blue", removed: ["red"], added: ["blue"], moved: true),
        UpdateRow(before: "red", after: "red,blue", removed: ["red"], added: ["red", "blue"], moved: true),
        UpdateRow(before: "red", after: nil, removed: ["red"], added: [], moved: true),
    ])
    func anUpdateReportsTheValuesBeforeAndAfter(row: UpdateRow) {
        var index = Self.byTeam()
        if let before = row.before { index.apply(Self.account("a", teams: before)) }
        let change = index.apply(Self.account("a", teams: row.after))
        #expect(change == ObjectIndex<ServiceAccount, String>.Change(key: Self.key("a"), removed: row.removed, added: row.added))
        #expect(change?.moved == row.moved)
        #expect(change?.touched == row.removed.union(row.added))
        for team in row.removed.subtracting(row.added) {
            #expect(index.keys(for: team) == [], "left \(team)")
        }
        for team in row.added {
            #expect(index.keys(for: team) == [Self.key("a")], "joined \(team)")
        }
    }

    @Test func deleteReportsWhatTheObjectLeft() {
        var index = Self.byTeam()
        index.apply(Self.account("a", teams: "red,blue"))
        let change = index.remove(Self.account("a", teams: nil))
        #expect(change?.removed == ["red", "blue"])
        #expect(change?.added == [])
        #expect(index.keys(for: "red") == [] && index.keys(for: "blue") == [])
        #expect(index.remove(key: Self.key("a")).moved == false, "deleting twice changes nothing")
    }

    @Test func replaceForgetsEverythingNotListed() {
        var index = Self.byTeam()
        index.apply(Self.account("a", teams: "red"))
        index.apply(Self.account("b", teams: "red"))
        index.replace(with: [Self.account("b", teams: "blue"), Self.account("c", teams: "red")])
        #expect(index.keys(for: "red") == [Self.key("c")])
        #expect(index.keys(for: "blue") == [Self.key("b")])
        #expect(index.values(of: Self.key("a")) == [])
    }

    @Test func objectsWithoutANameAreNotIndexed() {
        var index = Self.byTeam()
        #expect(index.apply(ServiceAccount(metadata: ObjectMeta(labels: ["teams": "red"]))) == nil)
        #expect(index.keys(for: "red") == [])
    }

    /// Random adds, updates, deletes and relists: after every step each value's keys are what a
    /// scan of the live objects finds, and each reported change is what the object really did.
    @Test(arguments: 0..<30)
    func matchesAFullScanAfterRandomChanges(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let names = (0..<12).map { "o\($0)" }
        let teams = ["red", "blue", "green", "gold"]
        var index = Self.byTeam()
        var live: [String: ServiceAccount] = [:]

        func randomTeams() -> String? {
            let picked = teams.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
            return Int.random(in: 0..<6, using: &rng) == 0 ? nil : picked.joined(separator: ",")
        }

        for step in 0..<300 {
            let name = names[Int.random(in: 0..<names.count, using: &rng)]
            let before = live[name].map { index.indexValues($0) } ?? []
            switch Int.random(in: 0..<20, using: &rng) {
            case 0:
                var listed: [ServiceAccount] = []
                for candidate in names where Int.random(in: 0..<2, using: &rng) == 0 {
                    listed.append(Self.account(candidate, teams: randomTeams()))
                }
                index.replace(with: listed)
                live = Dictionary(uniqueKeysWithValues: listed.map { ($0.metadata.name ?? "", $0) })
            case 1..<8:
                let gone = Self.account(name, teams: nil)
                let change = index.remove(gone)
                #expect(change?.removed == before && change?.added == [], "seed \(seed) step \(step)")
                live[name] = nil
            default:
                let object = Self.account(name, teams: randomTeams())
                let change = index.apply(object)
                #expect(change?.removed == before && change?.added == index.indexValues(object), "seed \(seed) step \(step)")
                live[name] = object
            }
            for team in teams {
                let scanned = live.values.filter { index.indexValues($0).contains(team) }.compactMap(\.objectKey).sorted()
                #expect(index.keys(for: team) == scanned, "seed \(seed) step \(step) team \(team)")
            }
            for name in names {
                let scanned = live[name].map { index.indexValues($0) } ?? []
                #expect(index.values(of: Self.key(name)) == scanned, "seed \(seed) step \(step) \(name)")
            }
            #expect(index.count == live.values.filter { !index.indexValues($0).isEmpty }.count, "seed \(seed) step \(step)")
        }
    }
}
