import KubeModels
import Testing
import TrustlineCore

/// What a test expects of the four conditions after a reconcile: Ready's status and reason, and
/// each sub-condition's status (nil: must be absent).
struct ConditionExpectation: Sendable, CustomStringConvertible {
    var ready: Condition.Status
    var reason: ConditionReason
    var role: Condition.Status?
    var policies: Condition.Status?
    var serviceAccount: Condition.Status?

    var description: String { "Ready=\(ready.rawValue) \(reason.rawValue)" }

    /// Ready False with `reason`, sub-conditions before `stage` True, at `stage` False, after it
    /// Unknown (DESIGN section 5).
    static func blocked(at stage: ReconcileStage, _ reason: ConditionReason) -> ConditionExpectation {
        func status(_ own: ReconcileStage) -> Condition.Status {
            own < stage ? .true : own == stage ? .false : .unknown
        }
        return ConditionExpectation(
            ready: .false, reason: reason, role: status(.role), policies: status(.policies), serviceAccount: status(.serviceAccount))
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
    }
}
