/// The annotations Trustline puts on a ServiceAccount (docs/design.md section 2). `managedKeys` lists all
/// of them so deletion removes exactly what the operator set and nothing else.
public enum ServiceAccountAnnotations {
    public static let roleArn = "eks.amazonaws.com/role-arn"
    public static let audience = "eks.amazonaws.com/audience"
    public static let stsRegionalEndpoints = "eks.amazonaws.com/sts-regional-endpoints"
    public static let tokenExpiration = "eks.amazonaws.com/token-expiration"
    public static let managedKeys = [roleArn, audience, stsRegionalEndpoints, tokenExpiration]

    /// The annotations for a resource whose role is `roleArn`: role-arn always, audience when not
    /// `sts.amazonaws.com`, the other two when the spec sets them.
    public static func render(spec: WorkloadAwsAccessSpec, roleArn: String) -> [String: String] {
        var annotations = [Self.roleArn: roleArn]
        if spec.audience != WorkloadAwsAccessSpec.defaultAudience {
            annotations[audience] = spec.audience
        }
        if let regional = spec.stsRegionalEndpoints {
            annotations[stsRegionalEndpoints] = regional ? "true" : "false"
        }
        if let seconds = spec.tokenExpirationSeconds {
            annotations[tokenExpiration] = String(seconds)
        }
        return annotations
    }

    /// The annotation changes that bring `current` to `desired`: a value to set, or `nil` to
    /// remove (a JSON merge patch's `null`). Only our keys are touched; empty when in sync.
    public static func changes(current: [String: String], desired: [String: String]) -> [String: String?] {
        var changes: [String: String?] = [:]
        for key in managedKeys {
            let wanted = desired[key]
            if current[key] != wanted {
                changes[key] = .some(wanted)
            }
        }
        return changes
    }

    /// The changes that remove every annotation we manage from `current` (deletion of a
    /// ServiceAccount we only annotated); empty when none is there.
    public static func removal(current: [String: String]) -> [String: String?] {
        changes(current: current, desired: [:])
    }
}
