import AWSClients
import Foundation
import Logging
import TrustlineCore

/// Makes sure the IAM OIDC provider every trust policy names exists, creating it when
/// `manageOidcProvider` is on, and then that it lists every audience in use as a client id
/// (docs/design.md section 3). Concurrent reconciles share one in-flight check per provider, so a burst of
/// reconciles at start makes one ListOpenIDConnectProviders and at most one create.
///
/// What is remembered: a positive answer, with the client ids it learned, for one resync period,
/// so steady-state reconciles make no provider call. A missing provider and failures are not
/// remembered, so a provider created by hand is noticed at the next attempt.
actor OIDCProviderCheck {
    /// Why the provider is not usable: missing and not managed, or an IAM failure.
    enum Failure: Error, Equatable {
        case missing(arn: String)
        case iam(action: String, AWSClientError)
    }

    /// What is known about a provider seen to exist.
    private struct Confirmation {
        /// When IAM said it exists; the answer is trusted for `refreshInterval` from then.
        var at: Date
        /// Its client ids, when our create or a GetOpenIDConnectProvider told us; nil after a List,
        /// which names providers only.
        var clientIds: Set<String>?
    }

    private typealias Outcome = Result<Void, Failure>

    private let iam: any IAMAPI
    private let clock: any WallClock
    private let refreshInterval: TimeInterval
    private var confirmations: [String: Confirmation] = [:]
    /// The existence check under way for each provider ARN; callers arriving meanwhile wait on it.
    private var existenceChecks: [String: Task<Outcome, Never>] = [:]
    /// The client id update under way for each provider ARN (managed providers only).
    private var clientIdUpdates: [String: Task<Outcome, Never>] = [:]

    init(iam: any IAMAPI, clock: any WallClock, refreshInterval: Duration) {
        self.iam = iam
        self.clock = clock
        let parts = refreshInterval.components
        self.refreshInterval = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Succeeds when the provider `arn` exists (or was just created) and, when `manage` is on,
    /// lists `sts.amazonaws.com` and every one of `audiences` as client ids (adding those it lacks).
    /// Without `manage`, the provider's client ids are not the operator's to change: they are not
    /// looked at, and a missing audience does not block the reconcile.
    ///
    /// A check shared by concurrent callers runs with the first caller's `issuerURL`, `manage`,
    /// `audiences` and `thumbprints`; one operator passes the same settings for one ARN, and
    /// audiences beyond the first caller's are added in the client id step.
    /// - Parameters:
    ///   - issuerURL: the issuer, `https://...`, for CreateOpenIDConnectProvider.
    ///   - audiences: audiences the caller's trust policy names; a created provider gets them
    ///     (with `sts.amazonaws.com`) as client ids.
    ///   - thumbprints: the issuer CA's SHA-1 thumbprints, for CreateOpenIDConnectProvider.
    func ensureExists(
        arn: String, issuerURL: String, manage: Bool, audiences: [String], thumbprints: [String], logger: Logger
    ) async throws(Failure) {
        if !isConfirmed(arn) {
            let check = existenceChecks[arn] ?? startExistenceCheck(
                arn: arn, issuerURL: issuerURL, manage: manage, audiences: audiences, thumbprints: thumbprints,
                logger: logger)
            try await check.value.get()
        }
        guard manage else { return }
        try await ensureClientIds(arn: arn, audiences: audiences, logger: logger)
    }

    private func isConfirmed(_ arn: String) -> Bool {
        guard let confirmation = confirmations[arn] else { return false }
        return clock.now.timeIntervalSince(confirmation.at) < refreshInterval
    }

    // MARK: Existence

    /// Registers the check before the actor can be re-entered, so every later caller joins it.
    private func startExistenceCheck(
        arn: String, issuerURL: String, manage: Bool, audiences: [String], thumbprints: [String], logger: Logger
    ) -> Task<Outcome, Never> {
        let check = Task {
            await self.checkExistence(
                arn: arn, issuerURL: issuerURL, manage: manage, audiences: audiences, thumbprints: thumbprints,
                logger: logger)
        }
        existenceChecks[arn] = check
        return check
    }

    /// One ListOpenIDConnectProviders and, when managed and missing, one create. Records the
    /// answer before the waiting callers resume.
    private func checkExistence(
        arn: String, issuerURL: String, manage: Bool, audiences: [String], thumbprints: [String], logger: Logger
    ) async -> Outcome {
        defer { existenceChecks[arn] = nil }
        let existing: [String]
        do {
            existing = try await iam.listOpenIDConnectProviders()
        } catch {
            return .failure(.iam(action: "ListOpenIDConnectProviders", error))
        }
        if existing.contains(arn) {
            confirmations[arn] = Confirmation(at: clock.now, clientIds: nil)
            return .success(())
        }
        confirmations[arn] = nil
        guard manage else { return .failure(.missing(arn: arn)) }
        let clientIds = OIDCProviderClients.clientIds(audiences: audiences)
        let url = issuerURL.hasPrefix("https://") ? issuerURL : "https://" + issuerURL
        do {
            let created = try await iam.createOpenIDConnectProvider(
                CreateOpenIDConnectProviderRequest(url: url, clientIds: clientIds, thumbprints: thumbprints))
            logger.notice(
                "created IAM OIDC provider",
                metadata: ["oidcProvider": "\(created)", "clientIds": "\(clientIds.joined(separator: ","))"])
            if created != arn {
                logger.warning(
                    "IAM named the created OIDC provider differently from the trust policies",
                    metadata: ["oidcProvider": "\(created)", "expected": "\(arn)"])
            }
            confirmations[arn] = Confirmation(at: clock.now, clientIds: Set(clientIds))
        } catch where error.isEntityAlreadyExists {
            // Another writer (another operator instance) created it meanwhile: fine; its client
            // ids are unknown, so the client id step reads them.
            logger.debug("IAM OIDC provider was created by another writer", metadata: ["oidcProvider": "\(arn)"])
            confirmations[arn] = Confirmation(at: clock.now, clientIds: nil)
        } catch {
            return .failure(.iam(action: "CreateOpenIDConnectProvider", error))
        }
        return .success(())
    }

    // MARK: Client ids (managed providers)

    /// Makes the provider list the client ids `audiences` need. Known client ids answer without a
    /// call; otherwise one shared update reads the provider and adds what is missing. A caller
    /// whose audiences the shared update did not cover runs its own next.
    private func ensureClientIds(arn: String, audiences: [String], logger: Logger) async throws(Failure) {
        while true {
            if let known = confirmations[arn]?.clientIds, OIDCProviderClients.missing(existing: known, audiences: audiences).isEmpty {
                return
            }
            let update = clientIdUpdates[arn] ?? startClientIdUpdate(arn: arn, audiences: audiences, logger: logger)
            try await update.value.get()
        }
    }

    private func startClientIdUpdate(arn: String, audiences: [String], logger: Logger) -> Task<Outcome, Never> {
        let update = Task { await self.updateClientIds(arn: arn, audiences: audiences, logger: logger) }
        clientIdUpdates[arn] = update
        return update
    }

    /// One GetOpenIDConnectProvider, then one AddClientIDToOpenIDConnectProvider per missing id.
    private func updateClientIds(arn: String, audiences: [String], logger: Logger) async -> Outcome {
        defer { clientIdUpdates[arn] = nil }
        let provider: OpenIDConnectProvider
        do {
            provider = try await iam.getOpenIDConnectProvider(arn: arn)
        } catch {
            // Deleted behind our back: forget it, so the next attempt checks (and creates) again.
            if error.isNoSuchEntity { confirmations[arn] = nil }
            return .failure(.iam(action: "GetOpenIDConnectProvider", error))
        }
        var known = Set(provider.clientIds)
        for clientId in OIDCProviderClients.missing(existing: known, audiences: audiences) {
            do {
                try await iam.addClientIDToOpenIDConnectProvider(arn: arn, clientId: clientId)
            } catch {
                if error.isNoSuchEntity { confirmations[arn] = nil } else { remember(clientIds: known, of: arn) }
                return .failure(.iam(action: "AddClientIDToOpenIDConnectProvider", error))
            }
            known.insert(clientId)
            logger.notice(
                "added a client id to the IAM OIDC provider", metadata: ["oidcProvider": "\(arn)", "clientId": "\(clientId)"])
        }
        remember(clientIds: known, of: arn)
        return .success(())
    }

    /// A provider IAM just described exists: keeps its confirmation time (or starts one) and
    /// records its client ids.
    private func remember(clientIds: Set<String>, of arn: String) {
        let confirmedAt = confirmations[arn]?.at ?? clock.now
        confirmations[arn] = Confirmation(at: confirmedAt, clientIds: clientIds)
    }
}
