import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

/// What `PodIdentityAdmission.respond` answers besides the patch: which requests it serves, the
/// echoed uid, always allowed, dry runs, and the review's wire form.
@Suite struct PodIdentityAdmissionTests {
    static let pod: JSONValue = [
        "metadata": ["name": "web", "namespace": "production"],
        "spec": ["serviceAccountName": "my-app", "containers": [["name": "app"]]],
    ]
    static let cluster = PodIdentityAdmission.ClusterObjects(
        accesses: [PodIdentityFixtures.access("my-app", account: "my-app")], serviceAccounts: [])

    func respond(_ review: AdmissionReview) -> AdmissionReview {
        PodIdentityAdmission.respond(to: review, cluster: Self.cluster, configuration: PodIdentityFixtures.configuration())
    }

    @Test func podCreateIsPatched() throws {
        let answer = respond(PodIdentityFixtures.review(Self.pod, uid: "abc"))
        #expect(answer.response?.uid == "abc")
        #expect(answer.response?.patchType == "JSONPatch")
        #expect(try PodIdentityFixtures.operations(of: answer).count == 3)
    }

    @Test(arguments: ["UPDATE", "DELETE", "CONNECT"])
    func otherOperationsPassUnchanged(_ operation: String) {
        let answer = respond(PodIdentityFixtures.review(Self.pod, uid: "u-\(operation)", operation: operation))
        #expect(answer.response == AdmissionResponse(uid: "u-\(operation)", allowed: true))
    }

    @Test func otherKindsAndSubresourcesPassUnchanged() {
        #expect(respond(PodIdentityFixtures.review(Self.pod, kind: "Deployment")).response?.patch == nil)
        #expect(respond(PodIdentityFixtures.review(Self.pod, subResource: "ephemeralcontainers")).response?.patch == nil)
        #expect(respond(PodIdentityFixtures.review("not an object")).response == AdmissionResponse(uid: "705ab4f5-6393-11e8-b7cc-42010a800002", allowed: true))
    }

    @Test func reviewWithoutRequestIsAllowed() {
        #expect(respond(AdmissionReview()).response?.allowed == true)
    }

    @Test func dryRunGetsTheSamePatch() {
        let real = respond(PodIdentityFixtures.review(Self.pod))
        let dry = respond(PodIdentityFixtures.review(Self.pod, dryRun: true))
        #expect(real.response?.patch != nil)
        #expect(dry == real)
    }

    @Test func namespaceComesFromTheRequest() throws {
        var review = PodIdentityFixtures.review(["spec": ["serviceAccountName": "my-app", "containers": [["name": "app"]]]])
        #expect(respond(review).response?.patch != nil)
        review.request?.namespace = "staging"
        #expect(respond(review).response?.patch == nil)
    }

    @Test func decodesWhatTheAPIServerSendsAndEncodesTheAnswer() throws {
        let sent = #"""
            {"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{"uid":"705ab4f5","kind":{"group":"","version":"v1","kind":"Pod"},
             "resource":{"group":"","version":"v1","resource":"pods"},"requestKind":{"group":"","version":"v1","kind":"Pod"},
             "namespace":"production","operation":"CREATE","userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},
             "object":{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-","namespace":"production"},
             "spec":{"serviceAccountName":"my-app","containers":[{"name":"app","image":"app:1"}]}},"oldObject":null,"dryRun":false,
             "options":{"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"}}}
            """#
        let review = try JSONDecoder().decode(AdmissionReview.self, from: Data(sent.utf8))
        #expect(review.request?.operation == "CREATE")
        #expect(review.request?.dryRun == false)
        let answer = respond(review)
        let encoded = try Fixtures.json(String(decoding: try JSONEncoder().encode(answer), as: UTF8.self))
        #expect(encoded["apiVersion"] == "admission.k8s.io/v1")
        #expect(encoded["kind"] == "AdmissionReview")
        #expect(encoded["request"] == nil)
        let response = try #require(encoded["response"])
        #expect(response["uid"] == "705ab4f5")
        #expect(response["allowed"] == true)
        #expect(response["patchType"] == "JSONPatch")
        let patch = try #require(response["patch"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        let operations = try JSONDecoder().decode(JSONValue.self, from: patch)
        #expect(operations.jsonElements?.count == 3)

        var unclaimed = review
        unclaimed.request?.object = ["spec": ["serviceAccountName": "nobody", "containers": [["name": "app"]]]]
        let plain = try Fixtures.json(String(decoding: try JSONEncoder().encode(respond(unclaimed)), as: UTF8.self))
        #expect(plain["response"]?.jsonMembers?.keys.sorted() == ["allowed", "uid"])
    }
}
