import Foundation
import Testing
@testable import KubeTestServer

/// CRDs whose `x-kubernetes-validations` rules a real API server refuses are refused here too,
/// with its field paths and texts: rules naming fields of schemaless objects, rules over
/// unbounded lists, schemas whose rules add up past the per-CRD budget. The project's own CRD
/// passes, and the two rules issue 9 removed from it are checked verbatim.
@Suite struct CRDValidationRuleTests {
    static let repositoryCRD = ServerFixture.fixtures.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("crds/workloadawsaccess.yaml").path

    /// The two rules of the CRD as first shipped, verbatim.
    static let statementRule = "has(self.Statement)"
    static let uniquenessRule = "self.all(p, self.filter(q, q.name.lowerAscii() == p.name.lowerAscii()).size() == 1)"

    static let rulesBase = "spec.validation.openAPIV3Schema.properties[spec].properties[inlinePolicies]"
    static let budgetAdvice = "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)"

    static func repositoryCRDValue() throws -> JSONValue {
        try ResourceHandler.parseYAML(Data(contentsOf: URL(fileURLWithPath: repositoryCRD)))
    }

    /// The shipped CRD with the inline-policy list changed by `change`.
    static func crd(_ change: (inout JSONValue) -> Void) throws -> JSONValue {
        var crd = try repositoryCRDValue()
        let path = ["spec", "versions"]
        var versions = crd[path: path]?.arrayValue ?? []
        var list = versions[0][path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "inlinePolicies"]] ?? [:]
        change(&list)
        versions[0][path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "inlinePolicies"]] = list
        crd[path: path] = .array(versions)
        return crd
    }

    static let oldCRD: @Sendable () throws -> JSONValue = {
        try crd { list in
            list["x-kubernetes-validations"] = [["rule": .string(uniquenessRule), "message": "inline policy names must be unique ignoring case"]]
            list[path: ["items", "properties", "document", "x-kubernetes-validations"]] = [["rule": .string(statementRule), "message": "a policy document needs a Statement"]]
        }
    }

    // MARK: Compilation, unit level

    @Test func fieldOfASchemalessObjectIsUndefined() throws {
        let document = try #require(CELDeclType.from(schema: ["type": "object", "x-kubernetes-preserve-unknown-fields": true]))
        let compiled = CRDValidationRules.compile(Self.statementRule, type: document)
        #expect(compiled.error == "compilation failed: ERROR: <input>:1:4: undefined field 'Statement'\n | has(self.Statement)\n | ...^")
        let selection = CRDValidationRules.compile("self.Statement.size() > 0", type: document)
        #expect(selection.error == "compilation failed: ERROR: <input>:1:5: undefined field 'Statement'\n | self.Statement.size() > 0\n | ....^")
    }

    @Test(arguments: [
        ("self.name == 1", "found no matching overload for '_==_' applied to '(string, int)'"),
        ("self.count.startsWith('a')", "found no matching overload for 'startsWith' applied to '(int, string)'"),
        ("self.nmae == 'a'", "undefined field 'nmae'"),
        ("self.name.quantityy() > 1", "undeclared reference to 'quantityy' (in container '')"),
        ("other.name == 'a'", "undeclared reference to 'other' (in container '')"),
    ])
    func typeErrorsAreCompileErrors(rule: String, message: String) throws {
        let type = try #require(CELDeclType.from(schema: ["type": "object", "properties": ["name": ["type": "string"], "count": ["type": "integer"]]]))
        let error = try #require(CRDValidationRules.compile(rule, type: type).error)
        #expect(error.hasPrefix("compilation failed: ERROR: <input>:1:"))
        #expect(error.contains(message), "\(error)")
    }

    @Test func nonBoolRuleIsRefused() throws {
        let type = try #require(CELDeclType.from(schema: ["type": "object", "properties": ["name": ["type": "string"]]]))
        #expect(CRDValidationRules.compile("self.name", type: type).error == "cel expression must evaluate to a bool")
        #expect(CRDValidationRules.compile("self.name == 'x'", type: type).error == nil)
    }

    // MARK: Cost

    /// The numbers behind the budget decisions, with cel-go's model over Kubernetes's sizes.
    @Test func estimatedCosts() throws {
        let crd = try Self.repositoryCRDValue()
        let spec = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema", "properties", "spec"]])
        // The uniqueness rule as shipped: 100 items, names of at most 128 code points (512 bytes).
        let policiesSchema = try #require(spec[path: ["properties", "inlinePolicies"]])
        let policies = try #require(CELDeclType.from(schema: policiesSchema))
        let shipped = CRDValidationRules.compile(Self.uniquenessRule, type: policies)
        #expect(shipped.error == nil)
        // cel-go's model: per (p, q) pair two selects and lowerAscii (2 + ceil(512 * 0.1) each),
        // the comparison (52) and filter's step (13): 173; filter over 100: 17_312, then
        // .size() and == 1: 17_314; all's step adds 3: 100 * 17_317 + 2.
        #expect(shipped.cost == 1_731_702)
        #expect(shipped.cost < CRDValidationRules.perRuleCostLimit)
        // Without maxItems and maxLength it is quadratic in what fits in 3 MiB.
        var unbounded = try #require(spec[path: ["properties", "inlinePolicies"]])
        unbounded["maxItems"] = nil
        unbounded[path: ["items", "properties", "name", "maxLength"]] = nil
        let unboundedType = try #require(CELDeclType.from(schema: unbounded))
        #expect(CRDValidationRules.compile(Self.uniquenessRule, type: unboundedType).cost > 100 * CRDValidationRules.perRuleCostLimit)
        // The tag rules that remain: linear in the 46 keys.
        let tags = try #require(spec[path: ["properties", "role", "properties", "tags"]])
        let tagsType = try #require(CELDeclType.from(schema: tags))
        for rule in tags["x-kubernetes-validations"]?.arrayValue?.compactMap({ $0["rule"]?.stringValue }) ?? [] {
            let compiled = CRDValidationRules.compile(rule, type: tagsType)
            #expect(compiled.error == nil)
            #expect(compiled.cost > 0 && compiled.cost < 1_000, "\(rule): \(compiled.cost)")
        }
    }

    @Test func budgetMessagesUseTheAPIServersFactors() {
        let limit = CRDValidationRules.perRuleCostLimit
        #expect(CRDValidationRules.costMessage("estimated rule cost", cost: limit * 101, limit: limit)
            == "estimated rule cost exceeds budget by factor of more than 100x \(Self.budgetAdvice)")
        #expect(CRDValidationRules.costMessage("estimated rule cost", cost: limit * 5 / 2, limit: limit).contains("factor of 2.5x"))
        #expect(CRDValidationRules.costMessage("estimated rule cost", cost: limit + limit / 4, limit: limit).contains("factor of 1.250000x"))
    }

    // MARK: Through the API

    @Test func shippedCRDIsAccepted() async throws {
        try await ServerFixture.with { fixture in
            let result = try await fixture.curl("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: try Self.repositoryCRDValue())
            #expect(result.status == 201, "\(result.raw)")
        }
    }

    @Test func oldCRDIsRefusedForTheStatementRule() async throws {
        try await ServerFixture.with { fixture in
            let result = try await fixture.curl("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: try Self.oldCRD())
            #expect(result.status == 422, "\(result.raw)")
            #expect(result.body["reason"] == "Invalid")
            let causes = result.body[path: ["details", "causes"]]?.arrayValue ?? []
            let field = Self.rulesBase + ".items.properties[document].x-kubernetes-validations[0].rule"
            let cause = try #require(causes.first { $0["field"]?.stringValue == field }, "\(causes)")
            #expect(cause["reason"] == "FieldValueInvalid")
            #expect(cause["message"]?.stringValue == "Invalid value: apiextensions.ValidationRule{Rule:\"has(self.Statement)\", Message:\"a policy document needs a Statement\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:4: undefined field 'Statement'\n | has(self.Statement)\n | ...^")
            // The uniqueness rule fits the per-rule budget at maxItems 100 (see estimatedCosts).
            #expect(causes.count == 1, "\(causes)")
            #expect(result.body["message"]?.stringValue?.hasPrefix("CustomResourceDefinition.apiextensions.k8s.io \"workloadawsaccesses.trustline.dev\" is invalid: \(field): Invalid value: ") == true)
        }
    }

    @Test func ruleOverAnUnboundedListIsRefused() async throws {
        let crd = try Self.crd { list in
            list["maxItems"] = nil
            list[path: ["items", "properties", "name", "maxLength"]] = nil
            list["x-kubernetes-validations"] = [["rule": .string(Self.uniquenessRule)]]
        }
        try await ServerFixture.with { fixture in
            let result = try await fixture.curl("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd)
            #expect(result.status == 422, "\(result.raw)")
            let causes = result.body[path: ["details", "causes"]]?.arrayValue ?? []
            #expect(causes.contains {
                $0["field"]?.stringValue == Self.rulesBase + ".x-kubernetes-validations[0].rule" && $0["reason"] == "FieldValueForbidden"
                    && $0["message"]?.stringValue == "Forbidden: estimated rule cost exceeds budget by factor of more than 100x \(Self.budgetAdvice)"
            }, "\(causes)")
            #expect(causes.contains {
                $0["field"]?.stringValue == "spec.validation.openAPIV3Schema"
                    && $0["message"]?.stringValue == "Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x \(Self.budgetAdvice)"
            }, "\(causes)")
            let missing = try await fixture.curl("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workloadawsaccesses.trustline.dev")
            #expect(missing.status == 404)
        }
    }

    @Test func cheapRuleUnderAnUnboundedListIsMultipliedByItsCardinality() async throws {
        // Each item's rule is cheap, but unbounded items repeat up to 3 MiB / (26 + 1) times.
        let crd = try Self.crd { list in
            list["maxItems"] = nil
            list[path: ["items", "x-kubernetes-validations"]] = [["rule": "!self.name.lowerAscii().contains('admin')"]]
        }
        try await ServerFixture.with { fixture in
            let result = try await fixture.curl("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: crd)
            #expect(result.status == 422, "\(result.raw)")
            #expect(result.body["message"]?.stringValue?.contains(Self.rulesBase + ".items.x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of") == true, "\(result.raw)")
            // With maxItems back the same rule is fine.
            var bounded = crd
            bounded[path: ["spec", "versions"]] = .array([try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first).settingInlinePoliciesMaxItems(100)])
            let accepted = try await fixture.curl("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: bounded)
            #expect(accepted.status == 201, "\(accepted.raw)")
        }
    }

    @Test func rulesAddingUpPastTheCRDBudgetAreRefused() async throws {
        // 30 rules of about 4M each: each under 10M, together over 100M.
        let crd = try Self.crd { list in
            list["x-kubernetes-validations"] = nil
        }
        var schema = crd
        let rules: [JSONValue] = (0..<30).map { .object(["rule": .string("self.all(s, !s.contains('x\($0)'))")]) }
        schema[path: ["spec", "versions"]] = .array([try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first).settingProperty(
            "notes", ["type": "array", "maxItems": 1000, "items": ["type": "string", "maxLength": 10000], "x-kubernetes-validations": .array(rules)])])
        try await ServerFixture.with { fixture in
            let result = try await fixture.curl("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json: schema)
            #expect(result.status == 422, "\(result.raw)")
            let causes = result.body[path: ["details", "causes"]]?.arrayValue ?? []
            #expect(!causes.contains { $0["message"]?.stringValue?.contains("estimated rule cost exceeds") == true }, "\(causes)")
            #expect(causes.filter { $0["message"] == "Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema" }.count == 4)
            #expect(causes.last?["field"] == "spec.validation.openAPIV3Schema")
            #expect(causes.last?["message"]?.stringValue?.hasPrefix("Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 1.") == true, "\(causes)")
        }
    }

    @Test func kubectlApplyShowsTheRefusal() async throws {
        try await ServerFixture.with { fixture in
            let file = fixture.directory.appendingPathComponent("old-crd.json")
            try Self.oldCRD().serialized().write(to: file)
            let refused = try await fixture.kubectl(["apply", "-f", file.path])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("The CustomResourceDefinition \"workloadawsaccesses.trustline.dev\" is invalid"), "\(refused.description)")
            #expect(refused.stderr.contains(Self.rulesBase + ".items.properties[document].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:\"has(self.Statement)\""), "\(refused.description)")
            #expect(refused.stderr.contains("compilation failed: ERROR: <input>:1:4: undefined field 'Statement'"), "\(refused.description)")
            let accepted = try await fixture.kubectl(["apply", "-f", Self.repositoryCRD])
            #expect(accepted.status == 0, "\(accepted.description)")
        }
    }
}

extension JSONValue {
    /// A CRD version with `spec.inlinePolicies.maxItems` set.
    fileprivate func settingInlinePoliciesMaxItems(_ count: Int64) -> JSONValue {
        var copy = self
        copy[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "inlinePolicies", "maxItems"]] = .int(count)
        return copy
    }

    /// A CRD version with one more property under `spec`.
    fileprivate func settingProperty(_ name: String, _ schema: JSONValue) -> JSONValue {
        var copy = self
        copy[path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", name]] = schema
        return copy
    }
}
