import Foundation
import KubeModels
import TestSupport
import Testing
@testable import TrustlineCore

/// Reads the CRD and the samples of the repository (tests may read files; TrustlineCore may not)
/// through `python3 -c 'yaml → json'`, then checks them against the Swift model and bounds.
@Suite struct ManifestTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every YAML document of `path` as JSON data. Fails loudly when python3 or PyYAML is missing.
    /// python3 runs off the cooperative pool (`Command.run`): parallel suites' servers need it.
    static func yamlDocuments(_ path: URL) async throws -> [Data] {
        let result = try await Command.run(
            "/usr/bin/env",
            ["python3", "-c", "import sys, json, yaml; json.dump([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None], sys.stdout)", path.path])
        guard result.status == 0 else {
            throw ManifestError(message: "python3 with PyYAML is needed to read \(path.path) (pip install pyyaml): \(result.errorText)")
        }
        let data = result.output
        guard case .array(let documents) = try JSONDecoder().decode(JSONValue.self, from: data) else {
            throw ManifestError(message: "unexpected converter output")
        }
        return try documents.map { try JSONEncoder().encode($0) }
    }

    struct ManifestError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func crd() async throws -> JSONValue {
        let documents = try await yamlDocuments(repositoryRoot.appendingPathComponent("crds/workloadawsaccess.yaml"))
        #expect(documents.count == 1)
        return try JSONDecoder().decode(JSONValue.self, from: try #require(documents.first))
    }

    static func value(_ root: JSONValue, _ path: String) -> JSONValue? {
        var current: JSONValue? = root
        for part in path.split(separator: ".") {
            if let index = Int(part), case .array(let items)? = current {
                current = index < items.count ? items[index] : nil
            } else {
                current = current?[String(part)]
            }
        }
        return current
    }

    @Test func crdNamesAndColumns() async throws {
        let crd = try await Self.crd()
        #expect(Self.value(crd, "kind") == "CustomResourceDefinition")
        #expect(Self.value(crd, "apiVersion") == "apiextensions.k8s.io/v1")
        #expect(Self.value(crd, "spec.group") == .string(WorkloadAwsAccess.descriptor.group))
        #expect(Self.value(crd, "spec.names.plural") == .string(WorkloadAwsAccess.descriptor.plural))
        #expect(Self.value(crd, "spec.names.kind") == .string(WorkloadAwsAccess.descriptor.kind))
        #expect(Self.value(crd, "spec.names.shortNames") == ["awsaccess"])
        #expect(Self.value(crd, "spec.names.categories") == ["trustline"])
        #expect(Self.value(crd, "spec.scope") == "Namespaced")
        #expect(Self.value(crd, "spec.versions.0.name") == .string(WorkloadAwsAccess.descriptor.version))
        #expect(Self.value(crd, "spec.versions.0.subresources.status") == .object([:]))
        let columns = try #require(Self.value(crd, "spec.versions.0.additionalPrinterColumns"))
        guard case .array(let items) = columns else { throw ManifestError(message: "no columns") }
        #expect(items.map { $0["name"] } == ["Role ARN", "Service Account", "Ready", "Reason", "Age"])
        #expect(items.map { $0["jsonPath"] } == [
            ".status.roleArn", ".status.serviceAccountName", #".status.conditions[?(@.type=="Ready")].status"#,
            #".status.conditions[?(@.type=="Ready")].reason"#, ".metadata.creationTimestamp",
        ])
    }

    @Test func crdBoundsMatchSwiftValidation() async throws {
        let crd = try await Self.crd()
        let spec = "spec.versions.0.schema.openAPIV3Schema.properties.spec.properties"
        let number: (String) -> Double? = { path in
            if case .number(let value)? = Self.value(crd, "\(spec).\(path)") { return value }
            return nil
        }
        #expect(number("role.properties.maxSessionDurationSeconds.minimum") == Double(SpecLimits.maxSessionDuration.lowerBound))
        #expect(number("role.properties.maxSessionDurationSeconds.maximum") == Double(SpecLimits.maxSessionDuration.upperBound))
        #expect(number("role.properties.maxSessionDurationSeconds.default") == Double(RoleSpec.defaultMaxSessionDurationSeconds))
        #expect(number("tokenExpirationSeconds.minimum") == Double(SpecLimits.tokenExpiration.lowerBound))
        #expect(number("tokenExpirationSeconds.maximum") == Double(SpecLimits.tokenExpiration.upperBound))
        #expect(number("role.properties.name.maxLength") == Double(IAMNames.roleNameMaxLength))
        #expect(number("role.properties.path.maxLength") == Double(IAMNames.pathMaxLength))
        #expect(number("role.properties.description.maxLength") == Double(IAMNames.descriptionMaxLength))
        #expect(number("role.properties.tags.maxProperties") == Double(SpecLimits.maxUserTags))
        #expect(number("role.properties.tags.additionalProperties.maxLength") == Double(IAMNames.tagValueMaxLength))
        #expect(number("audience.minLength") == Double(SpecLimits.audienceLength.lowerBound))
        #expect(number("audience.maxLength") == Double(SpecLimits.audienceLength.upperBound))
        #expect(number("inlinePolicies.maxItems") == Double(SpecLimits.maxInlinePolicies))
        #expect(number("inlinePolicies.items.properties.name.maxLength") == Double(IAMNames.policyNameMaxLength))
        #expect(number("managedPolicyArns.maxItems") == Double(SpecLimits.maxManagedPolicyArns))
        #expect(number("serviceAccount.properties.name.maxLength") == Double(SpecLimits.serviceAccountNameMaxLength))
        #expect(Self.value(crd, "\(spec).audience.default") == .string(WorkloadAwsAccessSpec.defaultAudience))
        #expect(Self.value(crd, "\(spec).serviceAccount.properties.create.default") == true)
        #expect(Self.value(crd, "\(spec).deletionPolicy.default") == .string(DeletionPolicy.delete.rawValue))
        #expect(Self.value(crd, "\(spec).deletionPolicy.enum") == .array(DeletionPolicy.allowed.map { .string($0.rawValue) }))
        // The trust policy is never a field.
        guard case .object(let fields)? = Self.value(crd, spec) else { throw ManifestError(message: "no spec properties") }
        #expect(Set(fields.keys) == ["serviceAccount", "role", "audience", "inlinePolicies", "managedPolicyArns", "stsRegionalEndpoints", "tokenExpirationSeconds", "deletionPolicy"])
        // CEL rules exist for what the schema cannot say.
        let rules = CompactJSON.serialize(Self.value(crd, "\(spec).role.properties.tags.x-kubernetes-validations") ?? .null)
        #expect(rules.contains("trustline.dev/"))
        #expect(rules.contains("aws:"))
        // Inline policy names are unique by list-map key; names differing only in case are the
        // operator's check (a rule comparing every pair is quadratic, see docs/crd-validation-rules.md).
        #expect(Self.value(crd, "\(spec).inlinePolicies.x-kubernetes-list-type") == "map")
        #expect(Self.value(crd, "\(spec).inlinePolicies.x-kubernetes-list-map-keys") == ["name"])
        #expect(Self.value(crd, "\(spec).inlinePolicies.x-kubernetes-validations") == nil)
    }

    /// The CRD's regular expressions and the Swift checks accept and refuse the same probes.
    @Test func crdPatternsAgreeWithSwiftValidation() async throws {
        let crd = try await Self.crd()
        let spec = "spec.versions.0.schema.openAPIV3Schema.properties.spec.properties"
        func regex(_ path: String) throws -> NSRegularExpression {
            let pattern = try #require(Self.value(crd, "\(spec).\(path)")?.stringValue)
            return try NSRegularExpression(pattern: pattern)
        }
        func matches(_ expression: NSRegularExpression, _ text: String) -> Bool {
            expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let roleName = try regex("role.properties.name.pattern")
        for probe in ["a", "a+b=c,d.e@f_g-h", "a b", "a/b", "ü", "x:y"] {
            #expect(matches(roleName, probe) == IAMNames.isValidRoleName(probe), "\(probe)")
        }
        let path = try regex("role.properties.path.pattern")
        for probe in ["/", "/a/", "/a/b/", "a/", "/a", "/a b/", "/ü/"] {
            #expect(matches(path, probe) == (IAMNames.pathProblem(probe) == nil), "\(probe)")
        }
        let description = try regex("role.properties.description.pattern")
        for probe in ["plain", "tab\there", "é ñ", "emoji 🙂", "\u{7F}"] {
            #expect(matches(description, probe) == (IAMNames.descriptionProblem(probe) == nil), "\(probe)")
        }
        let tagValue = try regex("role.properties.tags.additionalProperties.pattern")
        for probe in ["payments", "Zürich 42", "a,b", "x;y", "_.:/=+-@"] {
            #expect(matches(tagValue, probe) == probe.unicodeScalars.allSatisfy(IAMNames.isTagCharacter), "\(probe)")
        }
        let arn = try regex("managedPolicyArns.items.pattern")
        for probe in ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/team/x", "arn:aws-cn:iam::aws:policy/X", "arn:aws:iam::12345:policy/x", "arn:aws:s3:::b", "arn:aws:iam::aws:role/x"] {
            #expect(matches(arn, probe) == IAMNames.isManagedPolicyArn(probe), "\(probe)")
        }
        let audience = try regex("audience.pattern")
        for probe in ["sts.amazonaws.com", "a b", "x\ty"] {
            #expect(matches(audience, probe) == !probe.contains(where: { $0.isWhitespace }), "\(probe)")
        }
        let serviceAccount = try regex("serviceAccount.properties.name.pattern")
        for probe in ["my-app", "a.b", "My", "-a", "a_b"] {
            #expect(matches(serviceAccount, probe) == KubernetesNames.isSubdomain(probe), "\(probe)")
        }
    }

    @Test func samplesDecodeAndPassValidation() async throws {
        let folder = Self.repositoryRoot.appendingPathComponent("config/samples")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        var resources: [WorkloadAwsAccess] = []
        for file in files {
            for data in try await Self.yamlDocuments(folder.appendingPathComponent(file)) {
                var resource = try JSONDecoder().decode(WorkloadAwsAccess.self, from: data)
                resource.metadata.uid = "sample-uid"
                #expect(Fixtures.failures(resource) == [], "\(file)")
                resources.append(resource)
            }
        }
        #expect(resources.count >= 3)
        #expect(Set(resources.map(\.namespace)).count >= 2)
        #expect(resources.contains { $0.spec.inlinePolicies.isEmpty && !$0.spec.managedPolicyArns.isEmpty })
        let example = try #require(resources.first { $0.namespace == "production" && $0.name == "my-app" })
        var expected = Fixtures.myApp()
        expected.metadata = example.metadata
        expected.spec.role.description = example.spec.role.description
        #expect(example.spec == expected.spec)
        #expect(example.spec.deletionPolicy == .delete)
    }
}
