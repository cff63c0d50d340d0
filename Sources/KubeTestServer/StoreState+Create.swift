import Foundation

extension StoreState {
    /// POST: names, namespaces, system metadata, status clearing and schema admission as the
    /// API server does them; 409 AlreadyExists and 404 for a missing namespace.
    mutating func create(type: ResourceType, namespace: String?, body: JSONValue, dryRun: Bool, strictFields: Bool = false) throws -> JSONValue {
        guard case .object = body else { throw APIError.badRequest("the request body must be a JSON object") }
        var object = body
        try checkKindAndVersion(object, type: type)
        object["kind"] = .string(type.kind)
        object["apiVersion"] = .string(type.apiVersion)
        var metadata = object["metadata"] ?? [:]
        guard let members = metadata.objectValue else { throw APIError.badRequest("metadata must be an object") }
        // Protobuf bodies carry empty optional strings; the API server treats them as unset.
        metadata = .object(members.filter { $0.value != .string("") })

        if metadata["name"]?.stringValue?.isEmpty ?? true {
            guard let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty else {
                throw APIError.invalid(
                    kind: type.kind, group: type.group, name: "",
                    errors: [FieldError(field: "metadata.name", reason: "FieldValueRequired", message: "Required value: name or generateName is required")])
            }
            metadata["name"] = .string(prefix + Self.randomSuffix())
        }
        let name = metadata["name"]?.stringValue ?? ""
        if let error = Self.nameError(name) {
            throw APIError.invalid(kind: type.kind, group: type.group, name: name, errors: [error])
        }
        if type.namespaced {
            guard let namespace, !namespace.isEmpty else {
                throw APIError.badRequest("an empty namespace may not be set during creation")
            }
            if let bodyNamespace = metadata["namespace"]?.stringValue, !bodyNamespace.isEmpty, bodyNamespace != namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = .string(namespace)
            if !namespaceExists(namespace) {
                throw APIError.notFound(plural: "namespaces", group: "", name: namespace)
            }
            if let terminating = self.object(ResourceKey(group: "", plural: "namespaces"), namespace: nil, name: namespace),
                terminating[path: ["metadata", "deletionTimestamp"]] != nil
            {
                throw APIError(
                    code: 403, reason: "Forbidden",
                    message: "\(APIError.qualified(type.plural, type.group)) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                    details: APIError.details(name: name, group: type.group, kind: type.plural))
            }
        } else {
            metadata["namespace"] = nil
        }
        if let version = metadata["resourceVersion"]?.stringValue, !version.isEmpty {
            throw APIError(code: 500, reason: "InternalError", message: "Internal error occurred: resourceVersion should not be set on objects to be created")
        }
        if type.isCustom,
            let definition = self.object(Self.definitionsKey, namespace: nil, name: "\(type.plural).\(type.group)"),
            definition[path: ["metadata", "deletionTimestamp"]] != nil
        {
            throw APIError(code: 405, reason: "MethodNotAllowed", message: "create not allowed while custom resource definition is terminating")
        }
        let storedNamespace = type.namespaced ? namespace : nil
        if self.object(type.key, namespace: storedNamespace, name: name) != nil {
            throw APIError.alreadyExists(plural: type.plural, group: type.group, name: name)
        }

        metadata["uid"] = .string(Stamp.uid())
        metadata["creationTimestamp"] = .string(Stamp.now())
        metadata["deletionTimestamp"] = nil
        metadata["deletionGracePeriodSeconds"] = nil
        metadata["generation"] = (type.isCustom || type.tracksGeneration) ? .int(1) : nil
        object["metadata"] = metadata

        if type.hasStatusSubresource { object["status"] = nil }
        try prepareBuiltInCreate(&object, type: type)
        try admit(&object, type: type, strictFields: strictFields)

        if dryRun { return object }
        object[path: ["metadata", "resourceVersion"]] = .string(String(nextResourceVersion()))
        objects[type.key, default: [:]][Self.storageKey(namespace: storedNamespace, name: name)] = object
        record("ADDED", key: type.key, object: object, previous: nil)
        afterWrite(type: type, object: object)
        return object
    }

    /// Schema defaults, pruning and validation for custom resources; 422 naming each field.
    func admit(_ object: inout JSONValue, type: ResourceType, strictFields: Bool) throws {
        guard type.isCustom, let schema = type.schema else { return }
        var unknownFields: [String] = []
        var errors = SchemaValidator(schema: schema).admit(&object, unknownFields: &unknownFields)
        if strictFields && !unknownFields.isEmpty {
            throw APIError.badRequest(
                "strict decoding error: " + unknownFields.map { "unknown field \"\($0)\"" }.joined(separator: ", "))
        }
        errors.append(contentsOf: CELRules.evaluate(object, schema: schema))
        if !errors.isEmpty {
            throw APIError.invalid(kind: type.kind, group: type.group, name: object.name, errors: errors)
        }
    }

    func checkKindAndVersion(_ object: JSONValue, type: ResourceType) throws {
        if let kind = object["kind"]?.stringValue, !kind.isEmpty, kind != type.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(type.kind))")
        }
        if let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != type.apiVersion {
            throw APIError.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(type.apiVersion))")
        }
    }

    /// Defaults the real server fills in for built-in kinds at create time.
    mutating func prepareBuiltInCreate(_ object: inout JSONValue, type: ResourceType) throws {
        switch type.key.description {
        case "namespaces":
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
            var labels = object[path: ["metadata", "labels"]] ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(object.name)
            object[path: ["metadata", "labels"]] = labels
        case "customresourcedefinitions.apiextensions.k8s.io":
            try CustomResourceDefinitions.prepare(&object, existingTypes: Array(typesByPath.values))
        case "secrets":
            Self.normalizeSecret(&object)
        case "pods":
            PodDefaults.apply(&object)
            let errors = PodValidation.validate(object)
            if !errors.isEmpty { throw APIError.invalid(kind: type.kind, group: type.group, name: object.name, errors: errors) }
        default:
            break
        }
    }

    /// `type` defaults to Opaque and write-only `stringData` is folded into base64 `data`.
    static func normalizeSecret(_ object: inout JSONValue) {
        if object["type"]?.stringValue?.isEmpty ?? true { object["type"] = "Opaque" }
        if let stringData = object["stringData"]?.objectValue {
            var data = object["data"]?.objectValue ?? [:]
            for (key, value) in stringData {
                data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
            }
            object["data"] = .object(data)
            object["stringData"] = nil
        }
    }

    /// Hooks after an object was stored: CRDs start (or stop) serving their kinds.
    mutating func afterWrite(type: ResourceType, object: JSONValue) {
        if type.key.description == "customresourcedefinitions.apiextensions.k8s.io" {
            for servedType in CustomResourceDefinitions.resourceTypes(from: object) {
                register(servedType)
            }
        }
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// RFC 1123 subdomain: what most kinds require of `metadata.name`.
    static func nameError(_ name: String) -> FieldError? {
        let allowed = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
        let edgesOK = name.first.map { $0.isLetter || $0.isNumber } == true && name.last.map { $0.isLetter || $0.isNumber } == true
        if allowed && edgesOK && name.count <= 253 { return nil }
        return .invalid(
            "metadata.name", value: .string(name),
            detail: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    }
}
