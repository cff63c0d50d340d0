extension HTTPRequest {
    /// The token of an `Authorization: Bearer ...` header; setting it replaces any
    /// `Authorization` header, setting `nil` removes it.
    public var bearerToken: String? {
        get {
            guard let value = headers["Authorization"], value.lowercased().hasPrefix("bearer ") else { return nil }
            return String(value.dropFirst("bearer ".count))
        }
        set {
            headers["Authorization"] = newValue.map { "Bearer \($0)" }
        }
    }
}
