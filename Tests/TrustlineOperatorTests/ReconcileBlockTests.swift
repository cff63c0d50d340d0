import AWSClients
import ControllerRuntime
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The one blocker type: how each retry reaches the work queue, and how convergence and cleanup
/// blocks are published.
@Suite struct ReconcileBlockTests {
    static func block(_ retry: ReconcileBlock.Retry, phase: ReconcileBlock.Phase = .convergence) -> ReconcileBlock {
        ReconcileBlock(stage: .policies, reason: .awsError, message: "m", retry: retry, phase: phase)
    }

    @Test(arguments: [
        (ReconcileBlock.Retry.afterObjectChanges, ReconcileResult.terminalError("m")),
        (.afterInterval, .requeue(after: .seconds(42))),
        (.withBackoff, .transientError("m")),
    ])
    func retryReachesTheWorkQueue(_ retry: ReconcileBlock.Retry, _ expected: ReconcileResult) {
        #expect(Self.block(retry).result(blockedRetryInterval: .seconds(42)) == expected)
        #expect(Self.block(retry, phase: .deletion).result(blockedRetryInterval: .seconds(42)) == expected)
    }

    @Test func phaseDecidesTheOutcome() {
        #expect(Self.block(.withBackoff).outcome == .blocked(stage: .policies, reason: .awsError, message: "m"))
        #expect(Self.block(.withBackoff, phase: .deletion).outcome == .deletionBlocked(message: "m"))
    }

    struct CleanupCase: Sendable, CustomTestStringConvertible {
        var code: String
        var status: Int
        var reason: ConditionReason
        var messageContains: String
        var testDescription: String { code }
    }

    /// Cleanup speaks the vocabulary of every other step (throttling is `AWSThrottled`, other AWS
    /// failures `AWSError`, both retried with backoff) and is published as `DeletionBlocked`.
    @Test(arguments: [
        CleanupCase(code: "Throttling", status: 400, reason: .awsThrottled, messageContains: "IAM is throttling the operator"),
        CleanupCase(code: "AccessDenied", status: 403, reason: .awsError, messageContains: "grant the operator's AWS identity iam:DeleteRole"),
        CleanupCase(code: "DeleteConflict", status: 409, reason: .awsError, messageContains: "cannot be deleted yet"),
    ])
    func cleanupFailures(_ testCase: CleanupCase) {
        let error = AWSClientError.service(AWSError(code: testCase.code, message: "x", httpStatus: testCase.status))
        let block = ResourceCleanup.block(error, action: "DeleteRole", target: "role r")
        #expect(block.reason == testCase.reason)
        #expect(block.retry == .withBackoff)
        #expect(block.phase == .deletion)
        #expect(block.reportsStatus)
        #expect(block.message.contains(testCase.messageContains), "\(block.message)")
        #expect(block.message.contains("role r"))
        #expect(block.outcome == .deletionBlocked(message: block.message))
    }
}
