/// The numeric bounds of the spec, shared by validation and checked against the CRD's schema by a
/// test, so the API server and the operator refuse the same things.
public enum SpecLimits {
    public static let maxSessionDuration = 3600...43200
    public static let tokenExpiration = 600...86400
    public static let audienceLength = 1...255
    public static let serviceAccountNameMaxLength = 253
    public static let maxInlinePolicies = 100
    public static let maxManagedPolicyArns = 20
    /// User tags allowed so the role stays within IAM's 50 with the four ownership tags.
    public static let maxUserTags = 50 - OwnershipTags.keys.count
}
