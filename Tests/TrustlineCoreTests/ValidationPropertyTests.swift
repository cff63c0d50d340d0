import Foundation
import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

@Suite struct ValidationPropertyTests {
    /// Arbitrary JSON up to depth 3, biased towards policy-shaped keys and values.
    static func anyJSON(_ rng: inout any SeededRandomNumberGenerator, depth: Int) -> JSONValue {
        let keys = ["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "Condition", "Sid", "Principal", "x"]
        let strings = ["2012-10-17", "Allow", "Deny", "*", "s3:GetObject", "iam:*", "arn:aws:s3:::b", "", "ü", "\u{4e2d}"]
        switch Int.random(in: 0..<(depth > 0 ? 7 : 4), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(Double(Int.random(in: -5...5, using: &rng)))
        case 3: return .string(PolicyGenerators.pick(strings, &rng))
        case 4, 5:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                members[PolicyGenerators.pick(keys, &rng)] = anyJSON(&rng, depth: depth - 1)
            }
            return .object(members)
        default:
            return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in anyJSON(&rng, depth: depth - 1) })
        }
    }

    static let documents = Generator<JSONValue, Shrink.None<JSONValue>> { rng in anyJSON(&rng, depth: 3) }

    /// Whatever the document, validation returns (never traps), and every failure names a field
    /// inside the document with a message.
    @Test func arbitraryDocumentsGetFieldPathsAndMessages() async {
        await propertyCheck(count: 400, input: Self.documents) { document in
            let failures = Fixtures.failures(Fixtures.withDocument(document))
            for failure in failures {
                #expect(failure.field.hasPrefix("spec.inlinePolicies"), "\(failure)")
                #expect(!failure.message.isEmpty)
            }
            // A document that passes has an Allow-safe shape: canonicalising it is stable.
            if failures.isEmpty {
                #expect(PolicyCanonicalizer.canonical(PolicyCanonicalizer.canonical(document)) == PolicyCanonicalizer.canonical(document))
            }
        }
    }

    static let names = NamingPropertyTests.label

    /// The trust policy names the resource's own namespace and ServiceAccount, nothing else.
    @Test func trustPolicyAlwaysNamesTheOwnNamespace() async {
        await propertyCheck(count: 300, input: Self.names, Self.names, Self.names) { namespace, name, serviceAccount in
            var resource = Fixtures.myApp()
            resource.metadata.namespace = namespace
            resource.metadata.name = name
            resource.spec.serviceAccount.name = serviceAccount
            let document = TrustPolicy.document(for: resource, context: Fixtures.context)
            let sub = document["Statement"]?.jsonElements?.first?["Condition"]?["StringEquals"]?["oidc.example.com/id/ABC:sub"]
            #expect(sub == .string("system:serviceaccount:\(namespace):\(serviceAccount)"))
        }
    }

    @Test func rejectionOutcomeBlocksAtSpec() {
        var resource = Fixtures.myApp()
        resource.spec.tokenExpirationSeconds = 1
        let rejection = SpecRejection(failures: Fixtures.failures(resource))
        #expect(rejection.outcome == .blocked(stage: .spec, reason: .invalidSpec, message: rejection.message))
    }
}
