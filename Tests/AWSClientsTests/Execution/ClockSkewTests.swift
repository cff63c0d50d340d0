import AWSClients
import Foundation
import Testing

/// Clock-skew correction against the scripted fault server.
@Suite struct ClockSkewTests {
    static func amzDate(_ request: RecordedRequest) throws -> Date {
        let text = try #require(request.headers["x-amz-date"])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return try #require(formatter.date(from: text))
    }

    @Test func requestTimeTooSkewedIsCorrectedOnceAndTheOffsetIsKept() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([
            .awsError(status: 403, code: "RequestTimeTooSkewed", message: "too skewed", dateOffset: 7200),
            .getRole("first"),
            .getRole("second"),
        ]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            #expect(try await iam.getRole(roleName: "first").roleName == "first")
            #expect(try await iam.getRole(roleName: "second").roleName == "second")

            let requests = try await server.requests()
            try #require(requests.count == 3)
            let now = Date()
            let signedAt = try requests.map(Self.amzDate)
            #expect(abs(signedAt[0].timeIntervalSince(now)) < 60, "first request signed with the local clock")
            #expect(abs(signedAt[1].timeIntervalSince(now) - 7200) < 60, "re-signed with the server's clock")
            #expect(abs(signedAt[2].timeIntervalSince(now) - 7200) < 60, "later calls keep the offset")
            #expect(abs(iam.executor.clockOffset.current - 7200) < 60)
            #expect(recorder.delays.isEmpty, "the skew retry happens at once")
        }
    }

    @Test func skewIsCorrectedOnlyOncePerCall() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([
            .awsError(status: 403, code: "RequestTimeTooSkewed", dateOffset: 7200),
            .awsError(status: 403, code: "RequestTimeTooSkewed", dateOffset: -7200),
        ]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            let error = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "x") }
            #expect(error?.serviceError?.code == "RequestTimeTooSkewed")
            #expect(try await server.requests().count == 2)
        }
    }

    @Test func signatureMismatchWithASyncedClockIsNotRetried() async throws {
        // A wrong secret also yields SignatureDoesNotMatch; with the server's Date close to ours
        // it is not a skew, so it surfaces after one attempt.
        let recorder = RetryRecorder()
        try await FaultServer.with([.awsError(status: 403, code: "SignatureDoesNotMatch"), .getRole()]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            let error = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "x") }
            #expect(error?.serviceError?.code == "SignatureDoesNotMatch")
            #expect(try await server.requests().count == 1)
            #expect(iam.executor.clockOffset.current == 0)
        }
    }

    @Test func aSkewedLocalClockIsCorrectedToo() async throws {
        // Here our clock is 3 hours behind and the server's is right.
        let recorder = RetryRecorder()
        try await FaultServer.with([
            .awsError(status: 400, code: "RequestExpired"),
            .getRole("ok"),
        ]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy(), clock: { Date().addingTimeInterval(-3 * 3600) })
            #expect(try await iam.getRole(roleName: "ok").roleName == "ok")
            let requests = try await server.requests()
            try #require(requests.count == 2)
            #expect(abs(try Self.amzDate(requests[1]).timeIntervalSinceNow) < 60, "second request carries true time")
        }
    }
}
