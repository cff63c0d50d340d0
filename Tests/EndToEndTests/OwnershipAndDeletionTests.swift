import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 4, must-show 3: RoleConflict leaves a foreign role untouched, deletion with Delete and
    /// Retain, and guardrail violations end with no IAM write.
    @Suite("End to end: ownership, deletion and guardrails")
    struct OwnershipAndDeletionTests {
        @Test("a role of the same name made outside Trustline is RoleConflict, left byte-for-byte alone, and survives the resource's deletion")
        func foreignRoleIsRoleConflict() async throws {
            try await TestCluster.with { cluster in
                let iam = cluster.moto.iam
                let foreignTrust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
                _ = try await iam.createRole(
                    AWSClients.CreateRoleRequest(
                        roleName: "e2e.production.my-app", assumeRolePolicyDocument: foreignTrust, path: "/trustline/",
                        description: "made by hand", tags: [IAMTag(key: "owner", value: "someone-else")]))
                try await iam.putRolePolicy(roleName: "e2e.production.my-app", policyName: "theirs", policyDocument: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#)
                let before = try await Self.snapshot(iam, "e2e.production.my-app")

                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator()
                let blocked = try await cluster.waitForCondition("production", "my-app", type: .roleReady, status: "False", reason: "RoleConflict")
                #expect(blocked.status?.condition(.ready)?.status == .false)
                #expect(blocked.status?.condition(.ready)?.reason == "RoleConflict")
                // The only write allowed is the cluster's OIDC provider (--manage-oidc-provider). A new
                // resource sends CreateRole without observing first: IAM refuses it (EntityAlreadyExists,
                // nothing written), and only then is the role observed and found to be someone else's.
                let refusedCreates = try await running.metrics()["trustline_aws_requests_total{service=\"iam\",action=\"CreateRole\",code=\"EntityAlreadyExists\"}"] ?? 0
                #expect(refusedCreates <= 1, "one optimistic CreateRole at most: \(refusedCreates)")
                let writes = try await running.iamWritesByAction().filter { $0.key != "CreateOpenIDConnectProvider" }
                    .merging(["CreateRole": -refusedCreates], uniquingKeysWith: +).filter { $0.value != 0 }
                #expect(writes.isEmpty, "IAM role writes despite RoleConflict: \(writes)")
                #expect(try await Self.snapshot(iam, "e2e.production.my-app") == before)

                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "my-app", "-n", "production", "--timeout=60s"])
                try await cluster.eventually("the resource is gone") { try await cluster.resource("production", "my-app") == nil ? true : nil }
                #expect(try await Self.snapshot(iam, "e2e.production.my-app") == before)
                let writesAfterDeletion = try await running.iamWritesByAction().filter { $0.key != "CreateOpenIDConnectProvider" }
                    .merging(["CreateRole": -refusedCreates], uniquingKeysWith: +).filter { $0.value != 0 }
                #expect(writesAfterDeletion.isEmpty, "IAM role writes after deleting a RoleConflict resource: \(writesAfterDeletion)")
            }
        }

        @Test("deletion with Delete leaves no role, policy or ServiceAccount; with Retain the role stays")
        func deletionPolicies() async throws {
            try await TestCluster.with(namespaces: ["production", "staging"]) { cluster in
                try await cluster.apply(Manifests.access(name: "my-app", deletionPolicy: "Delete"))
                try await cluster.apply(Manifests.access(name: "worker", namespace: "staging", deletionPolicy: "Retain"))
                _ = try cluster.startOperator()
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                try await cluster.waitForCondition("staging", "worker", type: .ready, status: "True")
                let iam = cluster.moto.iam

                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "my-app", "-n", "production", "--timeout=60s"])
                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "worker", "-n", "staging", "--timeout=60s"])
                try await cluster.eventually("both resources gone") {
                    let first = try await cluster.resource("production", "my-app")
                    let second = try await cluster.resource("staging", "worker")
                    return first == nil && second == nil ? true : nil
                }
                // Delete: no role left (and so no inline policy or attachment), no ServiceAccount.
                await #expect(throws: AWSClientError.self) { _ = try await iam.getRole(roleName: "e2e.production.my-app") }
                try await cluster.eventually("the created ServiceAccount is removed") {
                    try await cluster.serviceAccount("production", "my-app") == nil ? true : nil
                }
                // Retain: the role and its policies stay.
                let kept = try await iam.getRole(roleName: "e2e.staging.worker")
                #expect(kept.roleName == "e2e.staging.worker")
                #expect(try await iam.listRolePolicies(roleName: "e2e.staging.worker") == ["s3-access"])
            }
        }

        @Test("guardrail violations end in GuardrailViolation or InvalidSpec naming the field, with zero IAM writes", arguments: [
            ("denied-action", Manifests.access(name: "denied-action", policy: """
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: [iam:PassRole]
                    Resource: "*"
                """), "GuardrailViolation", "Action"),
            ("denied-managed", Manifests.access(name: "denied-managed", managed: ["arn:aws:iam::aws:policy/AdministratorAccess"]), "GuardrailViolation", "managedPolicyArns"),
            ("oversize", Manifests.access(name: "oversize", policy: OwnershipAndDeletionTests.oversizePolicy), "", "inlinePolicies"),
        ])
        func guardrailViolations(name: String, manifest: String, reason: String, field: String) async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(manifest)
                let running = try cluster.startOperator()
                let refused = try await cluster.waitForCondition("production", name, type: .ready, status: "False", reason: reason.isEmpty ? nil : reason)
                let actualReason = refused.status?.condition(.ready)?.reason ?? ""
                #expect(["GuardrailViolation", "InvalidSpec"].contains(actualReason))
                let message = refused.status?.condition(.ready)?.message ?? ""
                #expect(message.contains(field), "message should name \(field): \(message)")
                #expect(try await running.total("trustline_iam_writes_total") == 0)
                await #expect(throws: AWSClientError.self) { _ = try await cluster.moto.iam.getRole(roleName: "e2e.production.\(name)") }
            }
        }

        /// An inline policy over IAM's 10240-character aggregate quota (moto would accept it).
        static let oversizePolicy: String = {
            var yaml = "Version: \"2012-10-17\"\nStatement:\n  - Effect: Allow\n    Action: [s3:GetObject]\n    Resource:\n"
            for index in 0..<300 { yaml += "      - arn:aws:s3:::an-example-bucket-name-\(index)/*\n" }
            return yaml
        }()

        /// Everything IAM holds for a role, to compare before and after.
        struct RoleSnapshot: Equatable {
            var trust: String?
            var description: String?
            var tags: [String: String]
            var inline: [String: String]
            var attached: [String]
        }

        static func snapshot(_ iam: IAMClient, _ roleName: String) async throws -> RoleSnapshot {
            let role = try await iam.getRole(roleName: roleName)
            var inline: [String: String] = [:]
            for name in try await iam.listRolePolicies(roleName: roleName) {
                inline[name] = try await iam.getRolePolicy(roleName: roleName, policyName: name).policyDocument
            }
            let tags = Dictionary(uniqueKeysWithValues: try await iam.listRoleTags(roleName: roleName).map { ($0.key, $0.value) })
            return RoleSnapshot(
                trust: role.assumeRolePolicyDocument, description: role.description, tags: tags, inline: inline,
                attached: try await iam.listAttachedRolePolicies(roleName: roleName).map(\.policyArn).sorted())
        }
    }
}
