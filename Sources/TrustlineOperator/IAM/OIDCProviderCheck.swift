import AWSClients
import Foundation
import Logging
import TrustlineCore

/// Makes sure the IAM OIDC provider every trust policy names exists, creating it when
/// `manageOidcProvider` is on (DESIGN section 3). A positive answer is remembered for one resync
/// period, so steady-state reconciles make no provider call; a missing provider is asked again
/// on every attempt, so creating it by hand is noticed at the next retry.
actor OIDCProviderCheck {
    /// Why the provider is not usable: missing and not managed, or an IAM failure.
    enum Failure: Error {
        case missing(arn: String)
        case iam(action: String, AWSClientError)
    }

    private let iam: any IAMAPI
    private let clock: any WallClock
    private let refreshInterval: TimeInterval
    private var confirmedAt: [String: Date] = [:]

    init(iam: any IAMAPI, clock: any WallClock, refreshInterval: Duration) {
        self.iam = iam
        self.clock = clock
        let parts = refreshInterval.components
        self.refreshInterval = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Succeeds when the provider `arn` exists (or was just created).
    /// - Parameters:
    ///   - issuerURL: the issuer, `https://...`, for CreateOpenIDConnectProvider.
    ///   - audiences: client ids a created provider gets (with `sts.amazonaws.com`).
    func ensureExists(
        arn: String, issuerURL: String, manage: Bool, audiences: [String], thumbprints: [String], logger: Logger
    ) async throws(Failure) {
        let now = clock.now
        if let confirmed = confirmedAt[arn], now.timeIntervalSince(confirmed) < refreshInterval { return }
        let existing: [String]
        do {
            existing = try await iam.listOpenIDConnectProviders()
        } catch {
            throw .iam(action: "ListOpenIDConnectProviders", error)
        }
        if existing.contains(arn) {
            confirmedAt[arn] = now
            return
        }
        confirmedAt[arn] = nil
        guard manage else { throw .missing(arn: arn) }
        let clientIds = OIDCProviderClients.clientIds(audiences: audiences)
        let url = issuerURL.hasPrefix("https://") ? issuerURL : "https://" + issuerURL
        do {
            let created = try await iam.createOpenIDConnectProvider(
                CreateOpenIDConnectProviderRequest(url: url, clientIds: clientIds, thumbprints: thumbprints))
            logger.notice("created IAM OIDC provider", metadata: ["oidcProvider": "\(created)"])
        } catch where error.isEntityAlreadyExists {
            // Another operator instance created it in the meantime: fine.
        } catch {
            throw .iam(action: "CreateOpenIDConnectProvider", error)
        }
        confirmedAt[arn] = clock.now
    }
}
