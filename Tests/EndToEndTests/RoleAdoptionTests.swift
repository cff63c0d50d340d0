import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 12, build 2: adoption by name. An untagged role (eksctl's, Terraform's) named by
    /// `spec.role.name` and matching `--adoptable-role-names` for the resource's namespace is
    /// converged in place: same RoleId, path and ARN, our tags on, the foreign trust and the policy
    /// the spec does not list gone. The same name from a namespace the glob does not match is
    /// `RoleConflict`, and the role stays byte-for-byte as it was.
    @Suite("End to end: adopting a role by name")
    struct RoleAdoptionTests {
        static let ec2Trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        static let theirPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#

        /// An untagged role at path `/`, as eksctl or the Terraform module leave it.
        static func seedLegacyRole(_ iam: IAMClient, _ name: String) async throws -> IAMRole {
            let role = try await iam.createRole(
                AWSClients.CreateRoleRequest(
                    roleName: name, assumeRolePolicyDocument: ec2Trust, path: "/", description: "made by eksctl",
                    tags: [IAMTag(key: "alpha.eksctl.io/cluster-name", value: "e2e")]))
            try await iam.putRolePolicy(roleName: name, policyName: "theirs", policyDocument: theirPolicy)
            return role
        }

        @Test("an untagged role matching adoptableRoleNames is adopted in place; from another namespace it is RoleConflict and untouched")
        func adoptionByName() async throws {
            try await TestCluster.with(namespaces: ["production", "staging"]) { cluster in
                let iam = cluster.moto.iam
                let adopted = try await Self.seedLegacyRole(iam, "legacy-production-api")
                _ = try await Self.seedLegacyRole(iam, "legacy-production-jobs")
                let untouched = try await OwnershipAndDeletionTests.snapshot(iam, "legacy-production-jobs")

                try await cluster.apply(Manifests.access(name: "api", roleName: "legacy-production-api"))
                // staging's glob is legacy-staging-*: production's role is not staging's to adopt.
                try await cluster.apply(Manifests.access(name: "jobs", namespace: "staging", roleName: "legacy-production-jobs"))
                _ = try cluster.startOperator(extraArguments: ["--adoptable-role-names", "legacy-${namespace}-*"])

                let ready = try await cluster.waitForCondition("production", "api", type: .ready, status: "True")
                #expect(ready.status?.roleArn == adopted.arn, "status names the adopted role's own ARN")
                let role = try await iam.getRole(roleName: "legacy-production-api")
                #expect(role.roleId == adopted.roleId, "adopted in place, not recreated")
                #expect(role.path == "/" && role.arn == adopted.arn)
                let tags = Dictionary(uniqueKeysWithValues: try await iam.listRoleTags(roleName: "legacy-production-api").map { ($0.key, $0.value) })
                #expect(tags["trustline.dev/cluster"] == "e2e")
                #expect(tags["trustline.dev/namespace"] == "production")
                #expect(tags["trustline.dev/name"] == "api")
                #expect(tags["trustline.dev/uid"] == ready.metadata.uid)
                let trust = try #require(role.assumeRolePolicyDocument?.removingPercentEncoding)
                #expect(!trust.contains("ec2.amazonaws.com"), "the EC2 trust went: \(trust)")
                #expect(trust.contains("system:serviceaccount:production:api"))
                #expect(try await iam.listRolePolicies(roleName: "legacy-production-api") == ["s3-access"], "the unlisted policy went")
                let account = try #require(try await cluster.serviceAccount("production", "api"))
                #expect(account.metadata.annotations?["eks.amazonaws.com/role-arn"] == adopted.arn)
                let event = try await cluster.eventually("the AdoptedRole event") {
                    try await cluster.kubernetes.list(Event.self, namespace: "production").items.first {
                        $0.reason == "AdoptedRole" && $0.regarding.name == "api"
                    }
                }
                #expect(event.type == .normal)
                #expect(event.note?.contains("sts:AssumeRole for Service ec2.amazonaws.com") == true, "\(event.note ?? "")")

                let refused = try await cluster.waitForCondition("staging", "jobs", type: .ready, status: "False", reason: "RoleConflict")
                #expect(refused.status?.condition(.ready)?.message.contains("adoptableRoleNames") == true)
                // Later resyncs neither recreate the adopted role nor touch the refused one.
                try await Task.sleep(for: .seconds(5))
                #expect(try await iam.getRole(roleName: "legacy-production-api").roleId == adopted.roleId)
                #expect(try await OwnershipAndDeletionTests.snapshot(iam, "legacy-production-jobs") == untouched)
            }
        }
    }
}
