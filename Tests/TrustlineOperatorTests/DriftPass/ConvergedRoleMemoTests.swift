import KubeModels
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The memo's rules: a recorded role holds until flagged; a flag wins over an observation that
/// was running when it came; the pass can tell what changed after its snapshot began.
@Suite struct ConvergedRoleMemoTests {
    static let key = ObjectKey(namespace: "production", name: "my-app")
    static let fingerprint = ConvergedRoleFingerprint(
        role: DesiredRole(name: "r", path: "/", arn: "arn", trustPolicy: [:]), roleArn: "arn", uid: "u", generation: 1)

    @Test func recordedUntilFlagged() {
        let memo = ConvergedRoleMemo()
        #expect(!memo.isConverged(Self.key, as: Self.fingerprint))
        memo.recordConverged(Self.key, as: Self.fingerprint, ticket: memo.beginObservation(Self.key))
        #expect(memo.isConverged(Self.key, as: Self.fingerprint))
        #expect(!memo.isConverged(ObjectKey(namespace: "production", name: "other"), as: Self.fingerprint))
        memo.flag(Self.key)
        #expect(!memo.isConverged(Self.key, as: Self.fingerprint))
    }

    @Test func aFlagDuringAnObservationWins() {
        let memo = ConvergedRoleMemo()
        let ticket = memo.beginObservation(Self.key)
        memo.flag(Self.key)
        memo.recordConverged(Self.key, as: Self.fingerprint, ticket: ticket)
        #expect(!memo.isConverged(Self.key, as: Self.fingerprint))
    }

    @Test func aSecondObservationVoidsTheFirstTicket() {
        let memo = ConvergedRoleMemo()
        let first = memo.beginObservation(Self.key)
        let second = memo.beginObservation(Self.key)
        memo.recordConverged(Self.key, as: Self.fingerprint, ticket: first)
        #expect(!memo.isConverged(Self.key, as: Self.fingerprint))
        memo.recordConverged(Self.key, as: Self.fingerprint, ticket: second)
        #expect(memo.isConverged(Self.key, as: Self.fingerprint))
    }

    @Test func changesAfterAMark() {
        let memo = ConvergedRoleMemo()
        memo.recordConverged(Self.key, as: Self.fingerprint, ticket: memo.beginObservation(Self.key))
        let mark = memo.mark
        #expect(!memo.changed(Self.key, since: mark))
        _ = memo.beginObservation(Self.key)
        #expect(memo.changed(Self.key, since: mark))
        #expect(!memo.changed(ObjectKey(namespace: "production", name: "never-seen"), since: mark))
        memo.forget(Self.key)
        #expect(memo.count == 0)
    }
}
