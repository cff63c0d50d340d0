import Logging
import TrustlineCore

extension WorkloadAwsAccessReconciler {
    /// The OIDC provider check that a steady state's reconciles no longer make (they skip IAM
    /// while the drift pass watches it): once per drift pass, so the provider is still looked at
    /// once per resync period (docs/design.md section 3, created again with `manageOidcProvider`).
    /// False when it is missing and not created: every converged resource must then be reconciled
    /// to report `OIDCProviderMissing`. An IAM failure is logged and counts as usable until the
    /// next pass.
    func oidcProviderStillUsable(logger: Logger) async -> Bool {
        do {
            try await oidcProviders.ensureExists(
                arn: context.oidcProviderArn, issuerURL: environment.oidcIssuer, manage: settings.manageOidcProvider,
                audiences: [], thumbprints: environment.oidcThumbprints, logger: logger)
            return true
        } catch {
            switch error {
            case .missing:
                return false
            case .iam(let action, let failure):
                logger.warning("OIDC provider check failed: IAM \(action): \(failure); trying again at the next resync")
                return true
            }
        }
    }
}
