/// `admission.k8s.io/v1` `AdmissionReview`: what the API server sends a webhook and what the
/// webhook answers. It lives here with the other Kubernetes wire types because both the pure
/// decision (TrustlineCore) and the HTTPS shell that serves it read and write it; the admitted
/// object stays a `JSONValue` so no field of it is lost or reordered on the way.
public struct AdmissionReview: Codable, Sendable, Equatable {
    public static let apiVersion = "admission.k8s.io/v1"
    public static let kind = "AdmissionReview"

    public var apiVersion: String
    public var kind: String
    /// Set in what the API server sends.
    public var request: AdmissionRequest?
    /// Set in what the webhook answers.
    public var response: AdmissionResponse?

    public init(request: AdmissionRequest? = nil, response: AdmissionResponse? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.request = request
        self.response = response
    }
}

/// `AdmissionRequest`: one create, update, delete or connect the API server asks about. Fields a
/// webhook of Trustline does not read (userInfo, oldObject, options) are left out.
public struct AdmissionRequest: Codable, Sendable, Equatable {
    /// Echoed in the response; the API server matches them.
    public var uid: String
    public var kind: GroupVersionKind
    public var resource: GroupVersionResource
    public var subResource: String?
    /// Empty on CREATE when the object has `generateName` only.
    public var name: String?
    public var namespace: String?
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    public var operation: String
    public var object: JSONValue?
    public var dryRun: Bool?

    public init(
        uid: String, kind: GroupVersionKind, resource: GroupVersionResource, subResource: String? = nil, name: String? = nil,
        namespace: String? = nil, operation: String, object: JSONValue? = nil, dryRun: Bool? = nil
    ) {
        self.uid = uid
        self.kind = kind
        self.resource = resource
        self.subResource = subResource
        self.name = name
        self.namespace = namespace
        self.operation = operation
        self.object = object
        self.dryRun = dryRun
    }
}

/// `AdmissionResponse`: the webhook's answer. `patch` is the base64 of the JSON patch text, as
/// Go's `[]byte` travels in JSON; `patchType` is set exactly when `patch` is.
public struct AdmissionResponse: Codable, Sendable, Equatable {
    public static let jsonPatchType = "JSONPatch"

    public var uid: String
    public var allowed: Bool
    public var patchType: String?
    public var patch: String?
    /// Why a request was denied; unset when allowed.
    public var status: Status?
    public var warnings: [String]?

    public init(uid: String, allowed: Bool, patchType: String? = nil, patch: String? = nil, status: Status? = nil, warnings: [String]? = nil) {
        self.uid = uid
        self.allowed = allowed
        self.patchType = patchType
        self.patch = patch
        self.status = status
        self.warnings = warnings
    }
}

/// `metav1.GroupVersionKind` as admission requests carry it (`group` empty for the core group).
public struct GroupVersionKind: Codable, Sendable, Equatable {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }
}

/// `metav1.GroupVersionResource` as admission requests carry it (`resource` is the plural).
public struct GroupVersionResource: Codable, Sendable, Equatable {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }
}
