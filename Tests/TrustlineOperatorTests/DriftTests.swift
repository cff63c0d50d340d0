import AWSClients
import ControllerRuntime
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Drift made in IAM behind the operator's back is put back on the next pass, with a Normal
/// `DriftCorrected` event naming what was put back; status stays as it was.
@Suite struct DriftTests {
    struct Drift: Sendable, CustomStringConvertible {
        var description: String
        var change: @Sendable (inout InMemoryIAM.StoredRole) -> Void
        /// What the event must name.
        var named: String
        var expectedWrites: [String]
    }

    static let wildcardTrust = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"\(ReconcilerHarness.providerArn)"},\
        "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"oidc.example.com/id/ABC:sub":"system:serviceaccount:*:*"}}}]}
        """

    static let drifts: [Drift] = [
        Drift(description: "trust policy widened to a wildcard", change: { $0.trustPolicy = wildcardTrust },
              named: "trust policy", expectedWrites: ["UpdateAssumeRolePolicy"]),
        Drift(description: "AdministratorAccess attached", change: { $0.attachedPolicies.append("arn:aws:iam::aws:policy/AdministratorAccess") },
              named: "arn:aws:iam::aws:policy/AdministratorAccess", expectedWrites: ["DetachRolePolicy"]),
        Drift(description: "tag removed", change: { $0.tags.removeAll { $0.key == "team" } },
              named: "tag team", expectedWrites: ["TagRole"]),
        Drift(description: "inline policy edited", change: { $0.inlinePolicies["s3-access"] = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"# },
              named: "inline policy s3-access", expectedWrites: ["PutRolePolicy"]),
        Drift(description: "managed policy detached", change: { $0.attachedPolicies.removeAll() },
              named: "managed policy \(Samples.s3ReadOnly)", expectedWrites: ["AttachRolePolicy"]),
    ]

    @Test(arguments: drifts)
    func driftIsCorrectedAndReported(_ drift: Drift) async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        #expect(await harness.reconcile() == .done)
        let converged = try #require(harness.iam.role(Samples.roleName))
        let statusBefore = harness.resource()?.status
        harness.iam.mutateRole(Samples.roleName, drift.change)
        harness.resetCalls()
        harness.clock.advance(seconds: 600)

        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.writeCalls.map(\.action) == drift.expectedWrites)
        let role = try #require(harness.iam.role(Samples.roleName))
        #expect(PolicyCanonicalizer.equivalent(try PolicyCanonicalizer.parse(role.trustPolicy), try PolicyCanonicalizer.parse(converged.trustPolicy)))
        #expect(Set(role.attachedPolicies) == Set(converged.attachedPolicies))
        #expect(Set(role.tags.map(\.key)) == Set(converged.tags.map(\.key)))
        #expect(Set(role.inlinePolicies.keys) == Set(converged.inlinePolicies.keys))
        let event = try #require(harness.events().last)
        #expect(event.reason == "DriftCorrected")
        #expect(event.type == .normal)
        #expect(event.note?.contains(drift.named) == true, "\(event.note ?? "")")
        #expect(harness.kubernetes.statusWrites.isEmpty, "Ready stays True: no status write")
        #expect(harness.resource()?.status == statusBefore)

        // Corrected: the next pass is steady again.
        harness.resetCalls()
        #expect(await harness.reconcile() == .done)
        #expect(harness.iam.writeCalls.isEmpty)
        #expect(harness.events().filter { $0.reason == "DriftCorrected" }.count == 1)
    }

    @Test func allThreeDriftsAtOnceAreNamedInOneEvent() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()
        harness.iam.mutateRole(Samples.roleName) { role in
            role.trustPolicy = Self.wildcardTrust
            role.attachedPolicies.append("arn:aws:iam::aws:policy/AdministratorAccess")
            role.tags.removeAll { $0.key == "team" }
        }
        harness.resetCalls()

        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.writeCalls.map(\.action) == ["DetachRolePolicy", "UpdateAssumeRolePolicy", "TagRole"])
        let note = try #require(harness.events().last?.note)
        #expect(note.contains("trust policy"))
        #expect(note.contains("AdministratorAccess"))
        #expect(note.contains("tag team"))
    }

    @Test func removedServiceAccountAnnotationIsPutBackWithoutIAMOrStatusWrites() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()
        try harness.kubernetes.edit(ServiceAccount.self, namespace: "production", name: "my-app") {
            $0.metadata.annotations = ["added-by-user": "yes"]
        }
        harness.resetCalls()

        #expect(await harness.reconcile() == .done)

        #expect(harness.serviceAccount()?.metadata.annotations == ["added-by-user": "yes", "eks.amazonaws.com/role-arn": Samples.roleArn])
        #expect(harness.iam.writeCalls.isEmpty)
        #expect(harness.kubernetes.statusWrites.isEmpty)
        #expect(harness.kubernetes.writeCalls.map { "\($0.verb) \($0.kind)" } == ["patch ServiceAccount"])
    }

    @Test func specChangeIsNotReportedAsDrift() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()
        harness.resetCalls()

        try harness.kubernetes.edit(WorkloadAwsAccess.self, namespace: "production", name: "my-app") {
            $0.spec.managedPolicyArns = []
            $0.spec.role.tags["cost-center"] = "42"
        }
        #expect(await harness.reconcile() == .done)

        #expect(harness.iam.writeCalls.map(\.action) == ["DetachRolePolicy", "TagRole"])
        #expect(!harness.events().contains { $0.reason == "DriftCorrected" })
        #expect(harness.resource()?.status?.observedGeneration == 2)
        #expect(harness.kubernetes.statusWrites.count == 1, "observedGeneration moves")
    }

    @Test func removedOwnershipTagMakesTheRoleSomeoneElsesAndIsNotRewritten() async throws {
        let harness = ReconcilerHarness()
        try harness.apply(Samples.myApp())
        _ = await harness.reconcile()
        harness.iam.mutateRole(Samples.roleName) { $0.tags.removeAll { $0.key == OwnershipTags.uid } }
        let tampered = try #require(harness.iam.role(Samples.roleName))
        harness.resetCalls()

        _ = await harness.reconcile()

        ConditionExpectation.blocked(at: .role, .roleConflict).check(harness.resource()?.status)
        #expect(harness.iam.role(Samples.roleName) == tampered)
        #expect(harness.iam.writeCalls.isEmpty)
    }
}
