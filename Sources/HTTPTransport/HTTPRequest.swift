import Foundation

/// One HTTP request as the transport sends it. Plain data, so the pure layers (the SigV4
/// signer, the Kubernetes client) can build and inspect requests without touching libcurl.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    /// Header fields in order; names compare case-insensitively (see `HTTPHeaders`).
    public var headers: HTTPHeaders
    public var body: Data
    /// Whole-transfer timeout. `nil` means none (long-lived watches); connect timeout still applies.
    public var timeout: Duration?

    public init(
        method: String = "GET",
        url: URL,
        headers: HTTPHeaders = HTTPHeaders(),
        body: Data = Data(),
        timeout: Duration? = .seconds(30)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// Ordered, case-insensitive header list. Kept ordered because SigV4 and tests care about
/// exact bytes; duplicates are allowed as HTTP allows them.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)]

    public init() { fields = [] }
    public init(_ fields: [(String, String)]) { self.fields = fields.map { (name: $0.0, value: $0.1) } }
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// First value of the named header, case-insensitively.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
        set {
            fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
