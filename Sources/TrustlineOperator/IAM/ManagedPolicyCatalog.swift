import AWSClients
import Foundation

/// The default-version documents of managed policies, read from IAM (GetPolicy for the default
/// version id, GetPolicyVersion for its document) so the guardrails can check them before attach.
///
/// What is remembered, and why:
/// - a document by (ARN, version id) for good: IAM never changes a version's document, it
///   creates a new version instead, so the entry can never be stale;
/// - a policy's default version id for `versionLifetime` (the resync period): a policy owner can
///   make another version the default at any time, and a resync is when the operator re-checks
///   everything anyway, so a change is noticed within one resync period.
///
/// So a policy costs two reads once and one GetPolicy per resync period after that, however many
/// resources attach it; concurrent reconciles asking for the same policy share one read.
/// Failures are not remembered: the next attempt asks IAM again.
actor ManagedPolicyCatalog {
    /// An IAM call that failed, with the action's name for the report.
    struct ReadFailure: Error, Equatable {
        var action: String
        var error: AWSClientError
    }

    /// A default version's document, URL-decoded.
    struct Document: Sendable, Equatable {
        var arn: String
        var versionId: String
        var text: String
    }

    private struct VersionKey: Hashable {
        var arn: String
        var versionId: String
    }

    private struct DefaultVersion {
        var versionId: String
        var readAt: Date
    }

    private let iam: any IAMAPI
    private let clock: any WallClock
    private let versionLifetime: TimeInterval
    private var defaultVersions: [String: DefaultVersion] = [:]
    private var documents: [VersionKey: String] = [:]
    private var pending: [String: Task<Result<Document, ReadFailure>, Never>] = [:]

    init(iam: any IAMAPI, clock: any WallClock, versionLifetime: Duration) {
        self.iam = iam
        self.clock = clock
        self.versionLifetime = TimeInterval(versionLifetime.components.seconds)
    }

    /// The document of `arn`'s default version, from memory where it is known.
    func defaultDocument(of arn: String) async -> Result<Document, ReadFailure> {
        if let known = defaultVersions[arn], clock.now.timeIntervalSince(known.readAt) < versionLifetime,
            let text = documents[VersionKey(arn: arn, versionId: known.versionId)]
        {
            return .success(Document(arn: arn, versionId: known.versionId, text: text))
        }
        if let reading = pending[arn] { return await reading.value }
        let reading = Task { await self.read(arn) }
        pending[arn] = reading
        let result = await reading.value
        pending[arn] = nil
        return result
    }

    private func read(_ arn: String) async -> Result<Document, ReadFailure> {
        let readAt = clock.now
        let policy: ManagedPolicy
        do {
            policy = try await iam.getPolicy(policyArn: arn)
        } catch {
            return .failure(ReadFailure(action: "GetPolicy", error: error))
        }
        let key = VersionKey(arn: arn, versionId: policy.defaultVersionId)
        let text: String
        if let known = documents[key] {
            text = known
        } else {
            do {
                text = try await iam.getPolicyVersion(policyArn: arn, versionId: policy.defaultVersionId).document
            } catch {
                return .failure(ReadFailure(action: "GetPolicyVersion", error: error))
            }
            documents[key] = text
        }
        defaultVersions[arn] = DefaultVersion(versionId: policy.defaultVersionId, readAt: readAt)
        return .success(Document(arn: arn, versionId: policy.defaultVersionId, text: text))
    }
}
