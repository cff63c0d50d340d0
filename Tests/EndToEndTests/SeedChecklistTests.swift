import AWSClients
import Foundation
import KubeModels
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 4, must-show 3, first bullet: the seed's success checklist, with the real `trustline`
    /// binary against kube-test-server and moto.
    @Suite("End to end: the seed's success checklist")
    struct SeedChecklistTests {
        static let roleName = "e2e.production.my-app"

        @Test("sample my-app converges: annotated ServiceAccount, exact trust policy, policies, Ready status, kubectl wait")
        func seedChecklist() async throws {
            try await TestCluster.with { cluster in
                try await cluster.applySample("production-my-app.yaml")
                let running = try cluster.startOperator()
                try await running.waitForMetrics()

                let wait = try await cluster.kubectl(["wait", "--for=condition=Ready", "--timeout=90s", "-n", "production", "workloadawsaccess/my-app"])
                #expect(wait.status == 0, "kubectl wait --for=condition=Ready failed: \(wait.output)")

                // Status: Ready with the role ARN.
                let resource = try #require(try await cluster.resource("production", "my-app"))
                let expectedArn = "arn:aws:iam::\(MotoServer.accountId):role/trustline/\(Self.roleName)"
                #expect(resource.status?.condition(.ready)?.status == .true)
                #expect(resource.status?.condition(.ready)?.reason == "Converged")
                #expect(resource.status?.roleArn == expectedArn)
                #expect(resource.status?.observedGeneration == resource.metadata.generation)

                // The ServiceAccount carries the role-arn annotation (and the sample's others).
                let account = try #require(try await cluster.serviceAccount("production", "my-app"))
                let annotations = account.metadata.annotations ?? [:]
                #expect(annotations["eks.amazonaws.com/role-arn"] == expectedArn)
                #expect(annotations["eks.amazonaws.com/sts-regional-endpoints"] == "true")
                #expect(annotations["eks.amazonaws.com/token-expiration"] == "86400")
                #expect(account.metadata.ownerReferences?.first?.kind == "WorkloadAwsAccess")

                // The trust policy is exactly docs/design.md section 2 (compared as JSON, strictly).
                let role = try await cluster.moto.iam.getRole(roleName: Self.roleName)
                let issuer = String(cluster.server.issuer.dropFirst("https://".count))
                let expectedTrust: JSONValue = .object([
                    "Version": .string("2012-10-17"),
                    "Statement": .array([
                        .object([
                            "Effect": .string("Allow"),
                            "Principal": .object(["Federated": .string("arn:aws:iam::\(MotoServer.accountId):oidc-provider/\(issuer)")]),
                            "Action": .string("sts:AssumeRoleWithWebIdentity"),
                            "Condition": .object([
                                "StringEquals": .object([
                                    "\(issuer):sub": .string("system:serviceaccount:production:my-app"),
                                    "\(issuer):aud": .string("sts.amazonaws.com"),
                                ])
                            ]),
                        ])
                    ]),
                ])
                let trustText = try #require(role.assumeRolePolicyDocument)
                #expect(try JSONDecoder().decode(JSONValue.self, from: Data(trustText.utf8)) == expectedTrust)
                #expect(role.path == "/trustline/")
                #expect(role.maxSessionDuration == 3600)

                // Inline and managed policies are in place.
                #expect(try await cluster.moto.iam.listRolePolicies(roleName: Self.roleName) == ["s3-access"])
                let inline = try await cluster.moto.iam.getRolePolicy(roleName: Self.roleName, policyName: "s3-access")
                let expectedInline: JSONValue = .object([
                    "Version": .string("2012-10-17"),
                    "Statement": .array([
                        .object([
                            "Effect": .string("Allow"),
                            "Action": .array([.string("s3:GetObject"), .string("s3:PutObject"), .string("s3:ListBucket")]),
                            "Resource": .array([.string("arn:aws:s3:::my-bucket"), .string("arn:aws:s3:::my-bucket/*")]),
                        ])
                    ]),
                ])
                let inlineDocument = try PolicyCanonicalizer.parse(inline.policyDocument)
                #expect(PolicyCanonicalizer.equivalent(inlineDocument, expectedInline))
                let attached = try await cluster.moto.iam.listAttachedRolePolicies(roleName: Self.roleName).map(\.policyArn)
                #expect(attached == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])

                // Ownership tags and the user tag.
                let tags = Dictionary(uniqueKeysWithValues: try await cluster.moto.iam.listRoleTags(roleName: Self.roleName).map { ($0.key, $0.value) })
                #expect(tags["team"] == "payments")
                #expect(tags["trustline.dev/cluster"] == "e2e")
                #expect(tags["trustline.dev/namespace"] == "production")
                #expect(tags["trustline.dev/name"] == "my-app")
                #expect(tags["trustline.dev/uid"] == resource.metadata.uid)

                // The probes answer.
                #expect(try await running.probe("/healthz") == 200)
                #expect(try await running.probe("/readyz") == 200)
                #expect(try await running.probe("/nothing") == 404)

                // The operator's own metrics saw the work.
                #expect(try await running.total("trustline_iam_writes_total") >= 3)
            }
        }
    }
}
