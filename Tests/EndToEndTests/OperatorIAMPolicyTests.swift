import AWSClients
import Foundation
import HTTPTransport
import Testing

extension EndToEndSuite {
    /// Issue 9, part 5: the operator converges the samples holding only `config/iam`'s policies, and a role
    /// outside its role path is refused to the same key.
    ///
    /// What moto (5.2.1, `moto/iam/access_control.py`, `moto/iam/responses.py`) really enforces once
    /// `/moto-api/reset-auth` is on: the signature; the action against each statement's `Action`/`NotAction`;
    /// the `Resource` only for a call that names an existing role (`RoleName` given and found: the role's
    /// ARN); every other call, including `CreateRole` and `GetRole` of a role that does not exist yet, the
    /// managed policy reads (`GetPolicy`, `GetPolicyVersion`) and every OIDC provider call, is checked against the resource `*`, which a scoped `Resource` never
    /// matches. `Condition` keys such as `iam:PermissionsBoundary` get no value from moto, and a condition
    /// without values counts as met (`policy_conditions.py`), so moto would not enforce the boundary gate:
    /// the boundary variant is checked for its structure only. `sts:GetCallerIdentity` is always allowed. Hence the user holds the policies exactly as `config/iam` has them plus one moto-only
    /// statement granting, on `*`, only actions those policies already grant to calls moto checks
    /// against `*` (asserted below); what this proves is that the action lists are complete and that
    /// writes to an existing role outside the role path are refused.
    @Suite("End to end: the operator's own IAM policy")
    struct OperatorIAMPolicyTests {
        static let operatorUser = "trustline-operator"
        /// Actions moto checks against `*` when the operator calls them (role not created yet, OIDC provider).
        static let checkedAgainstStar: Set<String> = [
            "iam:CreateRole", "iam:GetRole",
            "iam:CreateOpenIDConnectProvider", "iam:GetOpenIDConnectProvider", "iam:AddClientIDToOpenIDConnectProvider",
            "iam:GetPolicy", "iam:GetPolicyVersion",
        ]

        static func document(_ name: String, issuerHost: String) throws -> String {
            let path = TestTools.repositoryRoot + "/config/iam/" + name
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.replacingOccurrences(of: "ACCOUNT_ID", with: MotoServer.accountId)
                .replacingOccurrences(of: "OIDC_ISSUER_HOST_AND_PATH", with: issuerHost)
        }

        /// Every action an Allow statement of `document` grants.
        static func allowedActions(_ document: String) throws -> Set<String> {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
            let statements = try #require(json["Statement"] as? [[String: Any]])
            var actions: Set<String> = []
            for statement in statements where statement["Effect"] as? String == "Allow" {
                if let one = statement["Action"] as? String { actions.insert(one) }
                if let many = statement["Action"] as? [String] { actions.formUnion(many) }
            }
            return actions
        }

        /// An access key moto issued.
        struct AccessKey {
            var accessKeyId: String
            var secretAccessKey: String
        }

        static func iam(_ moto: MotoServer, _ credentials: AccessKey) -> IAMClient {
            IAMClient(
                configuration: AWSClientConfiguration(endpoint: AWSEndpoint(url: moto.server.baseURL, signingRegion: "us-east-1")),
                httpClient: moto.server.httpClient,
                credentialProvider: EnvironmentCredentialProvider(environment: [
                    "AWS_ACCESS_KEY_ID": credentials.accessKeyId, "AWS_SECRET_ACCESS_KEY": credentials.secretAccessKey,
                ]))
        }

        /// Creates the user with these inline policies and returns its new access key (before auth is on).
        static func createUser(_ name: String, policies: [String: String], admin: IAMClient) async throws -> AccessKey {
            try await admin.executor.perform(action: "CreateUser", parameters: [("UserName", name)]) { _ throws(XMLDecodingError) in () }
            for (policyName, document) in policies.sorted(by: { $0.key < $1.key }) {
                try await admin.executor.perform(
                    action: "PutUserPolicy",
                    parameters: [("UserName", name), ("PolicyName", policyName), ("PolicyDocument", document)]
                ) { _ throws(XMLDecodingError) in () }
            }
            return try await admin.executor.perform(action: "CreateAccessKey", parameters: [("UserName", name)]) {
                root throws(XMLDecodingError) in
                let key = try root.requiredElement(at: ["CreateAccessKeyResult", "AccessKey"])
                return AccessKey(
                    accessKeyId: try key.requiredText(at: ["AccessKeyId"]), secretAccessKey: try key.requiredText(at: ["SecretAccessKey"]))
            }
        }

        static func expectAccessDenied(_ what: String, _ call: () async throws -> Void) async {
            do {
                try await call()
                Issue.record("\(what) succeeded with the operator's key; expected AccessDenied")
            } catch let error as AWSClientError {
                #expect(error.isAccessDenied, "\(what): expected AccessDenied, got \(error)")
            } catch {
                Issue.record("\(what): expected AccessDenied, got \(error)")
            }
        }

        @Test("the samples converge with only config/iam's policies; a role outside /trustline/ is refused")
        func samplesConvergeWithTheOperatorPolicyOnly() async throws {
            try await TestCluster.with(namespaces: ["production", "staging"]) { cluster in
                let issuerHost = String(cluster.server.issuer.dropFirst("https://".count))
                let operatorPolicy = try Self.document("operator-policy.json", issuerHost: issuerHost)
                let oidcPolicy = try Self.document("oidc-provider-policy.json", issuerHost: issuerHost)
                let granted = try Self.allowedActions(operatorPolicy).union(try Self.allowedActions(oidcPolicy))
                #expect(Self.checkedAgainstStar.isSubset(of: granted), "the moto-only statement grants nothing config/iam does not")
                let motoOnly = String(decoding: try JSONSerialization.data(withJSONObject: [
                    "Version": "2012-10-17",
                    "Statement": [["Effect": "Allow", "Action": Self.checkedAgainstStar.sorted(), "Resource": "*"]],
                ] as [String: Any]), as: UTF8.self)

                let setup = cluster.moto.iam
                let adminKey = try await Self.createUser(
                    "admin",
                    policies: ["all": #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#],
                    admin: setup)
                let operatorKey = try await Self.createUser(
                    Self.operatorUser,
                    policies: ["operator-policy": operatorPolicy, "oidc-provider-policy": oidcPolicy, "moto-resource-star": motoOnly],
                    admin: setup)
                let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
                _ = try await setup.createRole(CreateRoleRequest(roleName: "outside", assumeRolePolicyDocument: trust, path: "/other/"))
                let reset = try await cluster.moto.server.httpClient.send(Self.resetAuthRequest(cluster.moto.server.baseURL))
                try #require(reset.status == 200, "moto refused reset-auth: \(String(decoding: reset.body, as: UTF8.self))")

                // Auth is on: the placeholder keys no longer work, the admin's do.
                let admin = Self.iam(cluster.moto, adminKey)
                await #expect(throws: AWSClientError.self) { try await setup.getRole(roleName: "outside") }
                #expect(try await admin.getRole(roleName: "outside").path == "/other/")

                let running = try cluster.startOperator(environmentOverrides: [
                    "AWS_ACCESS_KEY_ID": operatorKey.accessKeyId, "AWS_SECRET_ACCESS_KEY": operatorKey.secretAccessKey,
                ])
                for sample in ["production-my-app.yaml", "production-reports-managed-only.yaml", "staging-worker.yaml"] {
                    try await cluster.applySample(sample)
                }
                for (namespace, name) in [("production", "my-app"), ("production", "reports"), ("staging", "worker")] {
                    _ = try await cluster.waitForCondition(namespace, name, type: .ready, status: "True", timeout: .seconds(90))
                }
                let managed = try await admin.getRole(roleName: "e2e.production.my-app")
                #expect(managed.path == "/trustline/")
                #expect(try await admin.listRolePolicies(roleName: "e2e.production.my-app") == ["s3-access"])
                let denied = try await running.metrics().filter { $0.key.contains(#"code="AccessDenied""#) && $0.value > 0 }
                #expect(denied.isEmpty, "the operator was refused: \(denied)")

                // The same key on a role outside the role path, and on an action the policy does not grant.
                let operatorIAM = Self.iam(cluster.moto, operatorKey)
                let inline = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
                await Self.expectAccessDenied("PutRolePolicy on /other/outside") {
                    try await operatorIAM.putRolePolicy(roleName: "outside", policyName: "escalate", policyDocument: inline)
                }
                await Self.expectAccessDenied("UpdateAssumeRolePolicy on /other/outside") {
                    try await operatorIAM.updateAssumeRolePolicy(roleName: "outside", policyDocument: trust)
                }
                await Self.expectAccessDenied("AttachRolePolicy on /other/outside") {
                    try await operatorIAM.attachRolePolicy(roleName: "outside", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess")
                }
                await Self.expectAccessDenied("DeleteRole on /other/outside") {
                    try await operatorIAM.deleteRole(roleName: "outside")
                }
                await Self.expectAccessDenied("CreateUser (not granted)") {
                    try await operatorIAM.executor.perform(action: "CreateUser", parameters: [("UserName", "mallory")]) {
                        _ throws(XMLDecodingError) in ()
                    }
                }
                // The control: the same key and call on a role under the path is accepted.
                try await operatorIAM.putRolePolicy(roleName: "e2e.production.my-app", policyName: "control", policyDocument: inline)
                #expect(try await admin.listRolePolicies(roleName: "outside").isEmpty)
                #expect(try await admin.getRole(roleName: "outside").path == "/other/")
            }
        }

        /// `POST /moto-api/reset-auth` with body `0`: every later request must be signed by a user's key and allowed.
        static func resetAuthRequest(_ baseURL: URL) throws -> HTTPRequest {
            let url = try #require(URL(string: "/moto-api/reset-auth", relativeTo: baseURL)?.absoluteURL)
            return HTTPRequest(method: "POST", url: url, headers: ["Content-Type": "text/plain"], body: Data("0".utf8))
        }

        @Test("the boundary variant grants CreateRole and PutRolePermissionsBoundary only with the boundary, and never its removal")
        func boundaryVariantIsConditioned() throws {
            let text = try Self.document("operator-policy-with-boundary.json", issuerHost: "unused")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let statements = try #require(json["Statement"] as? [[String: Any]])
            let gated: Set = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
            for statement in statements {
                let actions = Set(statement["Action"] as? [String] ?? [(statement["Action"] as? String) ?? ""])
                #expect(!actions.contains("iam:DeleteRolePermissionsBoundary"))
                guard !actions.isDisjoint(with: gated) else { continue }
                #expect(actions == gated, "gated actions share a statement only with each other")
                let condition = try #require(statement["Condition"] as? [String: [String: String]])
                #expect(condition == ["StringEquals": ["iam:PermissionsBoundary": "PERMISSIONS_BOUNDARY_ARN"]])
            }
            // Apart from the gate it grants what the plain policy grants.
            let plain = try Self.allowedActions(try Self.document("operator-policy.json", issuerHost: "unused"))
            #expect(try Self.allowedActions(text) == plain.subtracting(["iam:DeleteRolePermissionsBoundary"]))
        }
    }
}
