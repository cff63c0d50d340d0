import Foundation
import Testing
@testable import KubeTestServer

/// `kubectl explain` reads the CRD's descriptions through the server's OpenAPI v3 documents,
/// and every field of the shipped CRD's spec and status has one to print.
@Suite struct KubectlExplainTests {
    /// Collapses kubectl's line wrapping and indentation.
    static func words(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }

    static func description(at path: [String], in crd: JSONValue) throws -> String {
        var schema = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
        for name in path { schema = try #require(schema[path: ["properties", name]]) }
        return try #require(schema["description"]?.stringValue)
    }

    @Test func explainPrintsTheCRDsDescriptions() async throws {
        let crd = try CRDValidationRuleTests.repositoryCRDValue()
        try await ServerFixture.with { fixture in
            let applied = try await fixture.kubectl(["apply", "-f", CRDValidationRuleTests.repositoryCRD])
            try #require(applied.status == 0, "\(applied.description)")
            _ = try await fixture.kubectl(["wait", "--for=condition=Established", "crd/workloadawsaccesses.trustline.dev", "--timeout=20s"])

            let field = try await fixture.kubectl(["explain", "workloadawsaccess.spec.deletionPolicy"])
            #expect(field.status == 0, "\(field.description)")
            #expect(field.stdout.contains("GROUP:      trustline.dev"), "\(field.stdout)")
            #expect(field.stdout.contains("KIND:       WorkloadAwsAccess"))
            #expect(field.stdout.contains("VERSION:    v1alpha1"))
            #expect(field.stdout.contains("FIELD: deletionPolicy <string>"), "\(field.stdout)")
            #expect(field.stdout.contains("ENUM:\n    Delete\n    Retain"), "\(field.stdout)")
            let expected = Self.words(try Self.description(at: ["spec", "deletionPolicy"], in: crd))
            #expect(Self.words(field.stdout).contains("DESCRIPTION: " + expected), "\(field.stdout)")

            let spec = try await fixture.kubectl(["explain", "awsaccess.spec"])
            #expect(spec.status == 0, "\(spec.description)")
            #expect(spec.stdout.contains("FIELD: spec <Object>"), "\(spec.stdout)")
            #expect(Self.words(spec.stdout).contains(Self.words(try Self.description(at: ["spec"], in: crd))))
            for name in ["serviceAccount\t<Object>", "role\t<Object>", "audience\t<string>", "inlinePolicies\t<[]Object>",
                         "managedPolicyArns\t<[]string>", "stsRegionalEndpoints\t<boolean>", "tokenExpirationSeconds\t<integer>",
                         "deletionPolicy\t<string>"] {
                #expect(spec.stdout.contains("  " + name), "\(name) in \(spec.stdout)")
            }
            #expect(!spec.stdout.contains("<no description>"), "\(spec.stdout)")

            let conditions = try await fixture.kubectl(["explain", "workloadawsaccess.status.conditions.type"])
            #expect(conditions.status == 0, "\(conditions.description)")
            #expect(Self.words(conditions.stdout).contains("Reconciling or Stalled"), "\(conditions.stdout)")

            let metadata = try await fixture.kubectl(["explain", "workloadawsaccess.metadata.name"])
            #expect(metadata.status == 0, "\(metadata.description)")
            #expect(metadata.stdout.contains("FIELD: name <string>"), "\(metadata.stdout)")

            let missing = try await fixture.kubectl(["explain", "workloadawsaccess.spec.nonsense"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("field \"nonsense\" does not exist"), "\(missing.description)")
        }
    }

    /// Every property under spec and status, at any depth, has a description.
    @Test func everySpecAndStatusFieldIsDescribed() throws {
        let crd = try CRDValidationRuleTests.repositoryCRDValue()
        let root = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
        var missing: [String] = []
        var seen: Set<String> = []
        func walk(_ schema: JSONValue, path: String) {
            for (name, property) in schema["properties"]?.objectValue ?? [:] {
                let fieldPath = "\(path).\(name)"
                seen.insert(fieldPath)
                if (property["description"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    missing.append(fieldPath)
                }
                walk(property, path: fieldPath)
            }
            if let items = schema["items"] { walk(items, path: path + "[]") }
            if let additional = schema["additionalProperties"], additional.objectValue != nil { walk(additional, path: path + "{}") }
        }
        for top in ["spec", "status"] {
            let schema = try #require(root[path: ["properties", top]])
            if schema["description"]?.stringValue == nil { missing.append(top) }
            walk(schema, path: top)
        }
        // The walk reaches list items and nested objects.
        #expect(seen.isSuperset(of: ["spec.role.tags", "spec.inlinePolicies[].document", "status.conditions[].lastTransitionTime", "status.observedGeneration"]))
        #expect(missing.isEmpty, "fields without a description: \(missing.sorted())")
    }
}
