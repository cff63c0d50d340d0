import KubeModels
import Testing
@testable import TrustlineCore

/// Issue 12, build 1: one role per ServiceAccount. The claim rule decides who may write the
/// role annotation: the creator, else the oldest live claimant, and never over an annotation that
/// is someone else's.
@Suite struct ServiceAccountClaimTests {
    static let ourArn = "arn:aws:iam::123456789012:role/trustline/prod.team.younger"
    static let olderArn = "arn:aws:iam::123456789012:role/trustline/prod.team.older"
    static let eksctlArn = "arn:aws:iam::123456789012:role/eksctl-prod-addon-iamserviceaccount-team-shared-Role1-ABC"

    static func claimant(_ name: String, created: String?, uid: String? = nil, deleting: Bool = false, roleArn: String? = nil) -> WorkloadAwsAccess {
        var resource = WorkloadAwsAccess(
            metadata: ObjectMeta(name: name, namespace: "team", uid: uid ?? "uid-\(name)"),
            spec: WorkloadAwsAccessSpec(serviceAccount: ServiceAccountSpec(name: "shared", create: false)))
        resource.metadata.creationTimestamp = created
        if deleting { resource.metadata.deletionTimestamp = "2026-12-01T00:00:00Z" }
        if let roleArn { resource.status = WorkloadAwsAccessStatus(roleArn: roleArn) }
        return resource
    }

    static func account(roleArn: String? = nil, createdFor owner: WorkloadAwsAccess? = nil) -> ServiceAccount {
        var metadata = ObjectMeta(name: "shared", namespace: "team")
        if let roleArn { metadata.annotations = [ServiceAccountAnnotations.roleArn: roleArn, "team": "payments"] }
        if let owner { metadata.ownerReferences = [ServiceAccountRendering.ownerReference(for: owner)] }
        return ServiceAccount(metadata: metadata)
    }

    static let older = claimant("older", created: "2026-11-01T10:00:00Z", roleArn: olderArn)
    static let younger = claimant("younger", created: "2026-11-02T10:00:00Z")

    enum Expected: Sendable, Equatable {
        case write
        /// A conflict whose message holds this text.
        case conflict(String)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var resource: WorkloadAwsAccess
        var claimants: [WorkloadAwsAccess]
        var account: ServiceAccount?
        var expected: Expected
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "alone, no annotation", resource: younger, claimants: [younger], account: account(), expected: .write),
        Case(label: "alone, not in the claimant list yet (cache behind)", resource: younger, claimants: [], account: account(), expected: .write),
        Case(label: "alone, annotation already ours", resource: younger, claimants: [younger], account: account(roleArn: ourArn), expected: .write),
        Case(label: "alone, ServiceAccount absent", resource: younger, claimants: [younger], account: nil, expected: .write),
        Case(
            label: "the older claimant wins", resource: older, claimants: [younger, older], account: account(), expected: .write),
        Case(
            label: "the younger claimant loses, annotation empty", resource: younger, claimants: [older, younger], account: account(),
            expected: .conflict("claimed by WorkloadAwsAccess older")),
        Case(
            label: "the younger claimant loses, annotation the winner's", resource: younger, claimants: [older, younger],
            account: account(roleArn: olderArn), expected: .conflict("claimed by WorkloadAwsAccess older")),
        Case(
            label: "same timestamp: the name decides", resource: claimant("b", created: "2026-11-01T10:00:00Z"),
            claimants: [claimant("a", created: "2026-11-01T10:00:00Z"), claimant("b", created: "2026-11-01T10:00:00Z")],
            account: account(), expected: .conflict("claimed by WorkloadAwsAccess a")),
        Case(
            label: "a claimant being deleted no longer claims", resource: younger,
            claimants: [claimant("older", created: "2026-11-01T10:00:00Z", deleting: true), younger], account: account(), expected: .write),
        Case(
            label: "the winner overwrites a younger claimant's leftover annotation", resource: older,
            claimants: [older, claimant("younger", created: "2026-11-02T10:00:00Z", roleArn: ourArn)],
            account: account(roleArn: ourArn), expected: .write),
        Case(
            label: "eksctl's annotation is someone else's", resource: younger, claimants: [younger], account: account(roleArn: eksctlArn),
            expected: .conflict("remove the annotation: kubectl annotate serviceaccount -n team shared eks.amazonaws.com/role-arn-")),
        Case(
            label: "even the winner leaves a foreign annotation", resource: older, claimants: [older, younger],
            account: account(roleArn: eksctlArn), expected: .conflict("not this resource's role")),
        Case(
            label: "created for another resource: that one's, however old this one is", resource: older, claimants: [older, younger],
            account: account(createdFor: younger), expected: .conflict("was created for WorkloadAwsAccess younger")),
        Case(
            label: "created for this resource", resource: younger, claimants: [older, younger],
            account: account(roleArn: ourArn, createdFor: younger), expected: .write),
    ]

    @Test(arguments: cases)
    func decision(_ testCase: Case) {
        let decision = ServiceAccountClaim.decide(
            for: testCase.resource, claimants: testCase.claimants, serviceAccount: testCase.account,
            ourRoleArns: [testCase.resource.name == "older" ? Self.olderArn : Self.ourArn])
        switch (decision, testCase.expected) {
        case (.write, .write):
            break
        case (.conflict(let message), .conflict(let fragment)):
            #expect(message.contains(fragment), "\(message)")
            #expect(message.contains("team/shared"), "the message names the ServiceAccount")
        default:
            Issue.record("expected \(testCase.expected), got \(decision)")
        }
    }

    /// Whatever order the cache hands them in, exactly one live claimant may write an empty
    /// ServiceAccount, and it is the oldest.
    @Test func exactlyOneClaimantWinsInAnyOrder() {
        let claimants = (0..<6).map { index in
            Self.claimant("r\(index)", created: "2026-11-0\(1 + index % 3)T10:00:00Z")
        }
        for rotation in 0..<claimants.count {
            let order = Array(claimants[rotation...] + claimants[..<rotation]).reversed().map { $0 }
            let writers = claimants.filter {
                ServiceAccountClaim.decide(for: $0, claimants: order, serviceAccount: Self.account(), ourRoleArns: []) == .write
            }
            #expect(writers.map(\.name) == ["r0"])
        }
    }
}
