import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

@Suite struct OwnershipTests {
    static let owner = OwnerIdentity(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-1")

    static func role(tags: [String: String]) -> ObservedRole {
        ObservedRole(name: "prod.production.my-app", path: "/trustline/", arn: "arn", trustPolicy: [:], tags: tags)
    }

    enum Expected: Sendable, Equatable {
        case absent, owned, adoptable, foreign
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var tags: [String: String]?
        var policy: AdoptionPolicy
        var expected: Expected
        var testDescription: String { "\(label) (\(policy.rawValue))" }
    }

    static let mine = OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-1")
    static func mine(except key: String, _ value: String?) -> [String: String] {
        var tags = mine
        tags[key] = value
        return tags
    }

    static let cases: [Case] = [
        Case(label: "no role", tags: nil, policy: .never, expected: .absent),
        Case(label: "all four tags", tags: mine, policy: .never, expected: .owned),
        Case(label: "tag keys in other case", tags: Dictionary(uniqueKeysWithValues: mine.map { ($0.key.uppercased(), $0.value) }), policy: .never, expected: .owned),
        Case(label: "untagged role", tags: ["team": "x"], policy: .never, expected: .foreign),
        Case(label: "untagged role", tags: [:], policy: .taggedOnly, expected: .foreign),
        Case(label: "other uid", tags: mine(except: OwnershipTags.uid, "uid-0"), policy: .never, expected: .foreign),
        Case(label: "other uid", tags: mine(except: OwnershipTags.uid, "uid-0"), policy: .taggedOnly, expected: .adoptable),
        Case(label: "missing uid", tags: mine(except: OwnershipTags.uid, nil), policy: .taggedOnly, expected: .adoptable),
        Case(label: "other namespace", tags: mine(except: OwnershipTags.namespace, "staging"), policy: .taggedOnly, expected: .foreign),
        Case(label: "other cluster", tags: mine(except: OwnershipTags.cluster, "dev"), policy: .taggedOnly, expected: .foreign),
        Case(label: "other name", tags: mine(except: OwnershipTags.name, "other"), policy: .never, expected: .foreign),
        Case(label: "uid value differs in case only", tags: mine(except: OwnershipTags.uid, "UID-1"), policy: .never, expected: .foreign),
    ]

    @Test(arguments: cases)
    func decision(_ testCase: Case) {
        let decision = OwnershipCheck.decide(observed: testCase.tags.map(Self.role(tags:)), owner: Self.owner, adoptionPolicy: testCase.policy)
        let kind: Expected
        switch decision {
        case .absent: kind = .absent
        case .owned: kind = .owned
        case .adoptable: kind = .adoptable
        case .foreign(let message):
            kind = .foreign
            #expect(message.contains("prod.production.my-app"))
        }
        #expect(kind == testCase.expected)
        #expect(decision.mayWrite == (testCase.expected != .foreign))
    }

    /// A conflict message never shows an empty uid: a missing tag reads "none", and an offline
    /// manifest without a uid says why ownership cannot be proven yet.
    @Test(arguments: [
        (tagged: "uid-0" as String?, ownerUid: "uid-1", expected: "with uid uid-0 instead of uid-1"),
        (tagged: nil, ownerUid: "uid-1", expected: "with uid none instead of uid-1"),
        (tagged: "", ownerUid: "uid-1", expected: "with uid none instead of uid-1"),
        (tagged: "", ownerUid: "", expected: "this resource has no uid yet"),
        (tagged: nil, ownerUid: "", expected: "this resource has no uid yet"),
    ])
    func conflictMessageNamesBothUids(tagged: String?, ownerUid: String, expected: String) throws {
        let owner = OwnerIdentity(clusterName: "prod", namespace: "production", name: "my-app", uid: ownerUid)
        var tags = Self.mine
        tags[OwnershipTags.uid] = tagged
        let decision = OwnershipCheck.decide(observed: Self.role(tags: tags), owner: owner, adoptionPolicy: .never)
        guard case .foreign(let message) = decision else {
            Issue.record("expected a conflict, got \(decision)")
            return
        }
        #expect(message.contains(expected), "\(message)")
        #expect(!message.contains("uid  "), "\(message)")
    }

    @Test func adoptionRewritesTheUidTagAndThenOwns() {
        let observed = Self.role(tags: Self.mine(except: OwnershipTags.uid, "uid-0"))
        let desired = DesiredRole(name: observed.name, path: observed.path, arn: "arn", trustPolicy: [:], tags: Self.mine)
        let plan = RolePlanner.plan(desired: desired, observed: observed)
        #expect(plan == [.tagRole(roleName: observed.name, tags: [OwnershipTags.uid: "uid-1"])])
        let after = PlanSimulation.apply(plan, to: observed)
        #expect(OwnershipCheck.decide(observed: after, owner: Self.owner, adoptionPolicy: .never) == .owned)
    }
}
