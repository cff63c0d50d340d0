import Foundation

/// Legacy (non-aggregated) discovery and the OpenAPI documents kubectl needs: the
/// aggregated-discovery Accept is answered with plain JSON, which client-go treats as "fall back
/// to legacy"; OpenAPI v3 advertises `fieldValidation` on PATCH for every kind, so kubectl
/// leaves validation to the server, and carries the custom kinds' schemas (`OpenAPIComponents`)
/// so `kubectl explain` works.
enum Discovery {
    static let kubernetesMinor = "32"

    static func version() -> JSONValue {
        [
            "major": "1", "minor": .string(kubernetesMinor), "gitVersion": .string("v1.\(kubernetesMinor).0-trustline"),
            "gitCommit": "0000000000000000000000000000000000000000", "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.23.0", "compiler": "gc", "platform": "linux/amd64",
        ]
    }

    static func coreVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    /// Groups and their versions, sorted by group name; the core group is not listed here.
    static func groupVersions(_ types: [ResourceType]) -> [(group: String, versions: [String])] {
        var byGroup: [String: Set<String>] = [:]
        for type in types where !type.group.isEmpty { byGroup[type.group, default: []].insert(type.version) }
        return byGroup.keys.sorted().map { group in
            (group, byGroup[group, default: []].sorted { versionPriority($0) > versionPriority($1) })
        }
    }

    /// Kubernetes version ordering, roughly: GA > beta > alpha, higher numbers first.
    static func versionPriority(_ version: String) -> Int {
        let digits = version.dropFirst().prefix { $0.isNumber }
        let major = Int(digits) ?? 0
        let stage = version.contains("alpha") ? 0 : version.contains("beta") ? 1 : 2
        return stage * 1000 + major
    }

    static func group(_ name: String, versions: [String]) -> JSONValue {
        let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return ["name": .string(name), "versions": .array(entries), "preferredVersion": entries.first ?? .null]
    }

    static func groupList(_ types: [ResourceType]) -> JSONValue {
        [
            "kind": "APIGroupList", "apiVersion": "v1",
            "groups": .array(groupVersions(types).map { group($0.group, versions: $0.versions) }),
        ]
    }

    static func resourceList(group: String, version: String, types: [ResourceType]) -> JSONValue {
        var resources: [JSONValue] = []
        for type in types.filter({ $0.group == group && $0.version == version }).sorted(by: { $0.plural < $1.plural }) {
            var entry: JSONValue = [
                "name": .string(type.plural), "singularName": .string(type.singular),
                "namespaced": .bool(type.namespaced), "kind": .string(type.kind),
                "verbs": .array(type.verbs.map { .string($0) }),
                "storageVersionHash": .string(Base64URL.encode(Data(type.key.description.utf8)).prefix(11).description),
            ]
            if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map { .string($0) }) }
            if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map { .string($0) }) }
            resources.append(entry)
            if type.hasStatusSubresource {
                resources.append([
                    "name": .string("\(type.plural)/status"), "singularName": "", "namespaced": .bool(type.namespaced),
                    "kind": .string(type.kind), "verbs": ["get", "patch", "update"],
                ])
            }
            for subresource in type.extraSubresources {
                resources.append([
                    "name": .string("\(type.plural)/\(subresource.name)"), "singularName": "",
                    "namespaced": .bool(type.namespaced), "group": .string(subresource.group),
                    "version": .string(subresource.version), "kind": .string(subresource.kind),
                    "verbs": .array(subresource.verbs.map { .string($0) }),
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
            "resources": .array(resources),
        ]
    }

    // MARK: OpenAPI

    static func openAPIV3Root(_ types: [ResourceType]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        var seen = Set<String>()
        for type in types {
            let key = type.group.isEmpty ? "api/\(type.version)" : "apis/\(type.group)/\(type.version)"
            guard seen.insert(key).inserted else { continue }
            let document = openAPIV3Document(group: type.group, version: type.version, types: types)
            let hash = contentHash(document.serialized())
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash)")]
        }
        return ["paths": .object(paths)]
    }

    /// FNV-1a of the document, in hex: it changes when the document does (a CRD's schema), so
    /// clients that cache by URL fetch the new one.
    static func contentHash(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(format: "%016llX", hash)
    }

    /// One operation per kind: a PATCH on the item path carrying the GVK extension and the
    /// `fieldValidation` query parameter (what kubectl's query-param verifier looks for).
    static func openAPIV3Document(group: String, version: String, types: [ResourceType]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for type in types where type.group == group && type.version == version {
            let itemPath = type.namespaced
                ? "\(type.pathPrefix)/namespaces/{namespace}/\(type.plural)/{name}"
                : "\(type.pathPrefix)/\(type.plural)/{name}"
            let gvk: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(type.kind)]
            let parameters: JSONValue = [
                ["name": "fieldValidation", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
                ["name": "fieldManager", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
                ["name": "dryRun", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
            ]
            paths[itemPath] = [
                "patch": [
                    "operationId": .string("patch\(type.kind)"),
                    "parameters": parameters,
                    "requestBody": [
                        "content": [
                            "application/json-patch+json": ["schema": ["type": "object"]],
                            "application/merge-patch+json": ["schema": ["type": "object"]],
                            "application/apply-patch+yaml": ["schema": ["type": "object"]],
                        ],
                    ],
                    "responses": ["200": ["description": "OK"]],
                    "x-kubernetes-action": "patch",
                    "x-kubernetes-group-version-kind": gvk,
                ],
            ]
        }
        return [
            "openapi": "3.0.0",
            "info": ["title": "Kubernetes", "version": .string("v1.\(kubernetesMinor).0")],
            "paths": .object(paths),
            "components": ["schemas": .object(OpenAPIComponents.schemas(for: types.filter { $0.group == group && $0.version == version }))],
        ]
    }

    static func openAPIV2JSON() -> JSONValue {
        ["swagger": "2.0", "info": ["title": "Kubernetes", "version": .string("v1.\(kubernetesMinor).0")], "paths": [:], "definitions": [:]]
    }
}
