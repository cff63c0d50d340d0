import Foundation

/// The `components.schemas` of a group-version's OpenAPI v3 document, built as the API server
/// publishes custom resources: each kind's schema under its reversed-group name
/// (`dev.trustline.v1alpha1.WorkloadAwsAccess`) tagged with `x-kubernetes-group-version-kind`,
/// `metadata` as a reference to ObjectMeta, and `apiVersion`/`kind` described. `kubectl explain`
/// finds the kind by that tag and walks the properties, so descriptions written in the CRD are
/// what it prints.
enum OpenAPIComponents {
    static let objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    static let listMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"

    /// `dev.trustline.v1alpha1.WorkloadAwsAccess` for group `trustline.dev`.
    static func name(group: String, version: String, kind: String) -> String {
        let reversed = group.split(separator: ".").reversed().joined(separator: ".")
        return (reversed.isEmpty ? "" : reversed + ".") + "\(version).\(kind)"
    }

    static func schemas(for types: [ResourceType]) -> [String: JSONValue] {
        var schemas: [String: JSONValue] = [:]
        for type in types where type.isCustom {
            guard var schema = type.schema else { continue }
            let gvk: JSONValue = ["group": .string(type.group), "kind": .string(type.kind), "version": .string(type.version)]
            var properties = schema["properties"]?.objectValue ?? [:]
            properties["apiVersion"] = described(properties["apiVersion"], apiVersionDescription)
            properties["kind"] = described(properties["kind"], kindDescription)
            properties["metadata"] = [
                "description": "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                "allOf": [["$ref": .string("#/components/schemas/\(objectMetaName)")]],
            ]
            schema["properties"] = .object(properties)
            schema["x-kubernetes-group-version-kind"] = [gvk]
            let itemName = name(group: type.group, version: type.version, kind: type.kind)
            schemas[itemName] = schema
            let listKind = type.kind + "List"
            schemas[name(group: type.group, version: type.version, kind: listKind)] = [
                "type": "object",
                "description": .string("\(listKind) is a list of \(type.kind)"),
                "required": ["items"],
                "properties": [
                    "apiVersion": ["type": "string", "description": .string(apiVersionDescription)],
                    "kind": ["type": "string", "description": .string(kindDescription)],
                    "items": [
                        "type": "array",
                        "description": .string("List of \(type.plural). More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md"),
                        "items": ["$ref": .string("#/components/schemas/\(itemName)")],
                    ],
                    "metadata": [
                        "description": "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
                        "allOf": [["$ref": .string("#/components/schemas/\(listMetaName)")]],
                    ],
                ],
                "x-kubernetes-group-version-kind": [["group": .string(type.group), "kind": .string(listKind), "version": .string(type.version)]],
            ]
        }
        if !schemas.isEmpty {
            schemas[objectMetaName] = objectMeta
            schemas[listMetaName] = listMeta
        }
        return schemas
    }

    private static func described(_ schema: JSONValue?, _ description: String) -> JSONValue {
        var result = schema ?? ["type": "string"]
        if result["description"] == nil { result["description"] = .string(description) }
        return result
    }

    static let apiVersionDescription = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"
    static let kindDescription = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"

    /// The ObjectMeta fields clients use, each with its Kubernetes description.
    static let objectMeta: JSONValue = [
        "type": "object",
        "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
        "properties": [
            "name": ["type": "string", "description": "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated."],
            "generateName": ["type": "string", "description": "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."],
            "namespace": ["type": "string", "description": "Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the \"default\" namespace. Cannot be updated."],
            "uid": ["type": "string", "description": "UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations."],
            "resourceVersion": ["type": "string", "description": "An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed."],
            "generation": ["type": "integer", "format": "int64", "description": "A sequence number representing a specific generation of the desired state. Populated by the system. Read-only."],
            "creationTimestamp": ["type": "string", "format": "date-time", "description": "CreationTimestamp is a timestamp representing the server time when this object was created."],
            "deletionTimestamp": ["type": "string", "format": "date-time", "description": "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Set by the server when a graceful deletion is requested by the user."],
            "labels": ["type": "object", "additionalProperties": ["type": "string", "default": ""], "description": "Map of string keys and values that can be used to organize and categorize (scope and select) objects."],
            "annotations": ["type": "object", "additionalProperties": ["type": "string", "default": ""], "description": "Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata."],
            "finalizers": ["type": "array", "items": ["type": "string", "default": ""], "x-kubernetes-list-type": "set", "description": "Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list."],
            "ownerReferences": ["type": "array", "items": ["type": "object"], "description": "List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected."],
        ],
    ]

    static let listMeta: JSONValue = [
        "type": "object",
        "description": "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
        "properties": [
            "resourceVersion": ["type": "string", "description": "String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed."],
            "continue": ["type": "string", "description": "continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available."],
        ],
    ]
}
