import Foundation
import HTTPTransport
import KubeModels
import Testing
import TestSupport

/// `trustline webhook` as the API server calls it: kube-test-server reaches the Service
/// `trustline-system/trustline-webhook` on a loopback port over TLS with the configuration's
/// caBundle, and pods created with kubectl come back injected (docs/pod-identity-webhook.md).
extension EndToEndSuite {
    @Suite struct PodIdentityWebhookTests {
        static let tokenDirectory = "/var/run/secrets/eks.amazonaws.com/serviceaccount"

        @Test func podsOfAConvergedResourceAreInjectedAndACertificateRotationIsPickedUp() async throws {
            let webhookPort = try WebhookProcess.reservedPort()
            try await TestCluster.with(webhookServiceHosts: ["trustline-system/trustline-webhook": "127.0.0.1:\(webhookPort)"]) { cluster in
                let authority = try await TestCertificateAuthority()
                defer { authority.remove() }
                let certDir = cluster.directory + "/webhook-certs"
                try await authority.issueServerPair(dnsNames: ["trustline-webhook.trustline-system.svc"], into: certDir)
                let operatorProcess = try cluster.startOperator()
                try await operatorProcess.waitForMetrics()
                try await cluster.apply(Manifests.access(name: "my-app"))
                let converged = try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let roleArn = try #require(converged.status?.roleArn)

                try await WebhookProcess.with(cluster: cluster, port: webhookPort, certDir: certDir, environment: cluster.moto.clientEnvironment) { webhook in
                    try await cluster.apply(WebhookProcess.configuration(caBundle: authority.certificatePEM))
                    try await cluster.apply(Self.pod("app", serviceAccount: "my-app", initContainers: ["setup"], containers: ["app", "sidecar"]))
                    let pod = try await Self.pod(cluster, "app")
                    for container in Self.containers(of: pod) {
                        #expect(
                            Self.environment(of: container) == [
                                "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "AWS_ROLE_ARN": roleArn,
                                "AWS_WEB_IDENTITY_TOKEN_FILE": Self.tokenDirectory + "/token", "KEEP": "me",
                            ], "container \(container["name"] as? String ?? "?")")
                        #expect(Self.tokenMounts(of: container) == [[Self.tokenDirectory: true]])
                    }
                    #expect(Self.containers(of: pod).count == 3)
                    let volume = try #require(Self.volumes(of: pod).first { $0["name"] as? String == "aws-iam-token" })
                    let sources = try #require((volume["projected"] as? [String: Any])?["sources"] as? [[String: Any]])
                    let token = try #require(sources.first?["serviceAccountToken"] as? [String: Any])
                    #expect(sources.count == 1)
                    #expect(token["audience"] as? String == "sts.amazonaws.com")
                    #expect((token["expirationSeconds"] as? NSNumber)?.intValue == 86400)
                    #expect(token["path"] as? String == "token")

                    // A pod that sets AWS_ROLE_ARN itself keeps its value.
                    try await cluster.apply(Self.pod("own-role", serviceAccount: "my-app", containers: ["app"], roleArn: "arn:aws:iam::123456789012:role/mine"))
                    let ownRole = try #require(Self.containers(of: try await Self.pod(cluster, "own-role")).first)
                    #expect(Self.environment(of: ownRole)["AWS_ROLE_ARN"] == "arn:aws:iam::123456789012:role/mine")
                    #expect(Self.environmentNames(of: ownRole).filter { $0 == "AWS_ROLE_ARN" }.count == 1)
                    #expect(Self.environment(of: ownRole)["AWS_WEB_IDENTITY_TOKEN_FILE"] == Self.tokenDirectory + "/token")

                    // A container named in skip-containers is untouched.
                    try await cluster.apply(Self.pod("skipping", serviceAccount: "my-app", containers: ["app", "sidecar"], skip: "sidecar"))
                    let skipping = Self.containers(of: try await Self.pod(cluster, "skipping"))
                    let sidecar = try #require(skipping.first { $0["name"] as? String == "sidecar" })
                    let app = try #require(skipping.first { $0["name"] as? String == "app" })
                    #expect(Self.environment(of: sidecar) == ["KEEP": "me"])
                    #expect(Self.tokenMounts(of: sidecar).isEmpty)
                    #expect(Self.environment(of: app)["AWS_ROLE_ARN"] == roleArn)

                    // A pod with nothing to do passes unchanged.
                    try await cluster.apply(Self.pod("plain", serviceAccount: "default", containers: ["app"]))
                    let plain = try await Self.pod(cluster, "plain")
                    #expect(Self.environment(of: try #require(Self.containers(of: plain).first)) == ["KEEP": "me"])
                    #expect(!Self.volumes(of: plain).contains { $0["name"] as? String == "aws-iam-token" })

                    // cert-manager rotates the pair (here with a new CA) and the CA injector updates caBundle.
                    let rotated = try await TestCertificateAuthority()
                    defer { rotated.remove() }
                    let next = cluster.directory + "/webhook-certs-next"
                    try await rotated.issueServerPair(into: next)
                    for file in ["tls.crt", "tls.key"] {
                        guard rename("\(next)/\(file)", "\(certDir)/\(file)") == 0 else { throw TestSetupError("rename \(file): errno \(errno)") }
                    }
                    try await webhook.waitUntilServing(trusting: rotated)
                    try await cluster.apply(WebhookProcess.configuration(caBundle: rotated.certificatePEM))
                    try await cluster.apply(Self.pod("after-rotation", serviceAccount: "my-app", containers: ["app"]))
                    let afterRotation = try #require(Self.containers(of: try await Self.pod(cluster, "after-rotation")).first)
                    #expect(Self.environment(of: afterRotation)["AWS_ROLE_ARN"] == roleArn)
                }
            }
        }

        @Test func aPodCreatedRightAfterItsResourceIsInjectedBeforeTheOperatorAnnotates() async throws {
            let webhookPort = try WebhookProcess.reservedPort()
            try await TestCluster.with(webhookServiceHosts: ["trustline-system/trustline-webhook": "127.0.0.1:\(webhookPort)"]) { cluster in
                let authority = try await TestCertificateAuthority()
                defer { authority.remove() }
                let certDir = cluster.directory + "/webhook-certs"
                try await authority.issueServerPair(into: certDir)
                // No operator runs and the webhook has no AWS credentials: the account comes from the setting.
                try await cluster.kubectlChecked(["create", "serviceaccount", "race", "-n", "production"])
                try await WebhookProcess.with(
                    cluster: cluster, port: webhookPort, certDir: certDir, arguments: ["--aws-account-id", "123456789012"], environment: [:]
                ) { _ in
                    try await cluster.apply(WebhookProcess.configuration(caBundle: authority.certificatePEM))
                    // One apply, as GitOps does it: the resource, then at once a pod of its ServiceAccount.
                    try await cluster.apply(
                        Manifests.access(name: "race-app", serviceAccount: "race") + "---\n"
                            + Self.pod("racer", serviceAccount: "race", containers: ["app"]))
                    let pod = try await Self.pod(cluster, "racer")
                    let container = try #require(Self.containers(of: pod).first)
                    #expect(Self.environment(of: container)["AWS_ROLE_ARN"] == "arn:aws:iam::123456789012:role/trustline/e2e.production.race-app")
                    #expect(Self.tokenMounts(of: container) == [[Self.tokenDirectory: true]])
                    let account = try #require(try await cluster.serviceAccount("production", "race"))
                    #expect(account.metadata.annotations?["eks.amazonaws.com/role-arn"] == nil, "the operator is not running; nothing annotated it")
                }
            }
        }

        @Test func startProblemsAreClearErrorsAndHelpListsTheFlags() async throws {
            let binary = try TestTools.trustlineBinary()
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-webhook-cli-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") && !$0.key.hasPrefix("TRUSTLINE_") }
            environment["AWS_ACCESS_KEY_ID"] = "testing"
            environment["AWS_SECRET_ACCESS_KEY"] = "testing"
            environment["AWS_REGION"] = "us-east-1"
            // Nothing listens there: STS GetCallerIdentity fails at once.
            environment["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:\(try TestTools.freePort())"
            let kubeconfig = work + "/kubeconfig"
            try """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
            let common = ["webhook", "--kubeconfig", kubeconfig, "--cluster-name", "e2e", "--oidc-issuer", "https://oidc.example.com"]

            let noCertificate = try await TestTools.run(binary, common + ["--cert-dir", work + "/absent"], environment: environment)
            #expect(noCertificate.status == 1)
            #expect(noCertificate.output.contains("--cert-dir \(work)/absent"))
            #expect(noCertificate.output.contains("tls.crt"))

            let authority = try await TestCertificateAuthority()
            defer { authority.remove() }
            try await authority.issueServerPair(into: work + "/certs")
            let noAccount = try await TestTools.run(binary, common + ["--cert-dir", work + "/certs"], environment: environment)
            #expect(noAccount.status == 1)
            #expect(noAccount.output.contains("set awsAccountId in the --config file"))

            let badAddress = try await TestTools.run(binary, common + ["--bind-address", "9443"], environment: environment)
            #expect(badAddress.status == 2)
            #expect(badAddress.output.contains("--bind-address"))

            let help = try await TestTools.run(binary, ["webhook", "--help"], environment: environment)
            #expect(help.status == 0)
            for flag in ["--bind-address", "--cert-dir", "--health-probe-bind-address", "--aws-account-id", "--cluster-name", "--config"] {
                #expect(help.output.contains(flag), "webhook --help lists \(flag)")
            }
            #expect(!help.output.contains("--leader-elect"))
        }

        // MARK: pods

        /// A pod in `production`; every container sets `KEEP=me` (and `AWS_ROLE_ARN` when given).
        static func pod(
            _ name: String, serviceAccount: String, initContainers: [String] = [], containers: [String], roleArn: String? = nil, skip: String? = nil
        ) -> String {
            func list(_ names: [String]) -> String {
                names.map { name in
                    var entry = "    - name: \(name)\n      image: busybox:1.36\n      env:\n        - {name: KEEP, value: me}\n"
                    if let roleArn { entry += "        - {name: AWS_ROLE_ARN, value: \"\(roleArn)\"}\n" }
                    return entry
                }.joined()
            }
            var yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \(name)\n  namespace: production\n"
            if let skip { yaml += "  annotations:\n    eks.amazonaws.com/skip-containers: \(skip)\n" }
            yaml += "spec:\n  serviceAccountName: \(serviceAccount)\n"
            if !initContainers.isEmpty { yaml += "  initContainers:\n" + list(initContainers) }
            yaml += "  containers:\n" + list(containers)
            return yaml
        }

        /// The stored pod as JSON.
        static func pod(_ cluster: TestCluster, _ name: String) async throws -> [String: Any] {
            let data = try await cluster.kubernetes.getRaw(path: "/api/v1/namespaces/production/pods/\(name)")
            guard let pod = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw TestSetupError("pod \(name) is not an object") }
            return pod
        }

        /// Init containers, then containers.
        static func containers(of pod: [String: Any]) -> [[String: Any]] {
            let spec = pod["spec"] as? [String: Any] ?? [:]
            return (spec["initContainers"] as? [[String: Any]] ?? []) + (spec["containers"] as? [[String: Any]] ?? [])
        }

        static func volumes(of pod: [String: Any]) -> [[String: Any]] {
            (pod["spec"] as? [String: Any])?["volumes"] as? [[String: Any]] ?? []
        }

        static func environmentNames(of container: [String: Any]) -> [String] {
            (container["env"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }

        /// The container's env by name (the first value of each name).
        static func environment(of container: [String: Any]) -> [String: String] {
            var result: [String: String] = [:]
            for entry in container["env"] as? [[String: Any]] ?? [] {
                guard let name = entry["name"] as? String, result[name] == nil else { continue }
                result[name] = entry["value"] as? String ?? ""
            }
            return result
        }

        /// The container's mounts of `aws-iam-token`, as mount path to readOnly.
        static func tokenMounts(of container: [String: Any]) -> [[String: Bool]] {
            (container["volumeMounts"] as? [[String: Any]] ?? []).filter { $0["name"] as? String == "aws-iam-token" }.map { mount in
                [mount["mountPath"] as? String ?? "": (mount["readOnly"] as? NSNumber)?.boolValue ?? false]
            }
        }
    }
}

/// A `trustline webhook` subprocess against a test cluster, with its HTTPS and probe ports.
struct WebhookProcess: Sendable {
    let process: ChildProcess
    let port: Int
    let healthPort: Int

    /// Starts the webhook on 127.0.0.1:`port` serving `certDir`, waits until `/readyz` answers
    /// 200, runs `body`, and stops it (SIGTERM) also when `body` throws. `environment` is added
    /// to the test's own environment, from which AWS credentials are removed first.
    static func with(
        cluster: TestCluster, port: Int, certDir: String, arguments: [String] = [], environment: [String: String],
        _ body: (WebhookProcess) async throws -> Void
    ) async throws {
        let healthPort = try TestTools.freePort()
        var childEnvironment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        childEnvironment.merge(environment) { _, new in new }
        childEnvironment["AWS_REGION"] = "us-east-1"
        childEnvironment["TRUSTLINE_LOG_LEVEL"] = "debug"
        let process = try ChildProcess(
            name: "trustline-webhook", executable: try TestTools.trustlineBinary(),
            arguments: [
                "webhook", "--kubeconfig", cluster.kubeconfigPath, "--cluster-name", "e2e", "--cert-dir", certDir,
                "--bind-address", "127.0.0.1:\(port)", "--health-probe-bind-address", "127.0.0.1:\(healthPort)",
            ] + arguments,
            environment: childEnvironment, logDirectory: cluster.directory)
        let webhook = WebhookProcess(process: process, port: port, healthPort: healthPort)
        do {
            try await webhook.waitUntilReady()
            try await body(webhook)
        } catch {
            print("--- trustline webhook log (last 60 lines) ---\n" + process.log.split(separator: "\n").suffix(60).joined(separator: "\n"))
            _ = await process.stop()
            throw error
        }
        let status = await process.stop()
        #expect(status == 0, "the webhook exits 0 on SIGTERM:\n\(process.recentLog())")
    }

    /// A free loopback port below the kernel's ephemeral range (32768 and up by default): the
    /// webhook's port is fixed before kube-test-server starts, and a port picked from the
    /// ephemeral range could be handed to kube-test-server or moto binding port 0 meanwhile.
    static func reservedPort() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20000...29999)
            guard let probe = try? ListeningSocket(port: port) else { continue }
            probe.close()
            return port
        }
        throw TestSetupError("no free loopback port in 20000...29999")
    }

    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let client = CurlHTTPClient()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw TestSetupError("trustline webhook exited:\n\(process.log)") }
            if let url = URL(string: "http://127.0.0.1:\(healthPort)/readyz"),
                (try? await client.send(HTTPRequest(url: url, timeout: .seconds(5))))?.status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSetupError("trustline webhook was not ready within \(timeout):\n\(process.log)")
    }

    /// Waits until HTTPS `/readyz` answers to a client trusting only `authority`.
    func waitUntilServing(trusting authority: TestCertificateAuthority, timeout: Duration = .seconds(30)) async throws {
        let client = CurlHTTPClient(tls: TLSConfiguration(certificateAuthority: .pem(authority.certificatePEM)), connectTimeout: .seconds(5))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let url = URL(string: "https://127.0.0.1:\(port)/readyz"), (try? await client.send(HTTPRequest(url: url, timeout: .seconds(5))))?.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSetupError("the webhook did not serve the rotated certificate within \(timeout):\n\(process.recentLog())")
    }

    /// The MutatingWebhookConfiguration of the install bundle (names agreed in docs/pod-identity-webhook.md).
    static func configuration(caBundle: Data) -> String {
        """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          name: trustline-pod-identity
        webhooks:
          - name: pod-identity.trustline.dev
            clientConfig:
              service: {namespace: trustline-system, name: trustline-webhook, path: /mutate, port: 443}
              caBundle: \(caBundle.base64EncodedString())
            rules:
              - operations: [CREATE]
                apiGroups: [""]
                apiVersions: [v1]
                resources: [pods]
                scope: Namespaced
            failurePolicy: Ignore
            reinvocationPolicy: IfNeeded
            sideEffects: None
            admissionReviewVersions: [v1]
            timeoutSeconds: 5
            matchPolicy: Equivalent
            namespaceSelector:
              matchExpressions:
                - {key: kubernetes.io/metadata.name, operator: NotIn, values: [kube-system, trustline-system]}
        """
    }
}
