import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 14 item 1 against moto: drift made with boto3, as a person or another tool would make
    /// it, is found by the bulk drift pass and put back by the reconcile it asks for.
    @Suite("End to end: the bulk drift pass")
    struct DriftPassEndToEndTests {
        static let roleName = "e2e.production.my-app"

        @Test("drift made with boto3 (inline policy widened, tag added) is found by the drift pass and corrected")
        func boto3DriftIsFoundAndCorrected() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator(resyncPeriod: "2s")
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let iam = cluster.moto.iam
                let converged = try PolicyCanonicalizer.parse(try await iam.getRolePolicy(roleName: Self.roleName, policyName: "s3-access").policyDocument)

                let python = try TestTools.find("python3", install: "apt-get install -y python3, then pip install boto3")
                let script = """
                    import boto3
                    iam = boto3.client("iam", endpoint_url="\(cluster.moto.url)", region_name="us-east-1",
                                       aws_access_key_id="testing", aws_secret_access_key="testing")
                    iam.put_role_policy(RoleName="\(Self.roleName)", PolicyName="s3-access",
                                        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
                    iam.tag_role(RoleName="\(Self.roleName)", Tags=[{"Key": "added", "Value": "by-hand"}])
                    """
                let result = try await TestTools.run(python, ["-c", script], environment: ProcessInfo.processInfo.environment)
                #expect(result.status == 0, "\(result.output)")

                try await cluster.eventually(timeout: .seconds(30), "the drift pass found the drift and it was put back") { () -> Bool? in
                    let document = try PolicyCanonicalizer.parse(try await iam.getRolePolicy(roleName: Self.roleName, policyName: "s3-access").policyDocument)
                    let tags = try await iam.listRoleTags(roleName: Self.roleName)
                    guard PolicyCanonicalizer.equivalent(document, converged), !tags.contains(where: { $0.key == "added" }) else { return nil }
                    return true
                }
                let event = try await cluster.eventually(timeout: .seconds(20), "a DriftCorrected event") { () -> Event? in
                    try await cluster.kubernetes.list(Event.self, namespace: "production").items.first {
                        $0.reason == "DriftCorrected" && $0.regarding.name == "my-app"
                    }
                }
                #expect(event.note?.contains("inline policy s3-access") == true, "\(event.note ?? "")")
                #expect(event.note?.contains("extra tag added") == true, "\(event.note ?? "")")
                let metrics = try await running.metrics()
                #expect(metrics["trustline_drift_resources_found_total{verdict=\"drifted\"}", default: 0] >= 1)
                #expect(running.process.log.contains("drift pass done"))
            }
        }
    }
}
