import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

/// For random drift applied to random converged roles, the bulk verdict on what a snapshot shows
/// equals the per-role path's verdict on the full observation: drift or not, and the same
/// differences, except description and maximum session duration, which a snapshot does not carry.
@Suite struct BulkDriftPropertyTests {
    /// One change made behind the operator's back; some change nothing IAM would call different.
    static let drifts: [@Sendable (inout ObservedRole, inout any SeededRandomNumberGenerator) -> Void] = [
        { role, _ in role.trustPolicy = RoleGenerators.trustB },
        { role, rng in role.trustPolicy = PolicyGenerators.rewrite(role.trustPolicy, &rng) },
        { role, rng in role.inlinePolicies["z"] = RoleGenerators.document(Int.random(in: 0...2, using: &rng)) },
        { role, rng in if let name = role.inlinePolicies.keys.sorted().randomElement(using: &rng) { role.inlinePolicies[name] = nil } },
        { role, rng in if let name = role.inlinePolicies.keys.sorted().randomElement(using: &rng) { role.inlinePolicies[name] = RoleGenerators.document(Int.random(in: 0...3, using: &rng)) } },
        { role, rng in if let name = role.inlinePolicies.keys.sorted().randomElement(using: &rng), let document = role.inlinePolicies[name] { role.inlinePolicies[name] = PolicyGenerators.rewrite(document, &rng) } },
        { role, _ in role.attachedManagedPolicyArns.insert("arn:aws:iam::aws:policy/AdministratorAccess") },
        { role, rng in if let arn = role.attachedManagedPolicyArns.sorted().randomElement(using: &rng) { role.attachedManagedPolicyArns.remove(arn) } },
        { role, rng in role.tags["extra"] = RoleGenerators.pick(["x", "y"], &rng) },
        { role, rng in if let key = role.tags.keys.filter({ !$0.hasPrefix("trustline.dev/") }).sorted().randomElement(using: &rng) { role.tags[key] = nil } },
        { role, rng in if let key = role.tags.keys.filter({ !$0.hasPrefix("trustline.dev/") }).sorted().randomElement(using: &rng) { role.tags[key] = "changed" } },
        { role, rng in if let key = role.tags.keys.filter({ !$0.hasPrefix("trustline.dev/") }).sorted().randomElement(using: &rng), let value = role.tags.removeValue(forKey: key) { role.tags[key.uppercased()] = value } },
        { role, rng in role.permissionsBoundaryArn = RoleGenerators.pick([nil, "arn:aws:iam::123456789012:policy/b9"], &rng) },
        { role, _ in role.description = "edited by hand" },
        { role, _ in role.maxSessionDuration = 43200 },
        { role, rng in role.tags[OwnershipTags.uid] = RoleGenerators.pick(["uid-1", "uid-2", "uid-3"], &rng) },
    ]

    struct Example: Sendable {
        var desired: DesiredRole
        var drifted: ObservedRole
    }

    static let examples = Generator<Example, Shrink.None<Example>> { rng in
        let desired = RoleGenerators.desired(&rng)
        var role = ObservedRole(
            name: desired.name, path: desired.path, arn: desired.arn, description: desired.description.isEmpty ? nil : desired.description,
            maxSessionDuration: desired.maxSessionDuration, permissionsBoundaryArn: desired.permissionsBoundaryArn,
            trustPolicy: desired.trustPolicy, inlinePolicies: desired.inlinePolicies, attachedManagedPolicyArns: desired.managedPolicyArns,
            tags: desired.tags)
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            RoleGenerators.pick(drifts, &rng)(&role, &rng)
        }
        return Example(desired: desired, drifted: role)
    }

    @Test func bulkVerdictEqualsThePerRoleVerdict() async {
        await propertyCheck(count: 1000, input: Self.examples) { example in
            let owner = OwnerIdentity(
                clusterName: "prod", namespace: "production", name: "my-app", uid: example.desired.tags[OwnershipTags.uid] ?? "")
            // The per-role path: ownership, then RoleDiff on the full observation.
            let decision = OwnershipCheck.decide(observed: example.drifted, owner: owner, adoptionPolicy: .never)
            let perRole = RoleDiff.compute(desired: example.desired, observed: example.drifted)
            // What a snapshot shows of the same role.
            var snapshot = example.drifted
            snapshot.description = nil
            snapshot.maxSessionDuration = 3600
            let bulk = BulkDriftCheck.verdict(
                desired: example.desired, owner: owner, snapshot: .present(snapshot), changedSinceSnapshotBegan: false,
                adoptionPolicy: .never, adoptableRoleNames: [])

            guard decision == .owned else {
                #expect(bulk == .ownershipChanged(decision))
                return
            }
            let visible = perRole.descriptions.filter { $0 != "description or max session duration" }
            switch bulk {
            case .inSync:
                #expect(visible.isEmpty, "per-role found \(perRole.descriptions)")
            case .drifted(let found):
                #expect(found.descriptions == visible)
                var expected = perRole
                expected.roleAttributesChanged = false
                #expect(found == expected)
            default:
                Issue.record("unexpected verdict \(bulk)")
            }
        }
    }
}
