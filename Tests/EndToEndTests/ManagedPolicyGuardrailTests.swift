import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 11, item 4, against moto's real catalogue (MOTO_IAM_LOAD_MANAGED_POLICIES=true): an AWS
    /// managed policy and a customer-managed one that grant a denied action are refused with
    /// GuardrailViolation naming the policy and the action, with no IAM write for them, while
    /// AmazonS3ReadOnlyAccess still converges; each policy is read once.
    @Suite("End to end: managed policies meet the guardrails")
    struct ManagedPolicyGuardrailTests {
        static let codeStar = "arn:aws:iam::aws:policy/service-role/AWSCodeStarServiceRole"
        static let s3ReadOnly = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

        @Test("AWSCodeStarServiceRole and a customer policy granting iam:PassRole are refused; AmazonS3ReadOnlyAccess passes")
        func deniedActionsInManagedPoliciesAreRefused() async throws {
            try await TestCluster.with { cluster in
                let passRole = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:RunInstances","iam:PassRole"],"Resource":"*"}]}"#
                let customer = try await cluster.moto.iam.executor.perform(
                    action: "CreatePolicy", parameters: [("PolicyName", "deployer"), ("Path", "/team/"), ("PolicyDocument", passRole)]
                ) { root throws(XMLDecodingError) in
                    try root.requiredText(at: ["CreatePolicyResult", "Policy", "Arn"])
                }
                try await cluster.apply(Manifests.access(name: "codestar", managed: [Self.s3ReadOnly, Self.codeStar]))
                try await cluster.apply(Manifests.access(name: "deployer", managed: [customer]))
                try await cluster.apply(Manifests.access(name: "reader", managed: [Self.s3ReadOnly]))
                // A resync period longer than the test, so the default versions are not looked up again.
                let running = try cluster.startOperator(resyncPeriod: "10m")

                _ = try await cluster.waitForCondition("production", "reader", type: .ready, status: "True", timeout: .seconds(90))
                for (name, index, arn) in [("codestar", 1, Self.codeStar), ("deployer", 0, customer)] {
                    let refused = try await cluster.waitForCondition(
                        "production", name, type: .ready, status: "False", reason: "GuardrailViolation", timeout: .seconds(90))
                    let message = refused.status?.condition(.ready)?.message ?? ""
                    #expect(message.hasPrefix("spec.managedPolicyArns[\(index)]: \(arn) grants "), "\(message)")
                    #expect(message.contains("iam:PassRole"), "\(message)")
                    #expect(message.contains("deniedActions (iam:*)"), "\(message)")
                    let missing = await #expect(throws: AWSClientError.self) {
                        try await cluster.moto.iam.getRole(roleName: "e2e.production.\(name)")
                    }
                    #expect(missing?.isNoSuchEntity == true, "no role for \(name)")
                }
                #expect(try await cluster.moto.iam.listAttachedRolePolicies(roleName: "e2e.production.reader").map(\.policyArn) == [Self.s3ReadOnly])

                // The only role writes are the reader's (the OIDC provider is operator-wide).
                let writes = try await running.iamWritesByAction().filter { $0.key != "CreateOpenIDConnectProvider" }
                #expect(writes == ["CreateRole": 1, "PutRolePolicy": 1, "AttachRolePolicy": 1], "\(writes)")
                // Three distinct policies, each read once (two resources share AmazonS3ReadOnlyAccess).
                let metrics = try await running.metrics()
                for action in ["GetPolicy", "GetPolicyVersion"] {
                    #expect(metrics["trustline_aws_requests_total{service=\"iam\",action=\"\(action)\",code=\"OK\"}"] == 3, "\(action)")
                }

                // `trustline plan --live` refuses the same policy before it plans any call.
                let manifest = (cluster.directory as NSString).appendingPathComponent("codestar.yaml")
                try Manifests.access(name: "codestar", managed: [Self.s3ReadOnly, Self.codeStar]).write(toFile: manifest, atomically: true, encoding: .utf8)
                var environment = ProcessInfo.processInfo.environment.merging(cluster.moto.clientEnvironment) { _, new in new }
                environment["KUBECONFIG"] = cluster.kubeconfigPath
                let plan = try await TestTools.run(
                    try TestTools.trustlineBinary(), ["plan", "--live", "--cluster-name", "e2e", "--kubeconfig", cluster.kubeconfigPath, manifest],
                    environment: environment)
                #expect(plan.status == 1, "\(plan.output)")
                #expect(plan.output.contains("GuardrailViolation spec.managedPolicyArns[1]: \(Self.codeStar) grants "), "\(plan.output)")
            }
        }
    }
}
