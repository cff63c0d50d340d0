import Foundation
import Testing
@testable import KubeTestServer

/// Which webhooks are called: rules, namespace and object selectors, ordering; and the checks on
/// a webhook's answer. Pure.
@Suite struct WebhookMatchingTests {
    static let pods = ResourceType.builtIns.first { $0.plural == "pods" }
    static let namespaces = ResourceType.builtIns[0]

    static func webhook(rules: JSONValue, namespaceSelector: JSONValue = [:], objectSelector: JSONValue = [:]) -> MutatingWebhook {
        MutatingWebhook(
            configuration: "c",
            entry: ["name": "w", "rules": rules, "namespaceSelector": namespaceSelector, "objectSelector": objectSelector])
    }

    static func attributes(_ type: ResourceType, namespaceLabels: [String: String] = [:], objectLabels: [String: String] = [:])
        -> AdmissionAttributes
    {
        AdmissionAttributes(
            operation: "CREATE", type: type, namespace: type.namespaced ? "team" : nil, namespaceLabels: namespaceLabels,
            objectLabels: objectLabels)
    }

    static func rule(operations: JSONValue = ["CREATE"], groups: JSONValue = [""], versions: JSONValue = ["v1"], resources: JSONValue = ["pods"], scope: String? = nil)
        -> JSONValue
    {
        var rule: JSONValue = ["operations": operations, "apiGroups": groups, "apiVersions": versions, "resources": resources]
        if let scope { rule["scope"] = .string(scope) }
        return [rule]
    }

    static let ruleCases: [(String, JSONValue, Bool)] = [
        ("exact rule", rule(), true),
        ("wildcards", rule(operations: ["*"], groups: ["*"], versions: ["*"], resources: ["*"]), true),
        ("*/* covers the main resource", rule(resources: ["*/*"]), true),
        ("pods/* covers only subresources", rule(resources: ["pods/*"]), false),
        ("UPDATE only", rule(operations: ["UPDATE"]), false),
        ("another group", rule(groups: ["apps"]), false),
        ("another version", rule(versions: ["v2"]), false),
        ("another resource", rule(resources: ["services"]), false),
        ("Cluster scope leaves out namespaced pods", rule(scope: "Cluster"), false),
        ("Namespaced scope", rule(scope: "Namespaced"), true),
        ("no rules", [], false),
    ]

    @Test(arguments: ruleCases.indices)
    func rules(_ index: Int) throws {
        let (label, rules, expected) = Self.ruleCases[index]
        let pods = try #require(Self.pods)
        #expect(try WebhookMatching.shouldCall(Self.webhook(rules: rules), Self.attributes(pods)) == expected, "\(label)")
    }

    static let selectorCases: [(String, JSONValue, [String: String], Bool)] = [
        ("empty selector matches everything", [:], [:], true),
        ("matchLabels", ["matchLabels": ["team": "a"]], ["team": "a"], true),
        ("matchLabels mismatch", ["matchLabels": ["team": "a"]], ["team": "b"], false),
        ("NotIn matches an absent label", ["matchExpressions": [["key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system"]]]], [:], true),
        ("NotIn", ["matchExpressions": [["key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system"]]]],
         ["kubernetes.io/metadata.name": "kube-system"], false),
        ("In", ["matchExpressions": [["key": "tier", "operator": "In", "values": ["web", "api"]]]], ["tier": "api"], true),
        ("Exists", ["matchExpressions": [["key": "tier", "operator": "Exists"]]], [:], false),
        ("DoesNotExist", ["matchExpressions": [["key": "tier", "operator": "DoesNotExist"]]], [:], true),
    ]

    @Test(arguments: selectorCases.indices)
    func namespaceAndObjectSelectors(_ index: Int) throws {
        let (label, selector, labels, expected) = Self.selectorCases[index]
        let pods = try #require(Self.pods)
        let byNamespace = Self.webhook(rules: Self.rule(), namespaceSelector: selector)
        #expect(try WebhookMatching.shouldCall(byNamespace, Self.attributes(pods, namespaceLabels: labels)) == expected, "\(label)")
        let byObject = Self.webhook(rules: Self.rule(), objectSelector: selector)
        #expect(try WebhookMatching.shouldCall(byObject, Self.attributes(pods, objectLabels: labels)) == expected, "\(label)")
    }

    @Test func aBadSelectorOperatorIsAnErrorNamingTheWebhook() throws {
        let pods = try #require(Self.pods)
        let webhook = Self.webhook(rules: Self.rule(), namespaceSelector: ["matchExpressions": [["key": "a", "operator": "Has"]]])
        #expect {
            try WebhookMatching.shouldCall(webhook, Self.attributes(pods))
        } throws: { error in
            (error as? APIError)?.message.contains("webhook \"w\" has an invalid namespaceSelector: \"Has\"") == true
        }
    }

    @Test func webhooksRunConfigurationByConfigurationInNameOrder() {
        let configurations: [JSONValue] = [
            ["metadata": ["name": "zeta"], "webhooks": [["name": "z1"]]],
            ["metadata": ["name": "alpha"], "webhooks": [["name": "a2"], ["name": "a1"]]],
        ]
        #expect(MutatingWebhook.all(in: configurations).map(\.name) == ["a2", "a1", "z1"])
        let defaults = MutatingWebhook.all(in: configurations)[0]
        #expect(!defaults.failOpen && !defaults.reinvokeIfNeeded && defaults.timeoutSeconds == 10)
    }

    @Test func answersAreCheckedAsTheAPIServerChecksThem() throws {
        func body(_ response: JSONValue, kind: String = "AdmissionReview") -> Data {
            JSONValue.object(["apiVersion": "admission.k8s.io/v1", "kind": .string(kind), "response": response]).serialized()
        }
        let patch = Data(#"[{"op":"add","path":"/x","value":1}]"#.utf8).base64EncodedString()
        #expect(
            try AdmissionReview.verdict(body: body(["uid": "u", "allowed": true, "patchType": "JSONPatch", "patch": .string(patch)]), uid: "u")
                == .allowed(patch: [["op": "add", "path": "/x", "value": 1]]))
        #expect(try AdmissionReview.verdict(body: body(["uid": "u", "allowed": false]), uid: "u") == .denied(status: [:]))
        #expect(throws: AdmissionReview.InvalidResponse.self) { try AdmissionReview.verdict(body: body(["uid": "v", "allowed": true]), uid: "u") }
        #expect(throws: AdmissionReview.InvalidResponse.self) {
            try AdmissionReview.verdict(body: body(["uid": "u", "allowed": true], kind: "Review"), uid: "u")
        }
        #expect(throws: AdmissionReview.InvalidResponse.self) {
            try AdmissionReview.verdict(body: body(["uid": "u", "allowed": true, "patchType": "MergePatch", "patch": .string(patch)]), uid: "u")
        }
        let denial = AdmissionReview.denial(webhook: "w", status: ["code": 200])
        #expect(denial.code == 400 && denial.message == "admission webhook \"w\" denied the request without explanation")
    }
}
