import KubeClient
import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `trustline verify`'s pod check over the Kubernetes API: which pod it lists and checks, and the
/// RBAC it names when listing pods is refused.
struct PodInjectionVerificationTests {
    static let tokenDirectory = PodIdentityInjection.mountPath
    static let expected = PodIdentityInjection(
        roleArn: Samples.roleArn, audience: "sts.amazonaws.com", tokenExpirationSeconds: 86400, regionalEndpoints: false, region: nil,
        source: .resource(name: "my-app"))

    /// A pod of `account` with one container, injected for `expected` when `injected`.
    static func pod(_ name: String, account: String, injected: Bool) -> Pod {
        var container: [String: JSONValue] = ["name": "app", "image": "app:1"]
        var spec: [String: JSONValue] = ["serviceAccountName": .string(account)]
        if injected {
            container["env"] = [
                ["name": "AWS_ROLE_ARN", "value": .string(Samples.roleArn)],
                ["name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": .string(PodIdentityInjection.tokenFile)],
            ]
            container["volumeMounts"] = [["name": "aws-iam-token", "mountPath": .string(tokenDirectory), "readOnly": true]]
            spec["volumes"] = [
                ["name": "aws-iam-token", "projected": ["sources": [["serviceAccountToken": ["audience": "sts.amazonaws.com", "expirationSeconds": 86400, "path": "token"]]]]]
            ]
        }
        spec["containers"] = [.object(container)]
        return Pod(metadata: ObjectMeta(name: name, namespace: "production"), spec: .object(spec))
    }

    @Test func checksThePodOfTheServiceAccount() async throws {
        let kubernetes = InMemoryKubernetes()
        _ = try kubernetes.seed(Self.pod("web", account: "my-app", injected: true))
        _ = try kubernetes.seed(Self.pod("other", account: "worker", injected: false))
        let outcome = try await PodInjectionVerification(kubernetes: kubernetes).check(
            namespace: "production", serviceAccountName: "my-app", expected: Self.expected)
        #expect(outcome.podName == "production/web")
        #expect(outcome.lines.count == 4)
        #expect(outcome.passed, "\(outcome.lines)")
    }

    @Test func aPodWithoutInjectionFails() async throws {
        let kubernetes = InMemoryKubernetes()
        _ = try kubernetes.seed(Self.pod("early", account: "my-app", injected: false))
        let outcome = try await PodInjectionVerification(kubernetes: kubernetes).check(
            namespace: "production", serviceAccountName: "my-app", expected: Self.expected)
        #expect(outcome.podName == "production/early")
        #expect(!outcome.passed)
        #expect(outcome.lines.allSatisfy { !$0.passed })
    }

    @Test func noPodIsNoFailure() async throws {
        let kubernetes = InMemoryKubernetes()
        let outcome = try await PodInjectionVerification(kubernetes: kubernetes).check(
            namespace: "production", serviceAccountName: "my-app", expected: Self.expected)
        #expect(outcome.podName == nil)
        #expect(outcome.lines.isEmpty)
        #expect(outcome.passed)
    }

    @Test func aRefusedListNamesTheRBACItNeeds() async throws {
        let kubernetes = InMemoryKubernetes()
        kubernetes.fail(
            "list", kind: "Pod",
            with: KubeAPIError(code: 403, status: Status(message: "pods is forbidden: User \"dev\" cannot list resource \"pods\"", reason: "Forbidden", code: 403)))
        do {
            let outcome = try await PodInjectionVerification(kubernetes: kubernetes).check(
                namespace: "production", serviceAccountName: "my-app", expected: Self.expected)
            Issue.record("checked \(String(describing: outcome.podName)); expected a refusal")
        } catch {
            #expect(error.step == "list pods")
            #expect(error.description.contains("verb list on pods"), "\(error.description)")
            #expect(error.description.contains("-n production"), "\(error.description)")
        }
    }
}
