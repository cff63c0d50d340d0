import Foundation
import Testing
@testable import KubeTestServer

/// Mutating admission webhooks on pod CREATE through the wire: real HTTPS webhooks
/// (`WebhookServer`), configurations stored through the API, results read back.
@Suite(.serialized) struct MutatingWebhookTests {
    static let webhookName = "pods.trustline.example"
    static let mountPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount"

    static func webhook(
        _ name: String = webhookName, clientConfig: JSONValue, failurePolicy: String = "Fail", reinvocation: String = "Never",
        objectSelector: JSONValue = [:]
    ) -> JSONValue {
        [
            "name": .string(name), "clientConfig": clientConfig,
            "rules": [["operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "scope": "Namespaced"]],
            "failurePolicy": .string(failurePolicy), "reinvocationPolicy": .string(reinvocation), "sideEffects": "None",
            "admissionReviewVersions": ["v1"], "timeoutSeconds": 5, "objectSelector": objectSelector,
            "namespaceSelector": [
                "matchExpressions": [["key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system", "trustline-system"]]]
            ],
        ]
    }

    static func urlConfig(_ server: WebhookServer, caBundle: String? = nil) -> JSONValue {
        ["url": .string(server.url), "caBundle": .string(caBundle ?? server.caBundle)]
    }

    /// What a pod identity webhook adds (env, projected token volume, read-only mount), to container 0.
    static let identityPatch: @Sendable (JSONValue) -> JSONValue = { _ in
        [
            ["op": "add", "path": "/spec/volumes", "value": [
                ["name": "aws-iam-token", "projected": ["sources": [["serviceAccountToken": ["audience": "sts.amazonaws.com", "path": "token"]]]]]
            ]],
            ["op": "add", "path": "/spec/containers/0/env", "value": [["name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/app"]]],
            ["op": "add", "path": "/spec/containers/0/volumeMounts", "value": [
                ["name": "aws-iam-token", "mountPath": .string(mountPath), "readOnly": true]
            ]],
        ]
    }

    static func pod(_ name: String = "app", labels: JSONValue = [:]) -> JSONValue {
        ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": labels],
         "spec": ["containers": [["name": "app", "image": "busybox"]]]]
    }

    func configure(_ fixture: ServerFixture, _ name: String, webhooks: [JSONValue]) async throws {
        let result = try await fixture.curl(
            "POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            json: ["apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
                   "metadata": ["name": .string(name)], "webhooks": .array(webhooks)])
        #expect(result.status == 201, "\(result.raw)")
    }

    func createPod(_ fixture: ServerFixture, _ pod: JSONValue = pod(), namespace: String = "default") async throws -> ServerFixture.HTTPResult {
        try await fixture.curl("POST", "/api/v1/namespaces/\(namespace)/pods", json: pod)
    }

    @Test func podIsMutatedAndTheReviewCarriesTheRequest() async throws {
        try await WebhookServer.with(WebhookServer.patching(Self.identityPatch)) { webhook in
            try await ServerFixture.with { fixture in
                try await configure(fixture, "trustline", webhooks: [Self.webhook(clientConfig: Self.urlConfig(webhook))])
                let created = try await createPod(fixture)
                #expect(created.status == 201, "\(created.raw)")
                let stored = try await fixture.curl("GET", "/api/v1/namespaces/default/pods/app")
                for pod in [created.body, stored.body] {
                    let container = pod[path: ["spec", "containers"]]?.arrayValue?.first ?? .null
                    #expect(container["env"] == [["name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/app"]])
                    #expect(container["volumeMounts"] == [["name": "aws-iam-token", "mountPath": .string(Self.mountPath), "readOnly": true]])
                    let volume = pod[path: ["spec", "volumes"]]?.arrayValue?.first ?? .null
                    // Defaults are applied to what the webhook wrote, as on a cluster.
                    #expect(volume[path: ["projected", "defaultMode"]] == 420)
                    #expect(volume[path: ["projected", "sources"]]?.arrayValue?.first?[path: ["serviceAccountToken", "expirationSeconds"]] == 3600)
                }
                let reviews = webhook.reviews
                #expect(reviews.count == 1)
                let request = reviews.first?["request"] ?? .null
                #expect(reviews.first?["apiVersion"] == "admission.k8s.io/v1" && reviews.first?["kind"] == "AdmissionReview")
                #expect(request["operation"] == "CREATE" && request["namespace"] == "default" && request["name"] == "app")
                #expect(request["kind"] == ["group": "", "version": "v1", "kind": "Pod"])
                #expect(request["resource"] == ["group": "", "version": "v1", "resource": "pods"])
                #expect(request[path: ["userInfo", "username"]] == "kube-test-server:admin")
                #expect(request["dryRun"] == false && request[path: ["options", "kind"]] == "CreateOptions")
                #expect(request[path: ["object", "spec", "serviceAccountName"]] == "default")
                #expect(request[path: ["object", "metadata", "uid"]] == nil, "webhooks see the object before the uid is set")
                let uid = request["uid"]?.stringValue ?? ""
                #expect(!uid.isEmpty)
            }
        }
    }

    @Test func selectorsLeaveOutOtherNamespacesAndObjects() async throws {
        try await WebhookServer.with(WebhookServer.patching(Self.identityPatch)) { webhook in
            try await ServerFixture.with { fixture in
                let skipMarked: JSONValue = ["matchExpressions": [["key": "skip", "operator": "DoesNotExist"]]]
                try await configure(fixture, "trustline", webhooks: [Self.webhook(clientConfig: Self.urlConfig(webhook), objectSelector: skipMarked)])
                let system = try await createPod(fixture, namespace: "kube-system")
                #expect(system.status == 201, "\(system.raw)")
                #expect(system.body[path: ["spec", "containers"]]?.arrayValue?.first?["env"] == nil)
                let skipped = try await createPod(fixture, Self.pod("skipped", labels: ["skip": "true"]))
                #expect(skipped.status == 201, "\(skipped.raw)")
                #expect(skipped.body[path: ["spec", "volumes"]] == nil)
                #expect(webhook.reviews.isEmpty)
            }
        }
    }

    @Test func failurePolicyDecidesWhenTheWebhookIsDown() async throws {
        let stopped = try await WebhookServer.start(WebhookServer.allowing)
        await stopped.stop()
        try await ServerFixture.with { fixture in
            try await configure(fixture, "ignore", webhooks: [Self.webhook("ignore.example", clientConfig: Self.urlConfig(stopped), failurePolicy: "Ignore")])
            let ignored = try await createPod(fixture, Self.pod("first"))
            #expect(ignored.status == 201, "\(ignored.raw)")
            try await configure(fixture, "strict", webhooks: [Self.webhook("strict.example", clientConfig: Self.urlConfig(stopped))])
            let refused = try await createPod(fixture, Self.pod("second"))
            #expect(refused.status == 500, "\(refused.raw)")
            #expect(refused.body["reason"] == "InternalError")
            #expect(refused.body["message"]?.stringValue?.hasPrefix("Internal error occurred: failed calling webhook \"strict.example\": failed to call webhook: Post \"\(stopped.url)?timeout=5s\"") == true, "\(refused.raw)")
            let missing = try await fixture.curl("GET", "/api/v1/namespaces/default/pods/second")
            #expect(missing.status == 404)
        }
    }

    @Test(arguments: ["wrong uid", "garbage", "http 500", "patch without type"])
    func badAnswersFollowTheFailurePolicy(_ fault: String) async throws {
        let answer: WebhookServer.Answer = { request in
            switch fault {
            case "wrong uid": return (200, WebhookServer.review(for: request, uid: "not-the-request"))
            case "garbage": return (200, Data("<html>not a review</html>".utf8))
            case "http 500": return (500, Data("{}".utf8))
            default:
                let body = JSONValue.object([
                    "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                    "response": ["uid": request[path: ["request", "uid"]] ?? "", "allowed": true, "patch": .string(Data("[]".utf8).base64EncodedString())],
                ])
                return (200, body.serialized())
            }
        }
        try await WebhookServer.with(answer) { webhook in
            try await ServerFixture.with { fixture in
                try await configure(fixture, "a-ignore", webhooks: [Self.webhook("ignore.example", clientConfig: Self.urlConfig(webhook), failurePolicy: "Ignore")])
                let ignored = try await createPod(fixture, Self.pod("first"))
                #expect(ignored.status == 201, "\(fault): \(ignored.raw)")
                try await configure(fixture, "b-fail", webhooks: [Self.webhook("fail.example", clientConfig: Self.urlConfig(webhook))])
                let refused = try await createPod(fixture, Self.pod("second"))
                #expect(refused.status == 500, "\(fault): \(refused.raw)")
                let message = refused.body["message"]?.stringValue ?? ""
                #expect(message.hasPrefix("Internal error occurred: failed calling webhook \"fail.example\": "), "\(message)")
                if fault == "wrong uid" { #expect(message.contains("expected response.uid=") && message.contains("got \"not-the-request\"")) }
                if fault == "patch without type" { #expect(message.contains("webhook returned response.patch but not response.patchType")) }
            }
        }
    }

    @Test func aDenialRefusesWhateverTheFailurePolicy() async throws {
        let answer: WebhookServer.Answer = { request in
            (200, WebhookServer.review(for: request, allowed: false, status: ["code": 403, "message": "no role for this pod"]))
        }
        try await WebhookServer.with(answer) { webhook in
            try await ServerFixture.with { fixture in
                try await configure(fixture, "deny", webhooks: [Self.webhook(clientConfig: Self.urlConfig(webhook), failurePolicy: "Ignore")])
                let refused = try await createPod(fixture)
                #expect(refused.status == 403, "\(refused.raw)")
                #expect(refused.body["message"]?.stringValue == "admission webhook \"\(Self.webhookName)\" denied the request: no role for this pod")
            }
        }
    }

    @Test func aPatchThatBreaksThePodIsRefused422() async throws {
        let patch: @Sendable (JSONValue) -> JSONValue = { _ in
            [["op": "add", "path": "/spec/containers/0/volumeMounts", "value": [["name": "aws-iam-token", "mountPath": "/token"]]]]
        }
        try await WebhookServer.with(WebhookServer.patching(patch)) { webhook in
            try await ServerFixture.with { fixture in
                try await configure(fixture, "broken", webhooks: [Self.webhook(clientConfig: Self.urlConfig(webhook), failurePolicy: "Ignore")])
                let refused = try await createPod(fixture)
                #expect(refused.status == 422, "\(refused.raw)")
                #expect(refused.body["message"] == "Pod \"app\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: \"aws-iam-token\"")
            }
        }
    }

    @Test func aCABundleThatDoesNotSignTheWebhookIsATLSFailure() async throws {
        let stranger = try CertificateAuthority.generate()
        let wrongBundle = Data(stranger.caPEM.utf8).base64EncodedString()
        try await WebhookServer.with(WebhookServer.patching(Self.identityPatch)) { webhook in
            try await ServerFixture.with { fixture in
                try await configure(fixture, "a-ignore", webhooks: [
                    Self.webhook("ignore.example", clientConfig: Self.urlConfig(webhook, caBundle: wrongBundle), failurePolicy: "Ignore")
                ])
                let ignored = try await createPod(fixture, Self.pod("first"))
                #expect(ignored.status == 201, "\(ignored.raw)")
                #expect(ignored.body[path: ["spec", "volumes"]] == nil)
                try await configure(fixture, "b-fail", webhooks: [Self.webhook("fail.example", clientConfig: Self.urlConfig(webhook, caBundle: wrongBundle))])
                let refused = try await createPod(fixture, Self.pod("second"))
                #expect(refused.status == 500, "\(refused.raw)")
                #expect(refused.body["message"]?.stringValue?.contains("TLS failure") == true, "\(refused.raw)")
                #expect(webhook.reviews.isEmpty, "no request gets through an untrusted certificate")
            }
        }
    }

    @Test(arguments: ["IfNeeded", "Never"])
    func anEarlierWebhookIsReinvokedOnceAfterALaterChange(_ policy: String) async throws {
        let annotate: @Sendable (JSONValue) -> JSONValue = { request in
            request[path: ["request", "object", "metadata", "annotations", "second"]] == nil
                ? [["op": "add", "path": "/metadata/annotations", "value": ["second": "done"]]] : []
        }
        try await WebhookServer.with(WebhookServer.allowing) { first in
            try await WebhookServer.with(WebhookServer.patching(annotate)) { second in
                try await ServerFixture.with { fixture in
                    // Configurations run in name order: "a-first" before "b-second".
                    try await configure(fixture, "b-second", webhooks: [Self.webhook("second.example", clientConfig: Self.urlConfig(second))])
                    try await configure(fixture, "a-first", webhooks: [
                        Self.webhook("first.example", clientConfig: Self.urlConfig(first), reinvocation: policy)
                    ])
                    let created = try await createPod(fixture)
                    #expect(created.status == 201, "\(created.raw)")
                    #expect(created.body[path: ["metadata", "annotations", "second"]] == "done")
                    #expect(second.reviews.count == 1)
                    #expect(first.reviews.count == (policy == "IfNeeded" ? 2 : 1))
                    #expect(first.reviews.first?[path: ["request", "object", "metadata", "annotations"]] == nil)
                    if policy == "IfNeeded" {
                        #expect(first.reviews.last?[path: ["request", "object", "metadata", "annotations", "second"]] == "done")
                    }
                }
            }
        }
    }

    @Test func aServiceIsReachedThroughTheTestServerMapping() async throws {
        try await WebhookServer.with(WebhookServer.patching(Self.identityPatch)) { webhook in
            var options = KubeTestServerOptions()
            options.webhookServiceHosts = ["trustline-system/trustline-webhook": "127.0.0.1:\(webhook.port)"]
            try await ServerFixture.with(options) { fixture in
                let service: JSONValue = [
                    "service": ["namespace": "trustline-system", "name": "trustline-webhook", "path": "/mutate", "port": 443],
                    "caBundle": .string(webhook.caBundle),
                ]
                try await configure(fixture, "mapped", webhooks: [Self.webhook(clientConfig: service)])
                let created = try await createPod(fixture)
                #expect(created.status == 201, "\(created.raw)")
                #expect(created.body[path: ["spec", "volumes"]]?.arrayValue?.first?["name"] == "aws-iam-token")
                let unmapped: JSONValue = ["service": ["namespace": "other", "name": "hook"], "caBundle": .string(webhook.caBundle)]
                try await configure(fixture, "unmapped", webhooks: [Self.webhook("unmapped.example", clientConfig: unmapped)])
                let refused = try await createPod(fixture, Self.pod("second"))
                #expect(refused.status == 500)
                #expect(refused.body["message"]?.stringValue?.contains("--webhook-service-host other/hook=127.0.0.1:PORT") == true, "\(refused.raw)")
            }
        }
    }

    @Test func aSlowWebhookTimesOutAfterTimeoutSeconds() async throws {
        let slow: WebhookServer.Answer = { request in
            // Long enough that a call cut at timeoutSeconds (1 s) and one that waited for the
            // answer cannot be confused on a loaded machine.
            Thread.sleep(forTimeInterval: 8)
            return (200, WebhookServer.review(for: request))
        }
        try await WebhookServer.with(slow) { webhook in
            try await ServerFixture.with { fixture in
                var hook = Self.webhook(clientConfig: Self.urlConfig(webhook))
                hook["timeoutSeconds"] = 1
                try await configure(fixture, "slow", webhooks: [hook])
                let started = ContinuousClock.now
                let refused = try await createPod(fixture)
                #expect(ContinuousClock.now - started < .seconds(6), "the call is cut at timeoutSeconds, not when the webhook answers")
                #expect(refused.status == 500, "\(refused.raw)")
                let message = refused.body["message"]?.stringValue ?? ""
                #expect(message.contains("?timeout=1s\": timed out"), "\(message)")
            }
        }
    }

    @Test func dryRunReachesOnlyWebhooksWithoutSideEffects() async throws {
        try await WebhookServer.with(WebhookServer.patching(Self.identityPatch)) { webhook in
            try await ServerFixture.with { fixture in
                try await configure(fixture, "trustline", webhooks: [Self.webhook(clientConfig: Self.urlConfig(webhook))])
                let dry = try await fixture.curl("POST", "/api/v1/namespaces/default/pods?dryRun=All", json: Self.pod())
                #expect(dry.status == 201, "\(dry.raw)")
                #expect(dry.body[path: ["spec", "volumes"]]?.arrayValue?.first?["name"] == "aws-iam-token")
                #expect(webhook.reviews.first?[path: ["request", "dryRun"]] == true)
                #expect(try await fixture.curl("GET", "/api/v1/namespaces/default/pods/app").status == 404)
                var unknown = Self.webhook("unknown.example", clientConfig: Self.urlConfig(webhook))
                unknown["sideEffects"] = "Unknown"
                try await configure(fixture, "unknown", webhooks: [unknown])
                let refused = try await fixture.curl("POST", "/api/v1/namespaces/default/pods?dryRun=All", json: Self.pod())
                #expect(refused.status == 400, "\(refused.raw)")
                #expect(refused.body["message"] == "admission webhook \"unknown.example\" does not support dry run")
            }
        }
    }

    @Test func kubectlCreateShowsTheInjectedEnvironment() async throws {
        try await WebhookServer.with(WebhookServer.patching(Self.identityPatch)) { webhook in
            try await ServerFixture.with { fixture in
                try await configure(fixture, "trustline", webhooks: [Self.webhook(clientConfig: Self.urlConfig(webhook))])
                let manifest = """
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: from-kubectl
                    spec:
                      containers:
                      - name: app
                        image: busybox
                    """
                let created = try await fixture.kubectl(["create", "-f", "-"], stdin: manifest)
                #expect(created.status == 0, "\(created.description)")
                #expect(created.stdout.contains("pod/from-kubectl created"), "\(created.description)")
                let env = try await fixture.kubectl(["get", "pod", "from-kubectl", "-o", "jsonpath={.spec.containers[0].env[0].name}={.spec.containers[0].env[0].value}"])
                #expect(env.stdout == "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/app", "\(env.description)")
            }
        }
    }
}
