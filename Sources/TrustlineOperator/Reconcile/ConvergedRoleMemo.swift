import KubeModels
import Synchronization
import TrustlineCore

/// Which resources' roles a reconcile converged and nothing flagged since, one fingerprint per
/// key (docs/design.md section 12). With it, a reconcile caused by anything but a spec change (a
/// ServiceAccount event, the resource's own status write coming back) puts the ServiceAccount
/// and status right without reading IAM again; the bulk drift pass is what looks at IAM, and it
/// flags the keys whose role it found drifted or could not decide, so their next reconcile
/// observes in full.
///
/// Every change to an entry takes the next number of one counter, so the pass can tell which
/// keys the reconciler touched after its snapshot began, and a full observation that was
/// running when the pass flagged its key cannot record a converged role over the flag.
final class ConvergedRoleMemo: Sendable {
    /// A ticket for one full observation: recording succeeds only if nothing touched the key since.
    struct Ticket: Sendable, Equatable {
        fileprivate var stamp: UInt64
    }

    private struct Entry {
        var fingerprint: ConvergedRoleFingerprint?
        /// The counter's value when the entry last changed.
        var stamp: UInt64
    }

    private struct State {
        var entries: [ObjectKey: Entry] = [:]
        var counter: UInt64 = 0

        mutating func stamp(_ key: ObjectKey, fingerprint: ConvergedRoleFingerprint?) -> UInt64 {
            counter += 1
            entries[key] = Entry(fingerprint: fingerprint, stamp: counter)
            return counter
        }
    }

    private let state = Mutex(State())

    /// Whether the key's role was converged to exactly `fingerprint` and nothing flagged it since.
    func isConverged(_ key: ObjectKey, as fingerprint: ConvergedRoleFingerprint) -> Bool {
        state.withLock { $0.entries[key]?.fingerprint == fingerprint }
    }

    /// A full observation of the key's role starts: whatever was remembered no longer holds.
    func beginObservation(_ key: ObjectKey) -> Ticket {
        state.withLock { Ticket(stamp: $0.stamp(key, fingerprint: nil)) }
    }

    /// The observation `ticket` started converged the role to `fingerprint`. Ignored when the
    /// key was flagged or observed again since the ticket was taken.
    func recordConverged(_ key: ObjectKey, as fingerprint: ConvergedRoleFingerprint, ticket: Ticket) {
        state.withLock { state in
            guard state.entries[key]?.stamp == ticket.stamp else { return }
            _ = state.stamp(key, fingerprint: fingerprint)
        }
    }

    /// The drift pass found the role drifted or could not decide: observe in full next time.
    func flag(_ key: ObjectKey) {
        state.withLock { _ = $0.stamp(key, fingerprint: nil) }
    }

    /// The resource is gone, being deleted, or its reconcile failed.
    func forget(_ key: ObjectKey) {
        state.withLock { _ = $0.entries.removeValue(forKey: key) }
    }

    /// Forgets everything (a new leadership term: another leader may have written meanwhile).
    func reset() {
        state.withLock { $0.entries.removeAll() }
    }

    /// A point in the memo's history, taken when a drift pass begins.
    var mark: UInt64 { state.withLock { $0.counter } }

    /// Whether the key's entry changed after `mark` (a reconcile observed or wrote its role).
    func changed(_ key: ObjectKey, since mark: UInt64) -> Bool {
        state.withLock { ($0.entries[key]?.stamp ?? 0) > mark }
    }

    /// How many keys have an entry (for tests).
    var count: Int { state.withLock { $0.entries.count } }
}
