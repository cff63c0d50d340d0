import KubeModels
import Testing
@testable import TrustlineCore

/// The bulk drift check's verdicts (docs/design.md section 12), case by case.
@Suite struct BulkDriftCheckTests {
    static let owner = OwnerIdentity(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-1")
    static let desired = DesiredRole(
        name: "prod.production.my-app", path: "/trustline/", arn: "arn:aws:iam::123456789012:role/trustline/prod.production.my-app",
        description: "payments", maxSessionDuration: 7200, trustPolicy: RoleGenerators.trustA,
        inlinePolicies: ["s3": RoleGenerators.document(1)], managedPolicyArns: ["arn:aws:iam::aws:policy/P1"],
        tags: OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: "uid-1").merging(["team": "a"]) { $1 })

    /// The desired role as IAM holds it once converged, as a snapshot shows it (no description,
    /// the default duration).
    static var converged: ObservedRole {
        ObservedRole(
            name: desired.name, path: desired.path, arn: desired.arn, description: nil, maxSessionDuration: 3600,
            permissionsBoundaryArn: desired.permissionsBoundaryArn, trustPolicy: desired.trustPolicy, inlinePolicies: desired.inlinePolicies,
            attachedManagedPolicyArns: desired.managedPolicyArns, tags: desired.tags)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var snapshot: SnapshotRole
        var changedSinceSnapshotBegan = false
        var adoptionPolicy = AdoptionPolicy.never
        var expected: DriftVerdict
        var testDescription: String { label }
    }

    static func changed(_ change: (inout ObservedRole) -> Void) -> SnapshotRole {
        var role = converged
        change(&role)
        return .present(role)
    }

    static func diff(_ change: (inout RoleDiff) -> Void) -> DriftVerdict {
        var diff = RoleDiff()
        change(&diff)
        return .drifted(diff)
    }

    static let cases: [Case] = [
        Case(label: "converged", snapshot: .present(converged), expected: .inSync),
        Case(label: "description and duration are not in a snapshot, so never drift",
             snapshot: changed { $0.description = "edited"; $0.maxSessionDuration = 43200 }, expected: .inSync),
        Case(label: "trust policy rewritten with the same meaning",
             snapshot: changed { $0.trustPolicy = PolicyCanonicalizer.canonical($0.trustPolicy) }, expected: .inSync),
        Case(label: "tag key in another case", snapshot: changed { role in
            let value = role.tags.removeValue(forKey: "team")
            role.tags["TEAM"] = value
        }, expected: .inSync),
        Case(label: "trust policy widened", snapshot: changed { $0.trustPolicy = RoleGenerators.trustB },
             expected: diff { $0.trustPolicyChanged = true }),
        Case(label: "inline policy edited", snapshot: changed { $0.inlinePolicies["s3"] = RoleGenerators.document(2) },
             expected: diff { $0.inlinePoliciesToPut = ["s3"] }),
        Case(label: "inline policy added", snapshot: changed { $0.inlinePolicies["extra"] = RoleGenerators.document(0) },
             expected: diff { $0.inlinePoliciesToDelete = ["extra"] }),
        Case(label: "managed policy attached", snapshot: changed { $0.attachedManagedPolicyArns.insert("arn:aws:iam::aws:policy/AdministratorAccess") },
             expected: diff { $0.managedPoliciesToDetach = ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
        Case(label: "boundary added", snapshot: changed { $0.permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/b" },
             expected: diff { $0.boundary = .remove }),
        Case(label: "user tag removed", snapshot: changed { $0.tags["team"] = nil }, expected: diff { $0.tagsToSet = ["team": "a"] }),
        Case(label: "uid tag of another resource", snapshot: changed { $0.tags[OwnershipTags.uid] = "uid-2" },
             expected: .ownershipChanged(.foreign(message: "")) ),
        Case(label: "uid tag of another resource, TaggedOnly", snapshot: changed { $0.tags[OwnershipTags.uid] = "uid-2" },
             adoptionPolicy: .taggedOnly, expected: .ownershipChanged(.adoptable(previousUid: "uid-2"))),
        Case(label: "adopted role at its own path", snapshot: changed {
            $0.path = "/legacy/"
            $0.arn = "arn:aws:iam::123456789012:role/legacy/prod.production.my-app"
            $0.tags[RoleAdoption.adoptedTag] = "true"
        }, expected: .inSync),
        Case(label: "not in the snapshot", snapshot: .absent, expected: .undecidable(.missingFromSnapshot)),
        Case(label: "unreadable document", snapshot: .unreadable("trust policy: bad JSON"), expected: .undecidable(.unreadable("trust policy: bad JSON"))),
        Case(label: "in sync, but the operator observed it since the snapshot began", snapshot: .present(converged),
             changedSinceSnapshotBegan: true, expected: .undecidable(.changedSinceSnapshotBegan)),
        Case(label: "drifted, but the operator wrote it since the snapshot began", snapshot: changed { $0.trustPolicy = RoleGenerators.trustB },
             changedSinceSnapshotBegan: true, expected: .undecidable(.changedSinceSnapshotBegan)),
    ]

    @Test(arguments: cases)
    func verdict(_ example: Case) {
        let verdict = BulkDriftCheck.verdict(
            desired: Self.desired, owner: Self.owner, snapshot: example.snapshot, changedSinceSnapshotBegan: example.changedSinceSnapshotBegan,
            adoptionPolicy: example.adoptionPolicy, adoptableRoleNames: [])
        switch (verdict, example.expected) {
        case (.ownershipChanged(.foreign), .ownershipChanged(.foreign)):
            break  // the message is OwnershipCheck's
        default:
            #expect(verdict == example.expected)
        }
        #expect(verdict.needsFullObservation == (example.expected != .inSync))
    }

    @Test func metricLabels() {
        #expect(DriftVerdict.inSync.metricLabel == nil)
        #expect(DriftVerdict.drifted(RoleDiff()).metricLabel == "drifted")
        #expect(DriftVerdict.ownershipChanged(.absent).metricLabel == "drifted")
        #expect(DriftVerdict.undecidable(.missingFromSnapshot).metricLabel == "undecidable")
    }
}
