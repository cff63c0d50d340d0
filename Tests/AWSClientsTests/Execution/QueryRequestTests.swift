import AWSClients
import Foundation
import HTTPTransport
import Testing

/// Request shape, pagination and response validation against the scripted fault server.
@Suite struct QueryRequestTests {
    static func listPage(_ names: [String], marker: String?) -> FaultStep {
        let members = names.map { "<member>\($0)</member>" }.joined()
        let tail = marker.map { "<IsTruncated>true</IsTruncated><Marker>\($0)</Marker>" } ?? "<IsTruncated>false</IsTruncated>"
        return .respond(status: 200, body: "<ListRolePoliciesResponse><ListRolePoliciesResult><PolicyNames>\(members)</PolicyNames>\(tail)</ListRolePoliciesResult></ListRolePoliciesResponse>")
    }

    @Test func requestsAreSignedFormPOSTs() async throws {
        try await FaultServer.with([.getRole("r")]) { server throws in
            let iam = IAMClient(
                configuration: AWSClientConfiguration(
                    endpoint: server.endpoint, extraHeaders: ["x-moto-account-id": "111122223333"],
                    retry: RetryRecorder().strategy()),
                httpClient: CurlHTTPClient(tls: .system), credentialProvider: StaticCredentialProvider(.testDefault))
            _ = try await iam.getRole(roleName: "a b/c")
            let request = try #require(try await server.requests().first)
            #expect(request.headers["x-moto-account-id"] == "111122223333")
            #expect(request.headers["authorization"]?.contains("x-moto-account-id") == true, "extra headers are signed")
            #expect(request.method == "POST")
            #expect(request.path == "/")
            #expect(request.body == "Action=GetRole&Version=2010-05-08&RoleName=a+b%2Fc")
            #expect(request.headers["content-type"] == "application/x-www-form-urlencoded; charset=utf-8")
            let authorization = try #require(request.headers["authorization"])
            #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"))
            #expect(authorization.contains("/us-east-1/iam/aws4_request"))
            #expect(request.headers["x-amz-date"] != nil)
        }
    }

    @Test func listCallsFollowMarkersToTheEnd() async throws {
        try await FaultServer.with([
            Self.listPage(["a", "b"], marker: "m1"),
            Self.listPage(["c"], marker: "m2"),
            Self.listPage([], marker: nil),
        ]) { server throws in
            let names = try await server.iamClient(retry: RetryRecorder().strategy())
                .listRolePolicies(roleName: "r", pageSize: 2)
            #expect(names == ["a", "b", "c"])
            let bodies = try await server.requests().map(\.body)
            #expect(bodies == [
                "Action=ListRolePolicies&Version=2010-05-08&RoleName=r&MaxItems=2",
                "Action=ListRolePolicies&Version=2010-05-08&RoleName=r&MaxItems=2&Marker=m1",
                "Action=ListRolePolicies&Version=2010-05-08&RoleName=r&MaxItems=2&Marker=m2",
            ])
        }
    }

    @Test func truncatedPageWithoutMarkerIsAnError() async throws {
        try await FaultServer.with([
            .respond(status: 200, body: "<ListRolePoliciesResponse><ListRolePoliciesResult><PolicyNames/><IsTruncated>true</IsTruncated></ListRolePoliciesResult></ListRolePoliciesResponse>"),
        ]) { server throws in
            let error = await #expect(throws: AWSClientError.self) {
                try await server.iamClient(retry: RetryRecorder().strategy()).listRolePolicies(roleName: "r")
            }
            guard case .invalidResponse(.missingElement, 200, _) = error else {
                Issue.record("expected a missing Marker error, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func aMarkerThatRepeatsStopsThePaging() async throws {
        try await FaultServer.with([Self.listPage(["a"], marker: "same")]) { server throws in
            let error = await #expect(throws: AWSClientError.self) {
                try await server.iamClient(retry: RetryRecorder().strategy()).listRolePolicies(roleName: "r")
            }
            guard case .invalidResponse(.invalidValue, _, _) = error else {
                Issue.record("expected a repeated-marker error, got \(String(describing: error))")
                return
            }
            #expect(try await server.requests().count == 2)
        }
    }

    @Test(arguments: [
        ("truncated", #"<GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName>"#),
        ("malformed", #"<GetRoleResponse><GetRoleResult></Role></GetRoleResponse>"#),
        ("wrong root", #"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>"#),
        ("missing field", #"<GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName></Role></GetRoleResult></GetRoleResponse>"#),
        ("empty", ""),
    ])
    func unreadableSuccessBodiesAreErrorsNotEmptySuccesses(label: String, body: String) async throws {
        try await FaultServer.with([.respond(status: 200, body: body)]) { server throws in
            let error = await #expect(throws: AWSClientError.self, "\(label)") {
                try await server.iamClient(retry: RetryRecorder().strategy()).getRole(roleName: "r")
            }
            guard case .invalidResponse(_, 200, _) = error else {
                Issue.record("\(label): expected invalidResponse, got \(String(describing: error))")
                return
            }
            #expect(try await server.requests().count == 1, "a bad 200 body is not retried")
        }
    }
}
