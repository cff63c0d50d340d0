import AWSClients
import Foundation
import HTTPTransport
import KubeModels
import TestSupport
import Testing
import TrustlineCore

extension EndToEndSuite {
    /// Issue 13, items 2 and 3 (docs/design.md section 11): OIDC publishing against moto S3 with
    /// SigV4 verification on. The operator holds `config/iam/oidc-publishing-policy.json` (filled
    /// in) for S3, so a call outside the two objects would be refused.
    @Suite("End to end: OIDC publishing to S3")
    struct OIDCPublishingTests {
        static let bucket = "trustline-oidc-e2e"
        static let prefix = "clusters/e2e"
        static let issuer = "https://trustline-oidc-e2e.s3.us-east-1.amazonaws.com/clusters/e2e"
        typealias Access = OperatorIAMPolicyTests

        /// Creates the bucket, a user holding IAM/STS rights plus the publishing policy as
        /// `config/iam` has it, and turns SigV4 verification on. Returns the user's key.
        static func prepareMoto(_ cluster: TestCluster) async throws -> Access.AccessKey {
            let setup = S3Client(
                configuration: AWSClientConfiguration(endpoint: AWSEndpoint(url: cluster.moto.server.baseURL, signingRegion: "us-east-1")),
                addressing: .pathStyle, httpClient: cluster.moto.server.httpClient,
                credentialProvider: EnvironmentCredentialProvider(environment: MotoServer.environment))
            try await setup.createBucket(bucket)
            let path = TestTools.repositoryRoot + "/config/iam/oidc-publishing-policy.json"
            let publishing = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "OIDC_PUBLISH_BUCKET", with: bucket)
                .replacingOccurrences(of: "OIDC_PUBLISH_PREFIX", with: prefix + "/")
            let key = try await Access.createUser(
                "trustline-operator",
                policies: [
                    "iam-sts": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"}]}"#,
                    "oidc-publishing": publishing,
                ],
                admin: cluster.moto.iam)
            let reset = try await cluster.moto.server.httpClient.send(Access.resetAuthRequest(cluster.moto.server.baseURL))
            try #require(reset.status == 200, "moto refused reset-auth: \(String(decoding: reset.body, as: UTF8.self))")
            return key
        }

        static func s3(_ cluster: TestCluster, _ key: Access.AccessKey) -> S3Client {
            S3Client(
                configuration: AWSClientConfiguration(endpoint: AWSEndpoint(url: cluster.moto.server.baseURL, signingRegion: "us-east-1")),
                addressing: .pathStyle, httpClient: cluster.moto.server.httpClient,
                credentialProvider: EnvironmentCredentialProvider(environment: [
                    "AWS_ACCESS_KEY_ID": key.accessKeyId, "AWS_SECRET_ACCESS_KEY": key.secretAccessKey,
                ]))
        }

        static func operatorEnvironment(_ key: Access.AccessKey) -> [String: String] {
            ["AWS_ACCESS_KEY_ID": key.accessKeyId, "AWS_SECRET_ACCESS_KEY": key.secretAccessKey]
        }

        static func apiServer(_ cluster: TestCluster, _ path: String) async throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: try await cluster.kubernetes.getRaw(path: path))
        }

        static func stored(_ s3: S3Client, _ key: String) async throws -> (document: JSONValue, contentType: String?) {
            let object = try #require(try await s3.getObject(bucket: bucket, key: key), "s3://\(bucket)/\(key) is missing")
            return (try JSONDecoder().decode(JSONValue.self, from: object.body), object.contentType)
        }

        @Test("both objects as section 11 says, no write over three resync periods, a rewrite after key rotation")
        func publishesRewritesOnRotationOnly() async throws {
            try await TestCluster.with(issuer: Self.issuer) { cluster in
                let key = try await Self.prepareMoto(cluster)
                let s3 = Self.s3(cluster, key)
                let running = try cluster.startOperator(
                    resyncPeriod: "2s",
                    extraArguments: ["--oidc-publish-bucket", Self.bucket, "--oidc-publish-prefix", Self.prefix],
                    environmentOverrides: Self.operatorEnvironment(key))
                try await running.waitForMetrics()
                try await cluster.apply(Manifests.access(name: "my-app"))
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True", timeout: .seconds(90))

                // The two objects: discovery with the published issuer and jwks_uri, the rest as served.
                let served = try await Self.apiServer(cluster, "/.well-known/openid-configuration")
                let servedKeys = try await Self.apiServer(cluster, "/openid/v1/jwks")
                let discovery = try await Self.stored(s3, Self.prefix + "/.well-known/openid-configuration")
                let jwks = try await Self.stored(s3, Self.prefix + "/openid/v1/jwks")
                guard case .object(var expected) = served else { throw TestSetupError("the API server's discovery is not an object") }
                expected["issuer"] = .string(Self.issuer)
                expected["jwks_uri"] = .string(Self.issuer + "/openid/v1/jwks")
                #expect(discovery.document == .object(expected))
                #expect(discovery.contentType == "application/json")
                #expect(jwks.document == servedKeys)
                #expect(jwks.contentType == "application/json")
                #expect(Self.keys(jwks.document).count == 1)

                // The role trusts the published issuer, and its provider was registered.
                let host = String(Self.issuer.dropFirst("https://".count))
                let role = try await Access.iam(cluster.moto, key).getRole(roleName: "e2e.production.my-app")
                #expect(role.assumeRolePolicyDocument?.removingPercentEncoding?.contains("oidc-provider/\(host)") == true)
                let providers = try await Access.iam(cluster.moto, key).listOpenIDConnectProviders()
                #expect(providers == ["arn:aws:iam::\(MotoServer.accountId):oidc-provider/\(host)"])

                // Steady state: three resync periods, checks made, no S3 write.
                let putsBefore = try await Self.puts(running)
                let checksBefore = try await running.total("trustline_oidc_publish_checks_total")
                #expect(putsBefore == 2, "the first pass writes both objects once")
                try await Task.sleep(for: .seconds(7))
                #expect(try await Self.puts(running) == putsBefore, "S3 writes at steady state")
                #expect(try await running.total("trustline_oidc_publish_checks_total") >= checksBefore + 2)
                #expect(try await running.metrics()["trustline_oidc_publish_checks_total{result=\"unchanged\"}"] ?? 0 >= 2)

                // Key rotation: the JWKS is rewritten (both keys), the discovery document is not.
                let newKid = try cluster.server.rotateServiceAccountSigningKey()
                let rotated = try await cluster.eventually(timeout: .seconds(20), "the rotated JWKS in S3") { () -> JSONValue? in
                    let now = try await Self.stored(s3, Self.prefix + "/openid/v1/jwks").document
                    // Not a ternary: JSONValue is ExpressibleByNilLiteral, so `nil` there would be .null.
                    guard Self.keys(now).count == 2 else { return nil }
                    return now
                }
                let servedAfter = try await Self.apiServer(cluster, "/openid/v1/jwks")
                #expect(rotated == servedAfter, "S3: \(rotated)\nAPI server: \(servedAfter)")
                #expect(Self.keys(rotated).first?["kid"]?.stringValue == newKid, "\(rotated)")
                try await Task.sleep(for: .seconds(3))
                let writes = try await running.metrics()
                #expect(writes["trustline_oidc_publish_writes_total{object=\"jwks\"}"] == 2)
                #expect(writes["trustline_oidc_publish_writes_total{object=\"openid-configuration\"}"] == 1)
                #expect(try await Self.puts(running) == putsBefore + 1)
                // The first pass finds no objects (NoSuchKey); nothing else may fail.
                let refused = writes.filter {
                    $0.key.contains("service=\"s3\"") && !$0.key.contains("code=\"OK\"") && !$0.key.contains("code=\"NoSuchKey\"") && $0.value > 0
                }
                #expect(refused.isEmpty, "S3 refused the operator: \(refused)")
            }
        }

        /// The `keys` of a JWKS.
        static func keys(_ jwks: JSONValue) -> [JSONValue] {
            if case .array(let keys)? = jwks["keys"] { return keys }
            return []
        }

        /// PutObject requests the operator sent (every attempt), counted at its transport.
        static func puts(_ running: RunningOperator) async throws -> Double {
            try await running.metrics().filter { $0.key.hasPrefix("trustline_aws_requests_total{service=\"s3\",action=\"PutObject\"") }
                .values.reduce(0, +)
        }

        @Test("an API server issuing tokens for another issuer stops the operator before any IAM write")
        func issuerMismatchStopsTheOperator() async throws {
            try await TestCluster.with { cluster in
                let key = try await Self.prepareMoto(cluster)
                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator(
                    extraArguments: ["--oidc-publish-bucket", Self.bucket, "--oidc-publish-prefix", Self.prefix],
                    environmentOverrides: Self.operatorEnvironment(key))
                let status = await running.process.waitForExit()
                #expect(status != 0)
                let published = Self.issuer
                let expected = OIDCPublicationError.issuerMismatch(apiServer: cluster.server.issuer, published: published).description
                #expect(running.process.log.contains(expected), "\(running.process.recentLog())")
                #expect(running.process.log.contains("--service-account-issuer=\(published)"))
                let iam = Access.iam(cluster.moto, key)
                #expect(try await iam.listRoles(pathPrefix: "/").isEmpty)
                #expect(try await iam.listOpenIDConnectProviders() == [])
                #expect(try await Self.s3(cluster, key).getObject(bucket: Self.bucket, key: Self.prefix + "/openid/v1/jwks") == nil)
            }
        }

        @Test("a loopback issuer is named at start, in one IssuerUnreachable Warning per resource, and in the Ready message")
        func loopbackIssuerIsNamed() async throws {
            try await TestCluster.with { cluster in
                try await cluster.apply(Manifests.access(name: "my-app"))
                let running = try cluster.startOperator(resyncPeriod: "1s")
                let ready = try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let issuer = cluster.server.issuer
                #expect(ready.status?.condition(.ready)?.reason == "Converged")
                #expect(ready.status?.condition(.ready)?.message.contains("cannot be used by AWS STS (\(issuer) is on a loopback address") == true)
                #expect(running.process.log.contains("the OIDC issuer cannot be used by real AWS STS"))
                #expect(running.process.log.contains(issuer))
                // Several resyncs later, still one event for the resource.
                try await Task.sleep(for: .seconds(4))
                let warnings = try await cluster.kubernetes.list(Event.self, namespace: "production").items.filter {
                    $0.regarding.name == "my-app" && $0.reason == "IssuerUnreachable"
                }
                #expect(warnings.count == 1)
                #expect(warnings.first?.type == .warning)
                #expect(warnings.first?.note?.contains(issuer) == true)
            }
        }
    }
}
