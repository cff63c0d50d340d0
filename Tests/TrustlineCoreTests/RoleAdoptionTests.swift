import KubeModels
import Testing
@testable import TrustlineCore

/// Issue 12, build 2: adoption by name. Only a role with no Trustline tag at all, named by
/// `spec.role.name` and matching an `adoptableRoleNames` glob for the resource's namespace, is
/// adoptable; tags always decide for a tagged role.
@Suite struct RoleAdoptionTests {
    static let owner = OwnerIdentity(clusterName: "prod", namespace: "payments", name: "api", uid: "uid-1")
    static let globs = ["eksctl-prod-addon-iamserviceaccount-${namespace}-*", "tf-${namespace}-?"]

    static func role(_ name: String, tags: [String: String] = [:]) -> ObservedRole {
        ObservedRole(name: name, path: "/", arn: "arn:aws:iam::123456789012:role/\(name)", trustPolicy: [:], tags: tags)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var role: ObservedRole
        var namedInSpec: Bool
        var globs: [String]
        var adoptable: Bool
        var testDescription: String { label }
    }

    static let otherNamespaceTags = OwnershipTags.tags(clusterName: "prod", namespace: "staging", name: "api", uid: "uid-1")
    static let otherClusterTags = OwnershipTags.tags(clusterName: "dev", namespace: "payments", name: "api", uid: "uid-1")
    static let otherUidTags = OwnershipTags.tags(clusterName: "prod", namespace: "payments", name: "api", uid: "uid-0")

    static let cases: [Case] = [
        Case(label: "eksctl role of this namespace", role: role("eksctl-prod-addon-iamserviceaccount-payments-api-Role1-X"), namedInSpec: true, globs: globs, adoptable: true),
        Case(label: "name compared case-insensitively", role: role("EKSCTL-prod-addon-iamserviceaccount-PAYMENTS-api"), namedInSpec: true, globs: globs, adoptable: true),
        Case(label: "? is one character", role: role("tf-payments-1"), namedInSpec: true, globs: globs, adoptable: true),
        Case(label: "? is not two", role: role("tf-payments-12"), namedInSpec: true, globs: globs, adoptable: false),
        Case(label: "another namespace's role", role: role("eksctl-prod-addon-iamserviceaccount-billing-api"), namedInSpec: true, globs: globs, adoptable: false),
        Case(label: "not named in the spec (derived name)", role: role("eksctl-prod-addon-iamserviceaccount-payments-api"), namedInSpec: false, globs: globs, adoptable: false),
        Case(label: "no globs: default none", role: role("eksctl-prod-addon-iamserviceaccount-payments-api"), namedInSpec: true, globs: [], adoptable: false),
        Case(label: "other user tags do not matter", role: role("tf-payments-1", tags: ["team": "x"]), namedInSpec: true, globs: globs, adoptable: true),
        Case(label: "tagged for another namespace", role: role("tf-payments-1", tags: otherNamespaceTags), namedInSpec: true, globs: globs, adoptable: false),
        Case(label: "tagged for another cluster", role: role("tf-payments-1", tags: otherClusterTags), namedInSpec: true, globs: globs, adoptable: false),
        Case(label: "tagged for another uid", role: role("tf-payments-1", tags: otherUidTags), namedInSpec: true, globs: globs, adoptable: false),
        Case(label: "only a uid tag", role: role("tf-payments-1", tags: [OwnershipTags.uid: "uid-9"]), namedInSpec: true, globs: globs, adoptable: false),
    ]

    @Test(arguments: cases)
    func adoptableByName(_ testCase: Case) {
        let decision = OwnershipCheck.decide(
            observed: testCase.role, owner: Self.owner, adoptionPolicy: .never, adoptableRoleNames: testCase.globs, namedInSpec: testCase.namedInSpec)
        if testCase.adoptable {
            #expect(decision == .adoptable(previousUid: nil))
        } else {
            guard case .foreign(let message) = decision else {
                Issue.record("expected RoleConflict, got \(decision)")
                return
            }
            #expect(message.contains(testCase.role.name))
        }
    }

    @Test func aGlobThatMissesSaysSo() {
        let decision = OwnershipCheck.decide(
            observed: Self.role("tf-billing-1"), owner: Self.owner, adoptionPolicy: .never, adoptableRoleNames: Self.globs, namedInSpec: true)
        guard case .foreign(let message) = decision else {
            Issue.record("expected RoleConflict, got \(decision)")
            return
        }
        #expect(message.contains("matches no adoptableRoleNames glob for namespace payments"))
    }

    @Test(arguments: [
        ("", "empty glob"),
        ("tf-${name}-*", "other than ${namespace}"),
        ("tf/${namespace}", "\"/\""),
        ("tf ${namespace}", "\" \""),
    ])
    func badGlobsAreRefused(_ pattern: String, _ fragment: String) throws {
        let problem = try #require(RoleAdoption.problem(pattern))
        #expect(problem.contains(fragment), "\(problem)")
    }

    @Test func goodGlobsLoadFromEveryLayer() throws {
        let settings = try SettingsLoader.load(
            file: ["clusterName": .scalar("prod"), "adoptableRoleNames": .list(["eksctl-*-${namespace}-*"])],
            flags: ["adoptableRoleNames": .list(["tf-${namespace}-*,legacy-?"])])
        #expect(settings.adoptableRoleNames == ["tf-${namespace}-*", "legacy-?"])
        #expect(try SettingsLoader.load(file: ["clusterName": .scalar("prod")]).adoptableRoleNames.isEmpty, "default none")
        #expect(throws: SettingsError.self) {
            try SettingsLoader.load(flags: ["clusterName": .scalar("prod"), "adoptableRoleNames": .scalar("tf-${ns}-*")])
        }
    }

    @Test func removedTrustStatementsNameWhatWent() {
        let ec2: JSONValue = ["Effect": "Allow", "Principal": ["Service": "ec2.amazonaws.com"], "Action": "sts:AssumeRole"]
        let irsa: JSONValue = [
            "Effect": "Allow", "Principal": ["Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.example.com"],
            "Action": "sts:AssumeRoleWithWebIdentity",
        ]
        let observed: JSONValue = ["Version": "2012-10-17", "Statement": [ec2, irsa]]
        let desired: JSONValue = ["Version": "2012-10-17", "Statement": [irsa]]
        #expect(RoleAdoption.removedTrustStatements(observed: observed, desired: desired) == ["Allow sts:AssumeRole for Service ec2.amazonaws.com"])
        #expect(RoleAdoption.removedTrustStatements(observed: desired, desired: desired).isEmpty)
        let single: JSONValue = ["Version": "2012-10-17", "Statement": ec2]
        #expect(RoleAdoption.removedTrustStatements(observed: single, desired: desired).count == 1, "a lone statement object counts too")
    }
}
