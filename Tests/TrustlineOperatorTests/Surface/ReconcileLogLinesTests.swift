import ControllerRuntime
import KubeModels
import Logging
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// Issue 4: structured logs with the resource's key on every line. Drives the real reconciler
/// (in-memory IAM and Kubernetes) with the operator's own log handler and parses every line.
struct ReconcileLogLinesTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        var label: String
        var resource: WorkloadAwsAccess
        var deleteAfterFirst: Bool
        var testDescription: String { label }
    }

    static let scenarios: [Scenario] = [
        Scenario(label: "create, then steady state", resource: Samples.myApp(), deleteAfterFirst: false),
        Scenario(
            label: "guardrail violation",
            resource: Samples.myApp(spec: WorkloadAwsAccessSpec(managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"])),
            deleteAfterFirst: false),
        Scenario(label: "create, then delete", resource: Samples.myApp(), deleteAfterFirst: true),
    ]

    @Test(arguments: StructuredLogHandler.Format.allCases, scenarios)
    func everyLineOfAReconcileCarriesTheResourceKey(_ format: StructuredLogHandler.Format, scenario: Scenario) async throws {
        let lines = LogLines()
        let logger = lines.logger(format: format, level: .trace, label: "trustline.reconciler")
        let iam = InMemoryIAM()
        iam.seedOIDCProvider(issuerHostAndPath: ReconcilerHarness.issuerHostAndPath)
        let kubernetes = InMemoryKubernetes()
        let clock = TestWallClock()
        let reconciler = WorkloadAwsAccessReconciler(
            settings: OperatorSettings(clusterName: "prod"),
            environment: OperatorEnvironment(accountId: iam.accountId, oidcIssuer: ReconcilerHarness.issuer),
            iam: iam, kubernetes: kubernetes, cache: InMemoryReconcileCache(kubernetes: kubernetes), clock: clock,
            events: KubernetesEventRecorder(kubernetes: kubernetes, clock: clock, reportingInstance: "trustline-test", logger: logger),
            logger: logger)
        try kubernetes.seed(scenario.resource)
        let key = ObjectKey(namespace: "production", name: "my-app")

        _ = await reconciler.reconcile(key)
        if scenario.deleteAfterFirst {
            _ = try await kubernetes.delete(WorkloadAwsAccess.self, namespace: "production", name: "my-app")
        }
        _ = await reconciler.reconcile(key)

        let parsed = try lines.parsed(format)
        #expect(!parsed.isEmpty, "a reconcile logs at least one line at trace level")
        for fields in parsed {
            #expect(fields["resource"] == "production/my-app", "\(fields)")
            #expect(fields["level"] != nil && fields["msg"] != nil && fields["time"] != nil)
        }
    }
}
