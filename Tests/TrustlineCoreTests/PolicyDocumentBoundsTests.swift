import Foundation
import KubeModels
import PropertyBased
import Testing
@testable import TrustlineCore

/// The operator's own nesting and size bounds on policy documents: refused as InvalidSpec naming
/// the field, before any deeper check, and far from anything IAM accepts.
@Suite struct PolicyDocumentBoundsTests {
    static let field = "spec.inlinePolicies[0].document"

    /// A valid policy whose single Condition value sits inside `extra` more arrays: the document
    /// nests 6 + `extra` levels.
    static func nestedPolicy(extra: Int) -> JSONValue {
        var value: JSONValue = .string("vpc-1")
        for _ in 0..<extra { value = .array([value]) }
        return [
            "Version": "2012-10-17",
            "Statement": [["Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": ["StringEquals": ["aws:SourceVpc": .array([value])]]]],
        ]
    }

    /// `levels` nested objects `{"a":{"a":...}}`, the outermost being level 1.
    static func nestedObjects(_ levels: Int) -> JSONValue {
        var value: JSONValue = .object([:])
        for _ in 1..<levels { value = .object(["a": value]) }
        return value
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var levels: Int
        var refused: Bool
        var testDescription: String { "\(levels) levels" }
    }

    @Test(arguments: [
        Case(levels: 1, refused: false), Case(levels: 6, refused: false), Case(levels: 32, refused: false),
        Case(levels: 33, refused: true), Case(levels: 64, refused: true), Case(levels: 508, refused: true),
        Case(levels: 5000, refused: true),
    ])
    func depthBound(_ testCase: Case) {
        let failure = PolicyDocumentBounds.violation(of: Self.nestedObjects(testCase.levels), field: Self.field)
        #expect((failure != nil) == testCase.refused, "\(String(describing: failure))")
        if let failure {
            #expect(failure.reason == .invalidSpec)
            #expect(failure.field == Self.field)
            #expect(failure.message.contains("more than 32 levels") && failure.message.contains("at \(Self.field).a.a"), "\(failure.message)")
        }
    }

    @Test func aValidPolicyAtTheBoundPassesAndOneLevelMoreIsRefusedWithItsPath() throws {
        #expect(Fixtures.failures(Fixtures.withDocument(Self.nestedPolicy(extra: 0))) == [])
        let deepest = Self.nestedPolicy(extra: PolicyDocumentBounds.maxDepth - 6)
        #expect(PolicyDocumentBounds.violation(of: deepest, field: Self.field) == nil)
        let failures = Fixtures.failures(Fixtures.withDocument(Self.nestedPolicy(extra: PolicyDocumentBounds.maxDepth - 5)))
        #expect(failures.count == 1, "the bound is reported alone, nothing below walks the document: \(failures)")
        #expect(failures.first?.field == Self.field)
        #expect(failures.first?.message.contains("at \(Self.field).Statement[0].Condition.StringEquals.aws:SourceVpc[0][0]") == true, "\(failures)")
    }

    static func resourceText(documentDepth depth: Int) -> String {
        let document = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        return #"{"apiVersion":"trustline.dev/v1alpha1","kind":"WorkloadAwsAccess","metadata":{"name":"deep","namespace":"ns"},"spec":{"inlinePolicies":[{"name":"p","document":\#(document)}]}}"#
    }

    /// A resource whose document nests past our bound but within the decoder's decodes, and is
    /// refused by the bound as InvalidSpec on its status.
    @Test func resourceBelowTheDecodingDepthDecodesAndIsInvalidSpec() throws {
        // The document sits 4 levels down (spec, inlinePolicies, [0], document).
        let depth = JSONValue.maximumDecodingDepth - 5
        let resource = try JSONDecoder().decode(WorkloadAwsAccess.self, from: Data(Self.resourceText(documentDepth: depth).utf8))
        let decoded = try #require(resource.spec.inlinePolicies.first?.document)
        let failures = Fixtures.failures(Fixtures.withDocument(decoded))
        #expect(failures.map(\.field) == [Self.field], "\(failures)")
        #expect(failures.first?.reason == .invalidSpec)
    }

    /// The shape the issue reported (~508 levels) no longer decodes: the decoder refuses it at
    /// `JSONValue.maximumDecodingDepth`, naming the field, cheaply, and the operator reports the
    /// object as undecodable (an InvalidSpec Warning event), as it always did past 512 levels.
    @Test func resourceDeeperThanTheDecodingDepthIsRefusedNamingTheField() {
        do {
            _ = try JSONDecoder().decode(WorkloadAwsAccess.self, from: Data(Self.resourceText(documentDepth: 508).utf8))
            Issue.record("a 508-level document decoded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.codingPath.prefix(4).map(\.stringValue) == ["spec", "inlinePolicies", "Index 0", "document"])
            #expect(context.debugDescription.contains("nested more than \(JSONValue.maximumDecodingDepth) levels"))
        } catch {
            Issue.record("unexpected error: \(error)")
        }
    }

    @Test func sizeBound() throws {
        func document(resourceLength: Int) -> JSONValue {
            ["Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "s3:GetObject", "Resource": .string("arn:aws:s3:::" + String(repeating: "b", count: resourceLength))]]]
        }
        let base = CompactJSON.serialize(document(resourceLength: 0)).utf8.count
        let atBound = document(resourceLength: PolicyDocumentBounds.maxBytes - base)
        #expect(CompactJSON.serialize(atBound).utf8.count == PolicyDocumentBounds.maxBytes)
        #expect(PolicyDocumentBounds.violation(of: atBound, field: Self.field) == nil)
        let failure = PolicyDocumentBounds.violation(of: document(resourceLength: PolicyDocumentBounds.maxBytes - base + 1), field: Self.field)
        #expect(failure?.reason == .invalidSpec && failure?.field == Self.field)
        #expect(failure?.message.contains("longer than 16384 bytes") == true, "\(String(describing: failure))")
    }

    /// The size is counted without serialising; it must agree with the serialiser.
    @Test func compactSizeAgreesWithTheSerialiser() async {
        await propertyCheck(count: 300, input: ValidationPropertyTests.documents) { document in
            let size = PolicyDocumentBounds.compactSize(of: document, stoppingAbove: .max)
            #expect(size == CompactJSON.serialize(document).utf8.count, "\(CompactJSON.serialize(document))")
        }
    }

    /// Any nesting: refused exactly when deeper than the bound, and the path names a real field.
    @Test func depthBoundIsExact() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1...80)) { levels in
            let failure = PolicyDocumentBounds.violation(of: Self.nestedObjects(levels), field: Self.field)
            #expect((failure != nil) == (levels > PolicyDocumentBounds.maxDepth))
        }
    }
}
