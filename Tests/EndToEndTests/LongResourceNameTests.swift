import AWSClients
import Foundation
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 11, item 6: a name the API server accepts for a custom resource (a subdomain with a
    /// label over 63 characters) converges, with a derived role name cut to 64 and hashed.
    @Suite("End to end: a long resource name")
    struct LongResourceNameTests {
        @Test("a resource whose name has a 90-character label becomes Ready with a valid derived role name")
        func longLabelConverges() async throws {
            try await TestCluster.with { cluster in
                let name = "reports-" + String(repeating: "a", count: 82) + ".v2"
                try await cluster.apply(Manifests.access(name: name))
                _ = try cluster.startOperator(resyncPeriod: "10m")

                let ready = try await cluster.waitForCondition("production", name, type: .ready, status: "True", timeout: .seconds(90))
                let roleName = RoleNaming.derivedName(clusterName: "e2e", namespace: "production", name: name)
                #expect(roleName.count == 64)
                #expect(ready.status?.roleName == roleName)
                #expect(try await cluster.moto.iam.getRole(roleName: roleName).path == "/trustline/")
                #expect(try await cluster.serviceAccount("production", name) != nil)
            }
        }
    }
}
