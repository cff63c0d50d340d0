import KubeModels

// Read helpers TrustlineCore's validation needs on KubeModels' `JSONValue`. Internal and oddly
// named on purpose, so they never clash with members KubeModels may add later.
extension JSONValue {
    /// The members, when this is an object.
    var jsonMembers: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    var jsonElements: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// A short name of the JSON type, for error messages.
    var jsonTypeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}
