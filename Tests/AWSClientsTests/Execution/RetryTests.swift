import AWSClients
import Foundation
import HTTPTransport
import Testing

/// Standard-mode retries against the scripted fault server on 127.0.0.1.
@Suite struct RetryTests {
    @Test func throttlingTwiceThenSuccessTakesThreeAttemptsWithBoundedDelays() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([
            .awsError(status: 400, code: "Throttling", message: "Rate exceeded"),
            .awsError(status: 400, code: "Throttling", message: "Rate exceeded"),
            .getRole("after-throttle"),
        ]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            let role = try await iam.getRole(roleName: "after-throttle")
            #expect(role.roleName == "after-throttle")
            #expect(try await server.requests().count == 3)

            let delays = recorder.delays
            let draws = recorder.randomDraws
            try #require(delays.count == 2 && draws.count == 2)
            for (index, delay) in delays.enumerated() {
                let ceiling = RetryStrategy.backoffCeiling(retryIndex: index)
                #expect(ceiling == .seconds(1 << index))
                #expect(delay >= .zero && delay < ceiling, "delay \(index) = \(delay) outside [0, \(ceiling))")
                #expect(abs((delay - ceiling * draws[index]) / .milliseconds(1)) < 0.001, "delay is rand() * ceiling")
            }
            // Two retries cost 5 each; the success refunds the last one.
            #expect(iam.executor.retryQuota.available == 500 - 10 + 5)
        }
    }

    @Test func limitExceededIsNotRetried() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([.awsError(status: 409, code: "LimitExceeded"), .getRole()]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            let error = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "x") }
            #expect(error?.isLimitExceeded == true)
            #expect(error?.serviceError?.httpStatus == 409)
            #expect(try await server.requests().count == 1)
            #expect(recorder.delays.isEmpty)
        }
    }

    @Test(arguments: [
        ("NoSuchEntity", 404),
        ("AccessDenied", 403),
        ("ValidationError", 400),
        ("MalformedPolicyDocument", 400),
    ])
    func clientErrorsAreNotRetried(code: String, status: Int) async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([.awsError(status: status, code: code), .getRole()]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            let error = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "x") }
            #expect(error?.serviceError?.code == code)
            #expect(try await server.requests().count == 1)
        }
    }

    @Test(arguments: [
        FaultStep.awsError(status: 500, code: "InternalFailure"),
        FaultStep.awsError(status: 503, code: "ServiceUnavailable"),
        FaultStep.respond(status: 502, body: "<html><body>Bad Gateway</body></html>"),
        FaultStep.respond(status: 504, body: ""),
    ])
    func serverErrorThenSuccessIsRetried(failure: FaultStep) async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([failure, .getRole("recovered")]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            #expect(try await iam.getRole(roleName: "recovered").roleName == "recovered")
            #expect(try await server.requests().count == 2)
            #expect(recorder.delays.count == 1)
        }
    }

    @Test func connectionResetThenSuccessIsRetried() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([.reset, .getRole("after-reset")]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            #expect(try await iam.getRole(roleName: "after-reset").roleName == "after-reset")
            #expect(try await server.requests().count == 2)
        }
    }

    @Test func persistentThrottlingGivesUpAfterThreeAttempts() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([.awsError(status: 400, code: "Throttling")]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            let error = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "x") }
            #expect(error?.isThrottling == true)
            #expect(try await server.requests().count == 3)
            #expect(recorder.delays.count == 2)
        }
    }

    @Test func timeoutsAreRetriedAtTheHigherQuotaCost() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([.hang(seconds: 3)]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy(), timeout: .milliseconds(400))
            let error = await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "x") }
            #expect(error == .transport(.timeout(error.flatMap(Self.timeoutMessage) ?? "")), "got \(String(describing: error))")
            #expect(try await server.requests().count == 3)
            #expect(iam.executor.retryQuota.available == 500 - 2 * RetryQuota.timeoutRetryCost)
        }
    }

    private static func timeoutMessage(_ error: AWSClientError) -> String? {
        if case let .transport(.timeout(message)) = error { return message }
        return nil
    }

    @Test func retryQuotaRunsDryUnderAStorm() async throws {
        let recorder = RetryRecorder()
        try await FaultServer.with([.awsError(status: 503, code: "ServiceUnavailable")]) { server throws in
            let iam = server.iamClient(retry: recorder.strategy())
            // 500 tokens at 5 per retry: 100 retries, i.e. the first 50 calls make 3 attempts;
            // after that the bucket is empty and each call makes exactly one.
            for _ in 0..<60 {
                await #expect(throws: AWSClientError.self) { try await iam.getRole(roleName: "storm") }
            }
            #expect(iam.executor.retryQuota.available == 0)
            #expect(recorder.delays.count == 100)
            #expect(try await server.requests().count == 50 * 3 + 10 * 1)
        }
    }

    @Test func cancellingDuringBackoffStopsRetrying() async throws {
        try await FaultServer.with([.awsError(status: 400, code: "Throttling")]) { server throws in
            // A real, cancellable sleep far longer than any scheduling delay on a loaded machine,
            // so finishing well before it proves the backoff sleep ended at cancellation.
            let iam = server.iamClient(retry: RetryStrategy(random: { 0.999 }, sleep: { _ in try await Task.sleep(for: .seconds(120)) }))
            let call = Task { try await iam.getRole(roleName: "x") }
            // Cancel only once the first attempt has been answered, i.e. during the backoff sleep.
            let answered = ContinuousClock.now + .seconds(60)
            while try await server.requests().isEmpty, ContinuousClock.now < answered {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(100))
            call.cancel()
            let started = ContinuousClock.now
            let result = await call.result
            #expect(ContinuousClock.now - started < .seconds(60), "the backoff sleep ends at cancellation")
            guard case let .failure(error) = result else {
                Issue.record("the call succeeded after cancellation")
                return
            }
            #expect(error as? AWSClientError == .transport(.cancelled))
            #expect(try await server.requests().count == 1)
        }
    }

    @Test func successesRefillTheQuota() {
        let quota = RetryQuota()
        #expect(quota.acquire(RetryQuota.retryCost))
        #expect(quota.available == 495)
        quota.release(RetryQuota.retryCost)
        #expect(quota.available == 500)
        quota.release(RetryQuota.noRetryIncrement)
        #expect(quota.available == 500, "never above capacity")
        let small = RetryQuota(capacity: 7)
        #expect(small.acquire(5))
        #expect(!small.acquire(5), "2 tokens cannot pay for a retry")
        #expect(small.available == 2)
    }

    @Test(arguments: [(0, 1), (1, 2), (2, 4), (3, 8), (4, 16), (5, 20), (10, 20), (64, 20)])
    func backoffCeilingIsCappedAtTwentySeconds(retryIndex: Int, seconds: Int) {
        #expect(RetryStrategy.backoffCeiling(retryIndex: retryIndex) == .seconds(seconds))
    }
}
