import Foundation
import Testing
@testable import KubeTestServer

/// `kubectl --as`: the request is authorized as the impersonated user, so `kubectl auth can-i
/// --as=system:serviceaccount:...` and `kubectl get --as=...` answer what that ServiceAccount may
/// do, and only a requester allowed to `impersonate` can ask.
@Suite struct ImpersonationTests {
    @Test func adminImpersonatingAServiceAccountGetsItsRights() async throws {
        try await ServerFixture.with { fixture in
            let applied = try await fixture.kubectl(["apply", "-f", "-"], stdin: RBACWireTests.policy)
            #expect(applied.status == 0, "\(applied.description)")
            let asApp = "--as=system:serviceaccount:default:app"

            let allowed = try await fixture.kubectl(["auth", "can-i", "list", "serviceaccounts", "-n", "default", asApp])
            #expect(allowed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes", "\(allowed.description)")
            let refused = try await fixture.kubectl(["auth", "can-i", "list", "secrets", "-n", "default", asApp])
            #expect(refused.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no", "\(refused.description)")
            // The admin itself may list secrets: the answer above really is the ServiceAccount's.
            let admin = try await fixture.kubectl(["auth", "can-i", "list", "secrets", "-n", "default"])
            #expect(admin.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes", "\(admin.description)")

            let get = try await fixture.kubectl(["get", "secrets", "-n", "default", asApp])
            #expect(get.status != 0)
            #expect(
                get.stderr.contains(
                    "secrets is forbidden: User \"system:serviceaccount:default:app\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\""),
                "\(get.description)")
        }
    }

    @Test func aServiceAccountMayNotImpersonateWithoutTheVerb() async throws {
        try await ServerFixture.with { fixture in
            let applied = try await fixture.kubectl(["apply", "-f", "-"], stdin: RBACWireTests.policy)
            #expect(applied.status == 0, "\(applied.description)")
            let token = try await RBACWireTests.mint(fixture)
            let kubeconfig = try RBACWireTests.kubeconfig(fixture, token: token)
            let get = try await fixture.kubectl(["--kubeconfig", kubeconfig, "get", "serviceaccounts", "-n", "default", "--as=admin"])
            #expect(get.status != 0)
            #expect(
                get.stderr.contains("User \"system:serviceaccount:default:app\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope"),
                "\(get.description)")
        }
    }

    @Test func serviceAccountUserNamesGetServiceAccountGroups() {
        let impersonation = Impersonation(user: "system:serviceaccount:team:reader", groups: [])
        #expect(impersonation?.user.groups == ["system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"])
        #expect(impersonation?.requiredPermissions.map(\.resource) == ["serviceaccounts"])
        let withGroups = Impersonation(user: "jane", groups: ["devs"])
        #expect(withGroups?.user.groups == ["devs", "system:authenticated"])
        #expect(withGroups?.requiredPermissions.map { "\($0.resource)/\($0.name)" } == ["users/jane", "groups/devs"])
        #expect(Impersonation(user: "", groups: []) == nil)
    }
}
