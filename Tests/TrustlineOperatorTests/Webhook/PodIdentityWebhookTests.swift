import Foundation
import KubeClient
import KubeModels
import Logging
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `POST /mutate` in process: malformed bodies get 400 naming the problem; a pod whose
/// ServiceAccount the caches do not know is decided after one API read; an old ServiceAccount no
/// resource names costs no read; a read that runs late is given up within its timeout.
struct PodIdentityWebhookTests {
    static let configuration = PodIdentityConfiguration(
        settings: OperatorSettings(clusterName: "prod"),
        context: RenderingContext(clusterName: "prod", partition: "aws", accountId: "123456789012", oidcIssuer: "https://oidc.example.com/id/ABC"),
        region: "eu-west-1")

    static func webhook(_ kubernetes: any KubernetesAPI, now: Date = Date(), readTimeout: Duration = .seconds(2)) -> PodIdentityWebhook {
        let caches = WebhookCaches(kubernetes: kubernetes, watchNamespaces: [], health: OperatorHealth(), logger: Logger(label: "test"))
        var webhook = PodIdentityWebhook(
            caches: caches, configuration: configuration, missRead: ServiceAccountMissRead(kubernetes: kubernetes, timeout: readTimeout),
            logger: Logger(label: "test"))
        webhook.now = { now }
        return webhook
    }

    static func reviewBody(serviceAccount: String, namespace: String = "production") -> [UInt8] {
        Array(
            """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",
            "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
            "namespace":"\(namespace)","operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod",
            "metadata":{"name":"p","namespace":"\(namespace)"},"spec":{"serviceAccountName":"\(serviceAccount)",
            "containers":[{"name":"app","image":"app:1"}]}}}}
            """.utf8)
    }

    static func request(_ body: [UInt8]) throws -> EndpointRequest {
        EndpointRequest(head: try HTTPRequestHead(parsing: Array("POST /mutate HTTP/1.1\r\n".utf8)), body: body)
    }

    static func answer(_ response: EndpointResponse) throws -> AdmissionReview {
        try JSONDecoder().decode(AdmissionReview.self, from: Data(response.body))
    }

    static func patchText(_ review: AdmissionReview) -> String {
        review.response?.patch.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var body: String
        var mentions: String
        var testDescription: String { body }
    }

    @Test(arguments: [
        Malformed(body: "not json", mentions: "not an AdmissionReview: not JSON"),
        Malformed(body: "{\"apiVersion\":\"admission.k8s.io/v1\"}", mentions: "missing field kind"),
        Malformed(body: "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}", mentions: "admissionReviewVersions: [v1]"),
        Malformed(body: "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}", mentions: "has no request"),
        Malformed(
            body: "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":7}}", mentions: "field request.uid"),
    ])
    func aMalformedBodyGets400SayingWhy(_ malformed: Malformed) async throws {
        let response = await Self.webhook(InMemoryKubernetes()).respond(to: try Self.request(Array(malformed.body.utf8)))
        #expect(response.status == 400)
        #expect(String(decoding: response.body, as: UTF8.self).contains(malformed.mentions))
    }

    @Test func aServiceAccountTheCachesDoNotKnowIsReadOnceAndTheResourceDecides() async throws {
        let kubernetes = InMemoryKubernetes()
        try kubernetes.seed(ServiceAccount(metadata: ObjectMeta(name: "my-app", namespace: "production")))
        try kubernetes.seed(Samples.myApp())
        let response = await Self.webhook(kubernetes).respond(to: try Self.request(Self.reviewBody(serviceAccount: "my-app")))
        #expect(response.status == 200)
        #expect(response.contentType == "application/json")
        let review = try Self.answer(response)
        #expect(review.response?.uid == "u-1")
        #expect(review.response?.allowed == true)
        #expect(Self.patchText(review).contains(Samples.roleArn))
        #expect(Self.patchText(review).contains("eu-west-1"))
        #expect(kubernetes.calls.map(\.verb).sorted() == ["get", "list"])
    }

    @Test func anOldServiceAccountNoResourceNamesCostsNoRead() async throws {
        let kubernetes = InMemoryKubernetes()
        let caches = WebhookCaches(kubernetes: kubernetes, watchNamespaces: [], health: OperatorHealth(), logger: Logger(label: "test"))
        var webhook = PodIdentityWebhook(caches: caches, configuration: Self.configuration, missRead: ServiceAccountMissRead(kubernetes: kubernetes), logger: Logger(label: "test"))
        let created = "2026-11-29T12:00:00Z"
        let createdDate = try #require(ISO8601DateFormatter().date(from: created))
        var old = ServiceAccount(metadata: ObjectMeta(name: "default", namespace: "production"))
        old.metadata.creationTimestamp = created
        webhook.now = { createdDate.addingTimeInterval(3600) }
        #expect(!webhook.needsRead(account: old, named: false))
        webhook.now = { createdDate.addingTimeInterval(5) }
        #expect(webhook.needsRead(account: old, named: false), "a new ServiceAccount may have come with a resource the watch has not delivered")
        #expect(!webhook.needsRead(account: old, named: true))
        #expect(webhook.needsRead(account: nil, named: false))
        var annotated = old
        annotated.metadata.annotations = [ServiceAccountAnnotations.roleArn: "arn:aws:iam::111122223333:role/legacy"]
        #expect(!webhook.needsRead(account: annotated, named: false))
    }

    @Test func aPodWithNothingToDoPassesUnchanged() async throws {
        let kubernetes = InMemoryKubernetes()
        try kubernetes.seed(ServiceAccount(metadata: ObjectMeta(name: "plain", namespace: "production")))
        let review = try Self.answer(await Self.webhook(kubernetes).respond(to: try Self.request(Self.reviewBody(serviceAccount: "plain"))))
        #expect(review.response?.allowed == true)
        #expect(review.response?.patch == nil)
        #expect(review.response?.patchType == nil)
    }

    @Test func aReadThatRunsLateIsGivenUpWithinItsTimeout() async throws {
        let started = ContinuousClock.now
        let response = await Self.webhook(StallingKubernetes(), readTimeout: .milliseconds(300))
            .respond(to: try Self.request(Self.reviewBody(serviceAccount: "my-app")))
        // The stall is ten minutes; the bound is loose because a full parallel test run on two
        // cores can starve the concurrency pool for tens of seconds.
        #expect(ContinuousClock.now - started < .seconds(120))
        let review = try Self.answer(response)
        #expect(review.response?.allowed == true)
        #expect(review.response?.patch == nil)
    }
}

/// A Kubernetes API that never answers in time: every call waits ten minutes (or until cancelled).
struct StallingKubernetes: KubernetesAPI {
    struct Unsupported: Error {}

    private func stall<T>() async throws -> T {
        try await Task.sleep(for: .seconds(600))
        throw Unsupported()
    }

    func get<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, name: String) async throws -> Object { try await stall() }
    func list<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, options: ListOptions) async throws -> ObjectList<Object> {
        try await stall()
    }
    func listSkippingUndecodable<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, options: ListOptions
    ) async throws -> PartialObjectList<Object> { try await stall() }
    func create<Object: KubernetesResource>(_ object: Object, options: WriteOptions) async throws -> Object { try await stall() }
    func update<Object: KubernetesResource>(_ object: Object, subresource: Subresource?, options: WriteOptions) async throws -> Object {
        try await stall()
    }
    func patch<Object: KubernetesResource>(
        _ type: Object.Type, namespace: String?, name: String, patch: Patch, subresource: Subresource?, options: WriteOptions
    ) async throws -> Object { try await stall() }
    func delete<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, name: String, options: DeleteOptions) async throws -> DeletionResult<Object> {
        try await stall()
    }
    func watchConnection<Object: KubernetesResource>(_ type: Object.Type, namespace: String?, options: WatchOptions) async throws -> WatchConnection<Object> {
        try await stall()
    }
    func requestToken(namespace: String, serviceAccountName: String, spec: TokenRequestSpec) async throws -> TokenRequest { try await stall() }
}
