import Foundation
import Testing
@testable import KubeTestServer

/// The fault injector over HTTP (`--fault-control`), as `scripts/fault-run.sh` drives it: off by
/// default, admin only, each command really injects, parameters are checked, counts come back.
@Suite struct FaultControlTests {
    static let configMaps = "/api/v1/namespaces/default/configmaps"

    static var enabled: KubeTestServerOptions {
        var options = KubeTestServerOptions()
        options.faultControl = true
        return options
    }

    @Test func offByDefault() async throws {
        try await ServerFixture.with { fixture in
            #expect(try await fixture.curl("GET", "/fault-injection").status == 404)
            let command = try await fixture.curl("POST", "/fault-injection/drop-watches")
            #expect(command.status >= 400)
            #expect(fixture.server.faults.injectedCounts.isEmpty)
        }
    }

    @Test func failRequestsMatchesMethodPrefixAndSuffixAndIsCounted() async throws {
        try await ServerFixture.with(Self.enabled) { fixture in
            let armed = try await fixture.curl(
                "POST", "/fault-injection/fail-requests?count=2&status=409&method=GET&pathPrefix=/api/v1/&pathSuffix=/configmaps")
            #expect(armed.status == 200, "\(armed.raw)")
            #expect(try await fixture.curl("GET", "/api/v1/namespaces").status == 200)
            #expect(try await fixture.curl("GET", Self.configMaps).status == 409)
            #expect(try await fixture.curl("GET", Self.configMaps).status == 409)
            #expect(try await fixture.curl("GET", Self.configMaps).status == 200)
            let counts = try await fixture.curl("GET", "/fault-injection")
            #expect(counts.body["status409"] == 2)
        }
    }

    @Test func goneWatchesDropAndReset() async throws {
        try await ServerFixture.with(Self.enabled) { fixture in
            #expect(try await fixture.curl("POST", "/fault-injection/gone-watches?count=1&style=httpStatus").status == 200)
            #expect(try await fixture.curl("GET", Self.configMaps + "?watch=true&resourceVersion=1").status == 410)
            #expect(try await fixture.curl("POST", "/fault-injection/drop-watches").status == 200)
            #expect(try await fixture.curl("POST", "/fault-injection/fail-requests?count=5&status=500").status == 200)
            let reset = try await fixture.curl("POST", "/fault-injection/reset")
            #expect(reset.status == 200)
            #expect(try await fixture.curl("GET", Self.configMaps).status == 200)
            #expect(reset.body["watchGone"] == 1)
            #expect(reset.body["watchDrops"] == 1)
        }
    }

    @Test(arguments: [
        ("/fault-injection/fail-requests?status=409", "count is required"),
        ("/fault-injection/fail-requests?count=2&status=200", "status must be an HTTP error code"),
        ("/fault-injection/gone-watches?count=-1", "count must be a positive integer"),
        ("/fault-injection/gone-watches?count=1&style=sometimes", "style must be errorEvent or httpStatus"),
        ("/fault-injection/explode", "unknown fault command"),
    ])
    func badCommandsNameTheProblem(path: String, message: String) async throws {
        try await ServerFixture.with(Self.enabled) { fixture in
            let answer = try await fixture.curl("POST", path)
            #expect(answer.status == 400)
            #expect(answer.body["message"]?.stringValue?.contains(message) == true, "\(answer.raw)")
        }
    }

    @Test func onlyTheAdminToken() async throws {
        try await ServerFixture.with(Self.enabled) { fixture in
            let anonymous = try await fixture.curl("POST", "/fault-injection/drop-watches", token: "")
            #expect(anonymous.status == 403)
            #expect(fixture.server.faults.injectedCounts.isEmpty)
        }
    }
}
