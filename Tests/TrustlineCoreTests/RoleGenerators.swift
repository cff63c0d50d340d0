import Foundation
import KubeModels
import PropertyBased
@testable import TrustlineCore

/// Random desired and observed roles drawn from small pools, so they overlap often and differ in
/// every field the planner compares (including semantically-equal rewritings of documents and
/// tag keys differing only in case).
enum RoleGenerators {
    static let trustA: JSONValue = TrustPolicy.document(for: Fixtures.myApp(), context: Fixtures.context)
    static let trustB: JSONValue = ["Version": "2012-10-17", "Statement": ["Effect": "Allow", "Principal": ["Federated": "*"], "Action": "sts:AssumeRoleWithWebIdentity"]]

    static func document(_ index: Int) -> JSONValue {
        ["Version": "2012-10-17", "Statement": ["Effect": "Allow", "Action": .string("s3:Action\(index)"), "Resource": "*"]]
    }

    static func pick<T>(_ items: [T], _ rng: inout any SeededRandomNumberGenerator) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    static func tags(_ rng: inout any SeededRandomNumberGenerator, ownership: Bool) -> [String: String] {
        var tags: [String: String] = [:]
        for key in ["team", "env", "cost"] where Bool.random(using: &rng) {
            let spelled = Bool.random(using: &rng) ? key : key.uppercased()
            tags[spelled] = pick(["a", "b"], &rng)
        }
        if ownership {
            for (key, value) in OwnershipTags.tags(clusterName: "prod", namespace: "production", name: "my-app", uid: pick(["uid-1", "uid-2"], &rng)) {
                tags[key] = value
            }
        }
        return tags
    }

    static func desired(_ rng: inout any SeededRandomNumberGenerator) -> DesiredRole {
        var inline: [String: JSONValue] = [:]
        for name in ["a", "b", "c"] where Bool.random(using: &rng) {
            inline[name] = document(Int.random(in: 0...2, using: &rng))
        }
        let managed = Set((0...3).filter { _ in Bool.random(using: &rng) }.map { "arn:aws:iam::aws:policy/P\($0)" })
        return DesiredRole(
            name: "prod.production.my-app", path: pick(["/trustline/", "/"], &rng), arn: "arn:aws:iam::123456789012:role/x",
            description: pick(["", "app", "other"], &rng), maxSessionDuration: pick([3600, 7200], &rng),
            permissionsBoundaryArn: pick([nil, "arn:aws:iam::123456789012:policy/b1", "arn:aws:iam::123456789012:policy/b2"], &rng),
            trustPolicy: trustA, inlinePolicies: inline, managedPolicyArns: managed, tags: tags(&rng, ownership: true))
    }

    static func observed(_ rng: inout any SeededRandomNumberGenerator) -> ObservedRole? {
        if Int.random(in: 0..<5, using: &rng) == 0 { return nil }
        var inline: [String: JSONValue] = [:]
        for name in ["a", "b", "c", "d"] where Bool.random(using: &rng) {
            // Sometimes the document comes back rewritten (as IAM returns it): same meaning, other shape.
            let base = document(Int.random(in: 0...2, using: &rng))
            inline[name] = Bool.random(using: &rng) ? base : PolicyGenerators.rewrite(base, &rng)
        }
        let managed = Set((0...4).filter { _ in Bool.random(using: &rng) }.map { "arn:aws:iam::aws:policy/P\($0)" })
        return ObservedRole(
            name: "prod.production.my-app", path: pick(["/trustline/", "/trustline/", "/"], &rng), arn: "arn:aws:iam::123456789012:role/x",
            description: pick([nil, "", "app", "old"], &rng), maxSessionDuration: pick([3600, 7200, 43200], &rng),
            permissionsBoundaryArn: pick([nil, "arn:aws:iam::123456789012:policy/b1", "arn:aws:iam::123456789012:policy/b3"], &rng),
            trustPolicy: pick([trustA, trustB, PolicyGenerators.rewrite(trustA, &rng)], &rng),
            inlinePolicies: inline, attachedManagedPolicyArns: managed, tags: tags(&rng, ownership: Bool.random(using: &rng)))
    }

    static let desiredAndObserved = Generator<(DesiredRole, ObservedRole?), Shrink.None<(DesiredRole, ObservedRole?)>> { rng in
        (desired(&rng), observed(&rng))
    }
}
