import Foundation
import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

@Suite struct CanonicalizationTests {
    struct EquivalentCase: Sendable {
        var lhs: String
        var rhs: String
        var equal: Bool
    }

    static let cases: [EquivalentCase] = [
        // Single string and one-element array.
        EquivalentCase(lhs: #"{"Action":"s3:GetObject"}"#, rhs: #"{"Action":["s3:GetObject"]}"#, equal: true),
        // Statement as object and as one-element array.
        EquivalentCase(lhs: #"{"Statement":{"Effect":"Allow"}}"#, rhs: #"{"Statement":[{"Effect":"Allow"}]}"#, equal: true),
        // Value order and statement order.
        EquivalentCase(lhs: #"{"Statement":[{"Sid":"A","Action":["a:x","a:y"]},{"Sid":"B"}]}"#, rhs: #"{"Statement":[{"Sid":"B"},{"Action":["a:y","a:x"],"Sid":"A"}]}"#, equal: true),
        // Whitespace and URL encoding (as GetRolePolicy returns documents).
        EquivalentCase(lhs: #"{"Version":"2012-10-17"}"#, rhs: "%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%0A%7D", equal: true),
        // Condition values: IAM compares them as strings.
        EquivalentCase(lhs: #"{"Condition":{"Bool":{"aws:SecureTransport":true}}}"#, rhs: #"{"Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#, equal: true),
        // Duplicates in a set.
        EquivalentCase(lhs: #"{"Action":["a:x","a:x"]}"#, rhs: #"{"Action":"a:x"}"#, equal: true),
        // Real differences stay different.
        EquivalentCase(lhs: #"{"Action":"s3:GetObject"}"#, rhs: #"{"Action":"s3:PutObject"}"#, equal: false),
        EquivalentCase(lhs: #"{"Effect":"Allow"}"#, rhs: #"{"Effect":"Deny"}"#, equal: false),
        EquivalentCase(lhs: #"{"Action":["a:x","a:y"]}"#, rhs: #"{"Action":"a:x"}"#, equal: false),
        EquivalentCase(lhs: #"{"Condition":{"StringEquals":{"k:sub":"system:serviceaccount:a:b"}}}"#, rhs: #"{"Condition":{"StringEquals":{"k:sub":"*"}}}"#, equal: false),
    ]

    @Test(arguments: cases)
    func equivalence(_ testCase: EquivalentCase) throws {
        let lhs = try PolicyCanonicalizer.canonical(text: testCase.lhs)
        let rhs = try PolicyCanonicalizer.canonical(text: testCase.rhs)
        #expect((lhs == rhs) == testCase.equal)
    }

    @Test func trustPolicyRoundTripsThroughURLEncoding() throws {
        let document = TrustPolicy.document(for: Fixtures.myApp(), context: Fixtures.context)
        let sent = PolicyCanonicalizer.compactText(document)
        let returned = sent.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        #expect(try PolicyCanonicalizer.equivalent(PolicyCanonicalizer.parse(returned), document))
    }

    @Test func compactTextIsDeterministicAndWhitespaceFree() throws {
        let text = PolicyCanonicalizer.compactText(Fixtures.s3Document)
        #expect(text == #"{"Statement":{"Action":["s3:GetObject","s3:ListBucket","s3:PutObject"],"Effect":"Allow","Resource":["arn:aws:s3:::my-bucket","arn:aws:s3:::my-bucket/*"]},"Version":"2012-10-17"}"#)
        #expect(CompactJSON.serialize(["a": "x/y\"\n", "n": 3600, "f": .number(1.5)]) == #"{"a":"x/y\"\n","f":1.5,"n":3600}"#)
    }

    @Test func garbageIsAnError() {
        #expect(throws: PolicyParseError.self) { try PolicyCanonicalizer.parse("not json") }
        #expect(throws: PolicyParseError.self) { try PolicyCanonicalizer.parse("%7Bbroken") }
    }

    @Test func canonicalizationIgnoresOrderFormatAndWrapping() async {
        await propertyCheck(count: 300, input: PolicyGenerators.policyAndRewrite) { pair in
            let (original, rewrittenText) = pair
            let parsed: JSONValue
            do {
                parsed = try PolicyCanonicalizer.parse(rewrittenText)
            } catch {
                Issue.record("rewritten text did not parse: \(error) in \(rewrittenText)")
                return
            }
            #expect(PolicyCanonicalizer.canonical(parsed) == PolicyCanonicalizer.canonical(original))
            #expect(PolicyCanonicalizer.compactText(parsed) == PolicyCanonicalizer.compactText(original))
        }
    }

    @Test func canonicalizationIsIdempotent() async {
        await propertyCheck(count: 300, input: PolicyGenerators.policyAndRewrite) { pair in
            let once = PolicyCanonicalizer.canonical(pair.0)
            #expect(PolicyCanonicalizer.canonical(once) == once)
            let reparsed = try PolicyCanonicalizer.parse(PolicyCanonicalizer.compactText(pair.0))
            #expect(PolicyCanonicalizer.canonical(reparsed) == once)
        }
    }

    @Test func distinctPoliciesStayDistinct() async {
        // Dropping a statement's action list to one element changes the meaning: canonical forms differ.
        await propertyCheck(count: 200, input: PolicyGenerators.policyAndRewrite) { pair in
            var changed = pair.0
            if case .object(var members) = changed {
                members["Version"] = "2008-10-17"
                changed = .object(members)
            }
            #expect(!PolicyCanonicalizer.equivalent(changed, pair.0))
        }
    }
}
