import Foundation
import HTTPTransport
import Logging

/// The AWS standard retry mode around one call, shared by the Query-API executor (IAM, STS) and
/// the REST executor (S3) so both retry, draw from the quota and correct clock skew the same way:
/// up to `retry.maxAttempts` attempts, each retry paid from the quota after a
/// `rand() * min(2^n s, 20 s)` sleep; a clock-skew error whose `Date` header shows our signing
/// clock off by more than 5 minutes is re-signed and resent at once, at most once per call,
/// without using up an attempt or quota.
struct StandardRetryLoop: Sendable {
    let retry: RetryStrategy
    let quota: RetryQuota
    let clockOffset: ClockOffset
    let clock: @Sendable () -> Date
    let logger: Logger

    /// Runs `send` (one signed exchange at the given signing-clock offset) until it answers 2xx
    /// (then `decode` reads the answer) or fails for good. `describe` names the call in logs.
    func run<Output>(
        describe: String,
        send: (_ signingOffset: TimeInterval) async throws(AWSClientError) -> HTTPResponse,
        decodeError: (HTTPResponse) -> AWSClientError,
        decode: (HTTPResponse) throws(AWSClientError) -> Output
    ) async throws(AWSClientError) -> Output {
        var attempt = 0
        var skewCorrected = false
        var lastRetryCost: Int?

        while true {
            attempt += 1
            let failure: AWSClientError
            let signingOffset = clockOffset.current
            do {
                let response = try await send(signingOffset)
                if (200..<300).contains(response.status) {
                    quota.release(lastRetryCost ?? RetryQuota.noRetryIncrement)
                    return try decode(response)
                }
                failure = decodeError(response)
                if !skewCorrected, adoptSkewIfNeeded(failure, response: response, signedWithOffset: signingOffset) {
                    skewCorrected = true
                    attempt -= 1
                    logger.debug("clock skew corrected; re-signing", metadata: ["call": "\(describe)"])
                    continue
                }
            } catch let error {
                failure = error
            }

            let kind = AWSErrorClassification.classify(failure)
            guard kind != .notRetryable, attempt < retry.maxAttempts else { throw failure }
            let cost = kind == .transient(timedOut: true) ? RetryQuota.timeoutRetryCost : RetryQuota.retryCost
            guard quota.acquire(cost) else {
                logger.debug("retry quota exhausted", metadata: ["call": "\(describe)"])
                throw failure
            }
            lastRetryCost = cost
            let delay = retry.backoff(retryIndex: attempt - 1)
            logger.debug("retrying", metadata: ["call": "\(describe)", "attempt": "\(attempt)", "delay": "\(delay)"])
            do {
                try await retry.sleep(delay)
            } catch {
                throw .transport(.cancelled)
            }
        }
    }

    /// On a clock-skew code, learns the server's clock from the `Date` header; `true` when the
    /// offset moved enough that re-signing can help (a wrong secret with a correct clock does not).
    private func adoptSkewIfNeeded(
        _ failure: AWSClientError, response: HTTPResponse, signedWithOffset: TimeInterval
    ) -> Bool {
        guard let code = failure.serviceError?.code, AWSErrorClassification.clockSkewCodes.contains(code),
              let dateHeader = response.headers["Date"], let serverDate = HTTPDateHeader.parse(dateHeader)
        else { return false }
        return clockOffset.adopt(serverDate: serverDate, localNow: clock(), signedWithOffset: signedWithOffset)
    }
}
