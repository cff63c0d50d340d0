import Foundation
import HTTPTransport
import KubeModels
import Testing

@testable import KubeClient

/// A Widget whose `spec.extra` nests `depth` arrays: the typed model ignores `extra`, but the
/// JSON parser refuses a document nested deeper than 512 levels.
func deepWidget(_ name: String, _ version: String, depth: Int) -> String {
    let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    return #"{"apiVersion":"example.trustline.dev/v1","kind":"Widget","metadata":{"name":"\#(name)","namespace":"ns","uid":"uid-\#(name)","resourceVersion":"\#(version)"},"spec":{"size":1,"extra":\#(nested)}}"#
}

/// A Widget whose `spec.size` is a string: valid JSON, wrong type.
func mistypedWidget(_ name: String, _ version: String) -> String {
    #"{"apiVersion":"example.trustline.dev/v1","kind":"Widget","metadata":{"name":"\#(name)","namespace":"ns","uid":"uid-\#(name)","resourceVersion":"\#(version)"},"spec":{"size":"big"}}"#
}

func goodWidget(_ name: String, _ version: String) -> String {
    #"{"apiVersion":"example.trustline.dev/v1","kind":"Widget","metadata":{"name":"\#(name)","namespace":"ns","resourceVersion":"\#(version)"},"spec":{"size":1}}"#
}

@Suite("Objects that do not decode are skipped, not a stalled list or watch", .timeLimit(.minutes(1)))
struct UndecodableObjectTests {
    static func client(_ http: FakeHTTPClient) -> KubernetesClient {
        KubernetesClient(configuration: KubeConfiguration(server: URL(string: "https://h")!), makeHTTPClient: { _ in http })
    }

    @Test func reflectorSkipsBadObjectsInListAndWatchAndKeepsGoing() async throws {
        let list = #"{"metadata":{"resourceVersion":"10"},"items":[\#(goodWidget("a", "8")),\#(mistypedWidget("b", "9")),\#(deepWidget("c", "10", depth: 600))]}"#
        let http = FakeHTTPClient { request, index in
            let isWatch = request.url.query?.contains("watch=true") ?? false
            switch (index, isWatch) {
            case (0, false): return .response(.json(200, list))
            case (1, true):
                return .stream(status: 200, headers: [:], lines: [
                    #"{"type":"ADDED","object":\#(goodWidget("d", "11"))}"#,
                    #"{"type":"MODIFIED","object":\#(deepWidget("a", "12", depth: 600))}"#,
                ], thenFail: .connectionReset("peer closed"))
            case (2, true):
                return .stream(status: 200, headers: [:], lines: [
                    #"{"type":"DELETED","object":\#(mistypedWidget("b", "13"))}"#,
                    #"{"type":"ADDED","object":\#(goodWidget("e", "14"))}"#,
                ], thenFail: nil)
            default: return .response(.json(403, APIErrorTests.status(403, "Forbidden")))
            }
        }
        let store = ObjectStore<Widget>()
        let reflector = Reflector<Widget>(
            api: Self.client(http), namespace: "ns", store: store, environment: RecordingRetryEnvironment().environment)
        var log: [String] = []
        var skipped: [UndecodableObject] = []
        var keysAfterSkip: [String] = []
        await #expect(throws: KubeAPIError.self) {
            for try await event in reflector {
                switch event {
                case .restarted(let objects): log.append("restarted " + objects.compactMap(\.metadata.name).joined(separator: ","))
                case .applied(let object): log.append("applied \(object.metadata.name ?? "")")
                case .deleted(let object): log.append("deleted \(object.metadata.name ?? "")")
                case .skipped(let bad):
                    log.append("skipped \(bad.key?.description ?? "?") \(bad.eventType?.rawValue ?? "LIST")")
                    skipped.append(bad)
                    if bad.key?.name == "a" { keysAfterSkip = store.keys.map(\.description) }
                }
            }
        }
        #expect(log == [
            "restarted a", "skipped ns/b LIST", "skipped ns/c LIST", "applied d", "skipped ns/a MODIFIED",
            "skipped ns/b DELETED", "applied e",
        ])
        #expect(keysAfterSkip == ["ns/d"], "the stale good version of a is dropped when its new version does not decode")
        #expect(store.keys.map(\.description) == ["ns/d", "ns/e"])
        #expect(skipped.map(\.metadata?.uid) == ["uid-b", "uid-c", "uid-a", "uid-b"])
        #expect(skipped.map(\.resourceVersion) == ["9", "10", "12", "13"])
        try #require(skipped.count == 4)
        #expect(skipped[0].problem.hasPrefix("spec.size: expected Int"), "\(skipped[0].problem)")
        #expect(skipped[1].problem.hasPrefix("spec.extra[0][0]... nests deeper than 512 levels"), "\(skipped[1].problem)")
        let watchVersions = http.requests.filter { $0.url.query?.contains("watch=true") ?? false }.map { request in
            URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "resourceVersion" }?.value
        }
        #expect(watchVersions == ["10", "12", "14"], "the watch resumes after the bad object, not before it")
        #expect(http.requests.filter { !($0.url.query?.contains("watch=true") ?? false) }.count == 1, "one list, no relist")
    }

    @Test func objectThatFitsTheParserOnlyWithoutItsEnvelopeDecodes() async throws {
        // 510 levels inside spec.extra: the object alone nests 512 levels (object, spec, 510
        // arrays), which the parser reads; wrapped in a list (2 more) or an event (1 more) it does not.
        let object = deepWidget("a", "5", depth: 510)
        let list = #"{"metadata":{"resourceVersion":"5"},"items":[\#(object)]}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ObjectList<Widget>.self, from: Data(list.utf8)) }
        let partial = try TolerantDecoding.list(Widget.self, from: Data(list.utf8))
        #expect(partial.list.items.map(\.metadata.name) == ["a"])
        #expect(partial.undecodable.isEmpty)
        let element = try TolerantDecoding.watchLine(Widget.self, Data(#"{"type":"MODIFIED","object":\#(object)}"#.utf8))
        guard case .event(.modified(let widget)) = element else {
            Issue.record("expected a decoded MODIFIED event, got \(element)")
            return
        }
        #expect(widget.metadata.resourceVersion == "5")
    }

    @Test(arguments: [
        #"{"type":"ADDED","object":{"metadata":{"name":"a""#,  // truncated
        #"not json"#,
        #"{"type":"SOMETHING","object":{}}"#,
        #"{"object":{"metadata":{"name":"a"}}}"#,
    ])
    func garbledLineIsStillAStreamError(line: String) throws {
        #expect(throws: KubeClientError.self) { try TolerantDecoding.watchLine(Widget.self, Data(line.utf8)) }
    }

    @Test func garbledListEnvelopeIsStillAnError() throws {
        for body in [#"{"metadata":{"resourceVersion":"1"},"items":{"a":1}}"#, #"{"metadata":"x","items":[]}"#, #"{"items":[{"#] {
            #expect(throws: KubeClientError.self) { try TolerantDecoding.list(Widget.self, from: Data(body.utf8)) }
        }
        let empty = try TolerantDecoding.list(Widget.self, from: Data(#"{"metadata":{"resourceVersion":"3"},"items":null}"#.utf8))
        #expect(empty.list.items.isEmpty && empty.list.metadata.resourceVersion == "3")
    }

    @Test func outlineFindsTopLevelMembersWhateverTheNesting() throws {
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let text = #"{"a" : "x\"}{[" , "b":\#(deep), "c":{"d":[1,2,{"e":"]"}]}, "n": -1.5e3 ,"t":true}"#
        let outline = try JSONOutline(Data(text.utf8))
        #expect(outline.member("a") == Data(#""x\"}{[""#.utf8))
        #expect(outline.member("b")?.count == 10000)
        #expect(outline.member("c") == Data(#"{"d":[1,2,{"e":"]"}]}"#.utf8))
        #expect(outline.member("n") == Data("-1.5e3".utf8))
        #expect(outline.member("t") == Data("true".utf8))
        for bad in [#"{"a":[}"#, #"{"a":1"#, #"{"a":1} x"#, #"{"a" 1}"#, #"[1,]"#, "", #"{"a":"x}"#] {
            #expect(throws: JSONOutline.Malformed.self, "\(bad)") { try JSONOutline(Data(bad.utf8)) }
        }
    }

    @Test func nestingProbeNamesTheFieldThatGoesTooDeep() {
        let document = #"{"spec":{"inlinePolicies":[{"name":"p"},{"document":{"a\"b":\#(String(repeating: "[", count: 20))1\#(String(repeating: "]", count: 20))}}]}}"#
        #expect(NestingProbe.firstPathDeeper(than: 10, in: Data(document.utf8)) == "spec.inlinePolicies[1].document...")
        #expect(NestingProbe.firstPathDeeper(than: 30, in: Data(document.utf8)) == nil)
        let shallow = #"{"metadata":{"labels":{"x":"[[[[[[[["}},"spec":[[["#
        #expect(NestingProbe.firstPathDeeper(than: 3, in: Data(shallow.utf8)) == "spec[0][0]")
    }
}
