import KubeModels
import Testing
import TrustlineCore

/// What a test expects of the conditions after a reconcile: Ready's status and reason, each
/// sub-condition's status (nil: must be absent), and kstatus's Reconciling and Stalled.
struct ConditionExpectation: Sendable, CustomStringConvertible {
    var ready: Condition.Status
    var reason: ConditionReason
    var role: Condition.Status?
    var policies: Condition.Status?
    var serviceAccount: Condition.Status?
    /// kstatus: Stalled is True only for the blockers a person must lift (docs/design.md section 5),
    /// Reconciling True for everything the operator retries by itself; never both.
    var reconciling: Condition.Status = .false
    var stalled: Condition.Status = .false

    /// The reasons docs/design.md section 5 calls blockers only a person can lift, spelled out here
    /// rather than taken from the code under test.
    static let stallingReasons: Set<ConditionReason> = [.invalidSpec, .guardrailViolation, .roleConflict, .serviceAccountConflict]

    var description: String { "Ready=\(ready.rawValue) \(reason.rawValue)" }

    /// Ready False with `reason`, sub-conditions before `stage` True, at `stage` False, after it
    /// Unknown (docs/design.md section 5).
    static func blocked(at stage: ReconcileStage, _ reason: ConditionReason) -> ConditionExpectation {
        func status(_ own: ReconcileStage) -> Condition.Status {
            own < stage ? .true : own == stage ? .false : .unknown
        }
        let stalls = stallingReasons.contains(reason)
        return ConditionExpectation(
            ready: .false, reason: reason, role: status(.role), policies: status(.policies), serviceAccount: status(.serviceAccount),
            reconciling: stalls ? .false : .true, stalled: stalls ? .true : .false)
    }

    static let converged = ConditionExpectation(ready: .true, reason: .converged, role: .true, policies: .true, serviceAccount: .true)

    /// Checks `status` against this expectation, naming the condition that differs.
    func check(_ status: WorkloadAwsAccessStatus?, sourceLocation: SourceLocation = #_sourceLocation) {
        let ready = status?.condition(.ready)
        #expect(ready?.status == self.ready, "Ready status", sourceLocation: sourceLocation)
        #expect(ready?.reason == reason.rawValue, "Ready reason", sourceLocation: sourceLocation)
        let message = ready?.message ?? ""
        #expect(!message.isEmpty, "Ready message", sourceLocation: sourceLocation)
        let subs: [(ConditionType, Condition.Status?)] = [(.roleReady, role), (.policiesReady, policies), (.serviceAccountReady, serviceAccount)]
        for (type, expected) in subs {
            let condition = status?.condition(type)
            #expect(condition?.status == expected, "\(type.rawValue) status", sourceLocation: sourceLocation)
            if let condition, condition.status != .true {
                // Blocked and not-evaluated conditions carry the blocking reason.
                #expect(condition.reason == reason.rawValue, "\(type.rawValue) reason", sourceLocation: sourceLocation)
            }
        }
        for (type, expected) in [(ConditionType.reconciling, reconciling), (.stalled, stalled)] {
            let condition = status?.condition(type)
            #expect(condition?.status == expected, "\(type.rawValue) status", sourceLocation: sourceLocation)
            #expect(condition?.reason == reason.rawValue, "\(type.rawValue) reason", sourceLocation: sourceLocation)
        }
    }
}
