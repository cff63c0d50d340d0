import KubeModels
import Testing
@testable import TrustlineCore

/// A converged role's fingerprint changes with everything a reconcile converged for.
@Suite struct ConvergedRoleFingerprintTests {
    static let role = BulkDriftCheckTests.desired
    static let arn = role.arn

    static func fingerprint(role: DesiredRole = role, roleArn: String = arn, uid: String? = "uid-1", generation: Int64? = 3) -> ConvergedRoleFingerprint {
        ConvergedRoleFingerprint(role: role, roleArn: roleArn, uid: uid, generation: generation)
    }

    static func changed(_ change: (inout DesiredRole) -> Void) -> ConvergedRoleFingerprint {
        var role = role
        change(&role)
        return fingerprint(role: role)
    }

    static let variants: [(String, ConvergedRoleFingerprint)] = [
        ("role ARN reported", fingerprint(roleArn: "arn:aws:iam::123456789012:role/legacy/x")),
        ("uid", fingerprint(uid: "uid-2")),
        ("no uid", fingerprint(uid: nil)),
        ("generation", fingerprint(generation: 4)),
        ("name", changed { $0.name = "other" }),
        ("path", changed { $0.path = "/other/" }),
        ("rendered ARN", changed { $0.arn = "arn:aws:iam::123456789012:role/other" }),
        ("description", changed { $0.description = "other" }),
        ("duration", changed { $0.maxSessionDuration = 3600 }),
        ("boundary", changed { $0.permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/b" }),
        ("trust policy", changed { $0.trustPolicy = RoleGenerators.trustB }),
        ("inline policy", changed { $0.inlinePolicies["s3"] = RoleGenerators.document(2) }),
        ("managed policies", changed { $0.managedPolicyArns = [] }),
        ("tags", changed { $0.tags["team"] = "b" }),
    ]

    @Test func sameInputsSameFingerprint() {
        #expect(Self.fingerprint() == Self.fingerprint())
    }

    @Test(arguments: variants.map(\.0))
    func everyInputCounts(_ label: String) throws {
        let variant = try #require(Self.variants.first { $0.0 == label })
        #expect(variant.1 != Self.fingerprint(), "\(label) must change the fingerprint")
    }
}
