/// Any JSON value, for bodies the client builds without a Swift type: JSON patch operation
/// values, merge patches of a few fields, and unknown parts of objects.
public enum JSONValue: Codable, Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// How many objects and arrays a decoded value may nest, the outermost container of the whole
    /// document being decoded counting as level 1 (a resource's `spec.inlinePolicies[0].document`
    /// starts at level 5). Why a bound: a Codable decoder finds a value's type by failed probes,
    /// and Foundation's JSON decoder builds each failure's coding path anew, so a value nested d
    /// levels cost about d^3 (a 400-level array, 0.6 s of CPU in a release build, on every watch
    /// event of the resource). 64 is far above what Kubernetes objects and IAM policy documents
    /// use (TrustlineCore's `PolicyDocumentBounds` refuses documents past 32 levels as
    /// InvalidSpec); a deeper value fails to decode, naming its path, as anything past the
    /// decoder's own 512 levels always did.
    public static let maximumDecodingDepth = 64

    /// Strings first, then objects and arrays, then the rest: each probe that fails costs a thrown
    /// error, and a policy document is mostly strings, objects and arrays. This order relies on the
    /// decoder refusing to read a number or a Boolean as a String, as `JSONDecoder` does. Only the
    /// probes are `try?`: an error inside a member or an element propagates with its own path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
            return
        }
        if let value = try? container.decode(String.self) {
            self = .string(value)
            return
        }
        // Only containers nest, so only they pay for the depth check.
        if let object = try? decoder.container(keyedBy: MemberKey.self) {
            try Self.checkDepth(decoder)
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(object.allKeys.count)
            for key in object.allKeys {
                members[key.stringValue] = try object.decode(JSONValue.self, forKey: key)
            }
            self = .object(members)
        } else if var array = try? decoder.unkeyedContainer() {
            try Self.checkDepth(decoder)
            var items: [JSONValue] = []
            if let count = array.count { items.reserveCapacity(count) }
            while !array.isAtEnd {
                items.append(try array.decode(JSONValue.self))
            }
            self = .array(items)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }

    private static func checkDepth(_ decoder: any Decoder) throws {
        let path = decoder.codingPath
        guard path.count < maximumDecodingDepth else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: path,
                debugDescription: "JSON nested more than \(maximumDecodingDepth) levels deep; flatten the value"))
        }
    }

    /// Any member name of a JSON object.
    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 9.0e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The member of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
