import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import Synchronization

/// Settings for a test API server.
public struct KubeTestServerOptions: Sendable {
    /// 0 picks a free loopback port.
    public var port: Int = 0
    /// Token issuer (`iss`, OIDC discovery); default `https://127.0.0.1:<port>`.
    public var issuer: String? = nil
    /// Events kept for watches that resume from a resourceVersion; older ones get 410 Gone.
    public var watchHistoryLimit: Int = 1000
    /// How often watches with `allowWatchBookmarks=true` get a BOOKMARK (short in tests).
    public var bookmarkInterval: Duration = .seconds(60)
    /// Log one line per request to stderr.
    public var logRequests: Bool = false
    /// Where admission webhooks that name a Service (`clientConfig.service`) are reached:
    /// `"NAMESPACE/NAME"` to `"HOST:PORT"`. A test-server-only mapping: it cannot route to
    /// Services. The serving certificate is checked against HOST, not `NAME.NAMESPACE.svc`.
    public var webhookServiceHosts: [String: String] = [:]
    /// Test-server-only: serve the fault injector over HTTP at `/fault-injection` (admin token
    /// only; `FaultControl`), for scripts that run the binary. Off: the server knows no such path.
    public var faultControl: Bool = false

    public init() {}
}

/// A Kubernetes API server for tests and the local demo: HTTPS on 127.0.0.1 with its own CA,
/// bearer-token auth, discovery, CRDs, watch, patches, finalizers, garbage collection,
/// TokenRequest with OIDC discovery, and switchable fault injection.
///
/// Requests are authenticated (the admin token is `system:masters`; ServiceAccount tokens it
/// minted; no token is `system:anonymous`) and authorized with RBAC (`Authorization/`).
///
/// Mutating admission webhooks are called on CREATE (`Admission/`); pods are stored and validated
/// where webhooks touch them (`Pods/`) but never run.
///
/// Known differences from a real API server: webhooks are called on CREATE only, no validating
/// webhooks, `matchConditions` are not evaluated (the webhook is called), audit annotations and
/// warnings in webhook answers are dropped, Services are reached through `webhookServiceHosts`;
/// no built-in pod admission beyond `serviceAccountName` defaulting (no token volume is added,
/// the ServiceAccount need not exist); pod updates are not validated; RBAC objects are not
/// validated beyond the generic checks and creating them is not checked for privilege
/// escalation; no aggregated ClusterRoles; server-side apply
/// tracks fields per applier (not fields written by update or merge patch) and writes no
/// `managedFields`; strategic merge patch covers the lists kubectl touches on built-in kinds; CEL
/// rules outside a common subset (and transition rules) are skipped; lists are served from the
/// current state even when a continue token names an older version; HTTP/1.1 only.
public final class KubeTestServer: Sendable {
    public let baseURL: URL
    public let port: Int
    public let caCertificatePEM: String
    public let bearerToken: String
    public let faults: FaultInjector
    private let tokens: TokenIssuer
    private let store: ObjectStore
    private let denials: DenialCounter
    private let serverTask: Task<Void, any Error>

    public var issuer: String { tokens.issuer }

    private init(
        port: Int, caCertificatePEM: String, bearerToken: String, faults: FaultInjector, tokens: TokenIssuer,
        store: ObjectStore, denials: DenialCounter, serverTask: Task<Void, any Error>
    ) {
        self.port = port
        self.baseURL = URL(string: "https://127.0.0.1:\(port)") ?? URL(fileURLWithPath: "/")
        self.caCertificatePEM = caCertificatePEM
        self.bearerToken = bearerToken
        self.faults = faults
        self.tokens = tokens
        self.store = store
        self.denials = denials
        self.serverTask = serverTask
    }

    /// Starts serving and returns once the port is bound.
    public static func start(_ options: KubeTestServerOptions = .init()) async throws -> KubeTestServer {
        let authority = try CertificateAuthority.generate()
        let tokens = try TokenIssuer(issuer: options.issuer ?? "")
        let store = ObjectStore(historyLimit: options.watchHistoryLimit)
        let faults = FaultInjector(dropWatches: { [weak store] in store?.dropAllWatches() })
        let bearerToken = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        var logger = Logger(label: "kube-test-server")
        logger.logLevel = options.logRequests ? .info : .critical
        let denials = DenialCounter()
        let handler = APIHandler(
            store: store, faults: faults, tokens: tokens, adminToken: bearerToken,
            bookmarkInterval: options.bookmarkInterval, logger: options.logRequests ? logger : nil, denials: denials,
            webhookServiceHosts: options.webhookServiceHosts, faultControl: options.faultControl)

        let (started, startedContinuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await handler.respond(to: request) },
            server: try .tls(.http1(), tlsConfiguration: authority.tlsConfiguration()),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: options.port), serverName: nil),
            onServerRunning: { channel in
                startedContinuation.yield(.success(channel.localAddress?.port ?? 0))
            },
            logger: logger)
        let serverTask = Task {
            do {
                try await app.runService(gracefulShutdownSignals: [])
            } catch {
                startedContinuation.yield(.failure(error))
                throw error
            }
            startedContinuation.yield(.failure(CancellationError()))
        }
        var port = 0
        for await outcome in started {
            port = try outcome.get()
            break
        }
        if options.issuer == nil { tokens.issuer = "https://127.0.0.1:\(port)" }
        return KubeTestServer(
            port: port, caCertificatePEM: authority.caPEM, bearerToken: bearerToken, faults: faults, tokens: tokens,
            store: store, denials: denials, serverTask: serverTask)
    }

    /// Ends open watches and stops the server.
    public func stop() async {
        faults.watchesStalled = false
        store.shutDown()
        // Let ended watch responses send their last chunk before connections are closed.
        let deadline = ContinuousClock.now + .seconds(2)
        while store.writingStreamCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await Task.sleep(for: .milliseconds(20))
        serverTask.cancel()
        _ = try? await serverTask.value
    }

    /// A kubeconfig with the CA, server URL and bearer token; context `kube-test-server`.
    public func kubeconfigYAML() -> String {
        let caData = Data(caCertificatePEM.utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: kube-test-server
              cluster:
                server: \(baseURL.absoluteString)
                certificate-authority-data: \(caData)
            contexts:
            - name: kube-test-server
              context:
                cluster: kube-test-server
                user: kube-test-server
                namespace: default
            current-context: kube-test-server
            users:
            - name: kube-test-server
              user:
                token: \(bearerToken)
            preferences: {}

            """
    }

    /// Writes the kubeconfig atomically (temporary file, then rename), so a reader never sees half.
    public func writeKubeconfig(to path: String) throws {
        try Data(kubeconfigYAML().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Rotates the service-account signing key: tokens minted from now on are signed with a new
    /// key, `/openid/v1/jwks` serves it beside the previous ones, and tokens signed with those
    /// still authenticate. Returns the new key id (`kid`).
    @discardableResult
    public func rotateServiceAccountSigningKey() throws -> String {
        try tokens.rotateSigningKey()
    }

    /// Requests answered 403 Forbidden by RBAC since the server started.
    public var forbiddenResponseCount: Int { denials.forbidden }

    /// Requests answered 401 Unauthorized (unknown or invalid bearer token) since the server started.
    public var unauthorizedResponseCount: Int { denials.unauthorized }

    /// Number of watch streams currently open (for tests of clients that must not leak them).
    public var openWatchCount: Int { store.openWatchCount }
}
