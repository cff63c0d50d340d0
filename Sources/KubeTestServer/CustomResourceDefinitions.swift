import Foundation

/// Turns `apiextensions.k8s.io/v1` CustomResourceDefinition objects into served kinds: checks
/// the names and the CEL validation rules (compiled and cost-estimated as the API server does), fills the defaults and status the real server writes (NamesAccepted, Established),
/// and derives the resource types with their schema, status subresource and printer columns.
enum CustomResourceDefinitions {
    static func prepare(_ crd: inout JSONValue, existingTypes: [ResourceType]) throws {
        let name = crd.name
        var errors: [FieldError] = []
        let group = crd[path: ["spec", "group"]]?.stringValue ?? ""
        let plural = crd[path: ["spec", "names", "plural"]]?.stringValue ?? ""
        let kind = crd[path: ["spec", "names", "kind"]]?.stringValue ?? ""
        let scope = crd[path: ["spec", "scope"]]?.stringValue ?? ""
        if group.isEmpty { errors.append(.required("spec.group")) }
        if plural.isEmpty { errors.append(.required("spec.names.plural")) }
        if kind.isEmpty { errors.append(.required("spec.names.kind")) }
        if scope != "Namespaced" && scope != "Cluster" {
            errors.append(FieldError(field: "spec.scope", reason: "FieldValueNotSupported",
                                     message: "Unsupported value: \"\(scope)\": supported values: \"Cluster\", \"Namespaced\""))
        }
        if !group.isEmpty && !plural.isEmpty && name != "\(plural).\(group)" {
            errors.append(.invalid("metadata.name", value: .string(name), detail: "must be spec.names.plural+\".\"+spec.group"))
        }
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        if versions.isEmpty { errors.append(.required("spec.versions")) }
        let storageCount = versions.filter { $0["storage"]?.boolValue == true }.count
        if !versions.isEmpty && storageCount != 1 {
            errors.append(.invalid("spec.versions", value: .array(versions.compactMap { $0["name"] }),
                                   detail: "must have exactly one version marked as storage version"))
        }
        for (index, version) in versions.enumerated() where version[path: ["schema", "openAPIV3Schema"]] == nil {
            errors.append(.required("spec.versions[\(index)].schema.openAPIV3Schema"))
        }
        if existingTypes.contains(where: { $0.group == group && $0.plural == plural && !$0.isCustom }) {
            errors.append(.invalid("spec.names.plural", value: .string(plural), detail: "conflicts with a built-in resource"))
        }
        errors.append(contentsOf: CRDValidationRules.errors(for: crd))
        if !errors.isEmpty {
            throw APIError.invalid(kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", name: name, errors: errors)
        }

        var names = crd[path: ["spec", "names"]] ?? [:]
        if names["singular"]?.stringValue?.isEmpty ?? true { names["singular"] = .string(kind.lowercased()) }
        if names["listKind"]?.stringValue?.isEmpty ?? true { names["listKind"] = .string(kind + "List") }
        crd[path: ["spec", "names"]] = names
        if crd[path: ["spec", "conversion"]] == nil { crd[path: ["spec", "conversion"]] = ["strategy": "None"] }

        var status = crd["status"] ?? [:]
        let now = Stamp.now()
        if status["conditions"]?.arrayValue?.isEmpty ?? true {
            status["conditions"] = [
                ["type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found",
                 "lastTransitionTime": .string(now)],
                ["type": "Established", "status": "True", "reason": "InitialNamesAccepted",
                 "message": "the initial names have been accepted", "lastTransitionTime": .string(now)],
            ]
        }
        status["acceptedNames"] = names
        let storageVersions = versions.filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"] }
        var stored = status["storedVersions"]?.arrayValue ?? []
        for version in storageVersions where !stored.contains(version) { stored.append(version) }
        status["storedVersions"] = .array(stored)
        crd["status"] = status
    }

    static func resourceTypes(from crd: JSONValue) -> [ResourceType] {
        let group = crd[path: ["spec", "group"]]?.stringValue ?? ""
        let names = crd[path: ["spec", "names"]] ?? [:]
        let kind = names["kind"]?.stringValue ?? ""
        let plural = names["plural"]?.stringValue ?? ""
        let namespaced = crd[path: ["spec", "scope"]]?.stringValue != "Cluster"
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        return versions.compactMap { version -> ResourceType? in
            guard let versionName = version["name"]?.stringValue, version["served"]?.boolValue != false else { return nil }
            let columns: [PrinterColumn] = (version["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column in
                guard let name = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else { return nil }
                return PrinterColumn(
                    name: name, type: column["type"]?.stringValue ?? "string", format: column["format"]?.stringValue ?? "",
                    description: column["description"]?.stringValue ?? "", priority: Int(column["priority"]?.intValue ?? 0),
                    jsonPath: path)
            }
            return ResourceType(
                group: group, version: versionName, kind: kind, plural: plural,
                singular: names["singular"]?.stringValue ?? kind.lowercased(), namespaced: namespaced,
                shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatusSubresource: version[path: ["subresources", "status"]] != nil,
                isCustom: true, tracksGeneration: true,
                schema: version[path: ["schema", "openAPIV3Schema"]],
                printerColumns: columns)
        }
    }
}
