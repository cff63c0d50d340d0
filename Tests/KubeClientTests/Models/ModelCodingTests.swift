import Foundation
import KubeModels
import Testing

@testable import KubeClient

@Suite("KubeModels coding")
struct ModelCodingTests {
    @Test func watchEventsDecodeEveryType() throws {
        let decoder = JSONDecoder()
        let added = try decoder.decode(WatchEvent<ServiceAccount>.self, from: Data(#"{"type":"ADDED","object":{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"a","namespace":"n","resourceVersion":"5"}}}"#.utf8))
        #expect(added.type == .added)
        #expect(added.resourceVersion == "5")
        let bookmark = try decoder.decode(WatchEvent<Widget>.self, from: Data(bookmarkLine("77").utf8))
        guard case .bookmark("77") = bookmark else {
            Issue.record("bookmark without a spec must decode: \(bookmark)")
            return
        }
        let error = try decoder.decode(WatchEvent<Widget>.self, from: Data(errorLine(410, "Expired").utf8))
        guard case .error(let status) = error else {
            Issue.record("expected error")
            return
        }
        #expect(status.code == 410)
        #expect(status.reason == "Expired")
        #expect(throws: DecodingError.self) {
            try decoder.decode(WatchEvent<Widget>.self, from: Data(#"{"type":"SURPRISE","object":{}}"#.utf8))
        }
    }

    @Test func watchEventsRoundTrip() throws {
        var account = ServiceAccount(metadata: ObjectMeta(name: "a", namespace: "n", resourceVersion: "3"))
        account.automountServiceAccountToken = false
        for event in [WatchEvent<ServiceAccount>.modified(account), .bookmark(resourceVersion: "9"), .error(Status(message: "x", reason: "Expired", code: 410))] {
            let decoded = try JSONDecoder().decode(WatchEvent<ServiceAccount>.self, from: JSONEncoder().encode(event))
            #expect(decoded.type == event.type)
            #expect(decoded.resourceVersion == event.resourceVersion)
        }
    }

    @Test func listWithNullItemsIsEmpty() throws {
        let list = try JSONDecoder().decode(ObjectList<Lease>.self, from: Data(#"{"kind":"LeaseList","metadata":{"resourceVersion":"4","continue":"c"},"items":null}"#.utf8))
        #expect(list.items.isEmpty)
        #expect(list.metadata.resourceVersion == "4")
        #expect(list.metadata.continue == "c")
    }

    @Test(arguments: [
        ("prod/my-app", ObjectKey(namespace: "prod", name: "my-app")),
        ("cluster-thing", ObjectKey(namespace: nil, name: "cluster-thing")),
    ])
    func objectKeysParseAndPrint(text: String, key: ObjectKey) {
        #expect(ObjectKey(parsing: text) == key)
        #expect(key.description == text)
    }

    @Test func invalidObjectKeys() {
        for text in ["", "/", "a/", "/b", "a/b/c"] { #expect(ObjectKey(parsing: text) == nil, "\(text)") }
    }

    @Test func timestamps() throws {
        let date = Date(timeIntervalSince1970: 1_800_000_000.123456)
        #expect(KubernetesTime.format(date) == "2027-01-15T08:00:00Z")
        #expect(KubernetesTime.formatMicro(date) == "2027-01-15T08:00:00.123456Z")
        #expect(KubernetesTime.parse("2027-01-15T08:00:00Z") == Date(timeIntervalSince1970: 1_800_000_000))
        let micro = try #require(KubernetesTime.parse("2027-01-15T08:00:00.123456Z"))
        #expect(abs(micro.timeIntervalSince1970 - 1_800_000_000.123456) < 0.001)
        #expect(KubernetesTime.parse("2027-01-15T10:00:00+02:00") == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(KubernetesTime.parse("yesterday") == nil)
    }

    @Test func jsonValueRoundTripsAndKeepsIntegers() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", true, nil], "b": ["c": 3]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
        #expect(String(decoding: try JSONEncoder().encode(JSONValue.number(600)), as: UTF8.self) == "600")
    }

    @Test func statusErrorBodyDecodesCauses() throws {
        let body = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"bad","reason":"Invalid","details":{"name":"x","group":"trustline.dev","kind":"WorkloadAwsAccess","causes":[{"reason":"FieldValueInvalid","message":"too big","field":"spec.tokenExpirationSeconds"}]},"code":422}"#
        let status = try JSONDecoder().decode(Status.self, from: Data(body.utf8))
        #expect(status.details?.causes == [StatusCause(reason: "FieldValueInvalid", message: "too big", field: "spec.tokenExpirationSeconds")])
        #expect(status.details?.kind == "WorkloadAwsAccess")
    }
}

@Suite("YAML manifests")
struct YAMLManifestTests {
    @Test func multiDocumentManifestsBecomeJSON() throws {
        let text = """
            # leading comment
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: app
              namespace: prod
              annotations:
                eks.amazonaws.com/token-expiration: "86400"
            automountServiceAccountToken: false
            ---
            ---
            apiVersion: coordination.k8s.io/v1
            kind: Lease
            metadata: {name: l, namespace: kube-system}
            spec: {leaseDurationSeconds: 15, holderIdentity: 'null'}
            """
        let documents = try YAMLManifest.documents(text, source: "sample.yaml")
        #expect(documents.map(\.kind) == ["ServiceAccount", "Lease"])
        #expect(documents.map(\.index) == [0, 1])
        let account = try documents[0].decode(ServiceAccount.self)
        #expect(account.metadata.annotations?["eks.amazonaws.com/token-expiration"] == "86400", "quoted numbers stay strings")
        #expect(account.automountServiceAccountToken == false)
        let lease = try documents[1].decode(Lease.self)
        #expect(lease.spec?.leaseDurationSeconds == 15)
        #expect(lease.spec?.holderIdentity == "null", "quoted null stays a string")
    }

    /// Found while fuzzing the settings loader (docs/fuzzing.md): 430 bytes of anchors and aliases
    /// nested nine deep expand to 10^9 values; the file is refused instead of hanging the process.
    /// (A small limit keeps the test fast; the default, 10^6, applies the same way.)
    @Test func aliasesThatExpandWithoutBoundAreRefused() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let error = #expect(throws: YAMLManifest.ParseError.self) {
            try YAMLManifest.documents(lines.joined(separator: "\n"), source: "laughs.yaml", maximumValues: 10_000)
        }
        #expect(error?.problem.hasPrefix("expands to too many values at a") == true)
        #expect(YAMLManifest.defaultMaximumValues == 1_000_000)
        // The limit is per document: two documents of 6 values each pass a limit of 10.
        #expect(try YAMLManifest.documents("a: [1, 2, 3, 4]\n---\nb: [1, 2, 3, 4]\n", maximumValues: 10).count == 2)
        // Aliases that stay small still work.
        let small = try YAMLManifest.documents("a: &x [1, 2]\nb: *x\n", source: "small.yaml")
        #expect(small.first?.value["b"] == .array([.number(1), .number(2)]))
    }

    @Test func badYAMLNamesTheSource() {
        let error = #expect(throws: YAMLManifest.ParseError.self) { try YAMLManifest.documents("a: [1, 2", source: "broken.yaml") }
        #expect(error?.description.hasPrefix("broken.yaml: is not valid YAML") == true)
    }
}
