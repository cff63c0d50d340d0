import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 11 items 2 and 5 against moto and the test API server: quick renames and late
    /// CreateRoles leave no role behind, the orphan sweep deletes only this cluster's orphans,
    /// and a ServiceAccount the resource no longer names loses our annotations.
    @Suite("End to end: renames, orphan sweep, ServiceAccount renames")
    struct RenameAndOrphanTests {
        /// Roles under the role path whose uid tag is `uid`.
        static func roles(taggedFor uid: String, in iam: IAMClient) async throws -> [String] {
            var names: [String] = []
            for role in try await iam.listRoles(pathPrefix: "/trustline/") {
                let tags = try await iam.listRoleTags(roleName: role.roleName)
                if tags.contains(IAMTag(key: OwnershipTags.uid, value: uid)) { names.append(role.roleName) }
            }
            return names.sorted()
        }

        static func exists(_ roleName: String, in iam: IAMClient) async throws -> Bool {
            do {
                _ = try await iam.getRole(roleName: roleName)
                return true
            } catch where error.isNoSuchEntity {
                return false
            }
        }

        @Test("twenty renames 100 ms apart, then a resync: exactly one role left; deleting the resource: none")
        func quickRenamesLeaveOneRole() async throws {
            try await TestCluster.with { cluster in
                let iam = cluster.moto.iam
                try await cluster.apply(Manifests.access(name: "my-app", roleName: "renamed-0"))
                _ = try cluster.startOperator(resyncPeriod: "2s")
                let first = try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let uid = try #require(first.metadata.uid)
                // A rename landing mid-reconcile makes its status write conflict (409), so status
                // keeps naming an older role; the API server here answers the next ten status
                // writes so, as a busier one does.
                cluster.server.faults.failNextRequests(10, status: 409, method: "PUT", pathPrefix: "/apis/trustline.dev/")

                for index in 1...20 {
                    let patch: JSONValue = ["spec": ["role": ["name": .string("renamed-\(index)")]]]
                    _ = try await cluster.kubernetes.mergePatch(WorkloadAwsAccess.self, namespace: "production", name: "my-app", patch: patch)
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await cluster.eventually(timeout: .seconds(120), "the last name converged") { () -> Bool? in
                    guard let resource = try await cluster.resource("production", "my-app"),
                        resource.status?.observedGeneration == resource.metadata.generation,
                        resource.status?.roleName == "renamed-20", resource.status?.condition(.ready)?.status == .true
                    else { return nil }
                    return true
                }
                // A resync period and more: whatever is left now stays left.
                try await Task.sleep(for: .seconds(5))
                #expect(try await Self.roles(taggedFor: uid, in: iam) == ["renamed-20"])

                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "my-app", "-n", "production", "--wait=false"])
                try await cluster.eventually(timeout: .seconds(120), "the resource is gone") { try await cluster.resource("production", "my-app") == nil ? true : nil }
                #expect(try await Self.roles(taggedFor: uid, in: iam) == [])
            }
        }

        @Test("the orphan sweep deletes a role tagged for this cluster and an unknown uid; another cluster's and an untagged role stay")
        func orphanSweep() async throws {
            try await TestCluster.with { cluster in
                let iam = cluster.moto.iam
                let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
                func make(_ name: String, cluster clusterName: String?) async throws {
                    let tags = clusterName.map {
                        OwnershipTags.tags(clusterName: $0, namespace: "production", name: "gone", uid: "uid-of-no-resource")
                            .map { IAMTag(key: $0.key, value: $0.value) }
                    } ?? []
                    _ = try await iam.createRole(CreateRoleRequest(roleName: name, assumeRolePolicyDocument: trust, path: "/trustline/", tags: tags))
                    try await iam.putRolePolicy(
                        roleName: name, policyName: "s3",
                        policyDocument: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
                }
                try await make("landed-late", cluster: "e2e")
                try await make("other-cluster", cluster: "elsewhere")
                try await make("untagged", cluster: nil)
                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator(resyncPeriod: "2s", extraArguments: ["--orphan-grace-period", "1s"])
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")

                try await cluster.eventually("the orphan is swept") { try await Self.exists("landed-late", in: iam) ? nil : true }
                // Two more passes: nothing else goes.
                try await Task.sleep(for: .seconds(5))
                #expect(try await Self.exists("other-cluster", in: iam))
                #expect(try await Self.exists("untagged", in: iam))
                #expect(try await Self.exists("e2e.production.my-app", in: iam))
                #expect(try await running.total("trustline_orphan_roles_deleted_total") == 1)
                #expect(running.process.log.contains("orphan sweep deleted a role"))
            }
        }

        /// A ServiceAccount's annotations without kubectl's own (`kubectl apply` adds last-applied-configuration).
        static func annotations(of serviceAccount: ServiceAccount?) -> [String: String]? {
            serviceAccount?.metadata.annotations?.filter { !$0.key.hasPrefix("kubectl.kubernetes.io/") }
        }

        @Test("renaming spec.serviceAccount.name removes our annotations from the old ServiceAccount, and deletion leaves it so")
        func serviceAccountRename() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply("""
                    apiVersion: v1
                    kind: ServiceAccount
                    metadata:
                      name: existing
                      namespace: production
                      annotations:
                        owner: team-a
                    """)
                try await cluster.apply(Manifests.access(name: "my-app", serviceAccount: "existing"))
                _ = try cluster.startOperator(resyncPeriod: "2s")
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let annotated = try #require(try await cluster.serviceAccount("production", "existing"))
                #expect(annotated.metadata.annotations?[ServiceAccountAnnotations.roleArn] != nil)

                try await cluster.apply(Manifests.access(name: "my-app", serviceAccount: "my-app-v2"))
                try await cluster.eventually("the old ServiceAccount lost our annotations") { () -> Bool? in
                    guard Self.annotations(of: try await cluster.serviceAccount("production", "existing")) == ["owner": "team-a"] else { return nil }
                    return true
                }
                let renamed = try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                #expect(renamed.status?.serviceAccountName == "my-app-v2")
                #expect(try await cluster.serviceAccount("production", "my-app-v2")?.metadata.annotations?[ServiceAccountAnnotations.roleArn] != nil)

                try await cluster.kubectlChecked(["delete", "workloadawsaccess", "my-app", "-n", "production", "--timeout=60s"])
                try await cluster.eventually("the resource is gone") { try await cluster.resource("production", "my-app") == nil ? true : nil }
                #expect(Self.annotations(of: try await cluster.serviceAccount("production", "existing")) == ["owner": "team-a"])
                #expect(try await cluster.serviceAccount("production", "my-app-v2") == nil, "the ServiceAccount it created is deleted")
            }
        }
    }
}
