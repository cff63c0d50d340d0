import Foundation
import HTTPTransport
import Testing

@Suite("HTTPRequest.bearerToken")
struct BearerTokenTests {
    @Test func setsReadsAndRemovesTheAuthorizationHeader() throws {
        var request = HTTPRequest(url: try #require(URL(string: "https://kubernetes.default.svc/api")))
        #expect(request.bearerToken == nil)

        request.bearerToken = "abc.def"
        #expect(request.headers["authorization"] == "Bearer abc.def")
        #expect(request.bearerToken == "abc.def")

        request.bearerToken = "rotated"
        #expect(request.headers.values(for: "Authorization") == ["Bearer rotated"])

        request.bearerToken = nil
        #expect(request.headers["Authorization"] == nil)
    }

    @Test func basicAuthorizationIsNotABearerToken() throws {
        let request = HTTPRequest(url: try #require(URL(string: "https://a.test/")), headers: ["Authorization": "Basic Zm9v"])
        #expect(request.bearerToken == nil)
    }
}
