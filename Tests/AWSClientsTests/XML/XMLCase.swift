import Testing

/// One row of an XML decoding table: a labelled body and what decoding it must give (a tree, or
/// the exact error).
struct XMLCase<Expected: Sendable>: Sendable, CustomTestStringConvertible {
    let label: String
    let body: [UInt8]
    let expected: Expected
    var testDescription: String { label }

    init(_ label: String, _ body: String, _ expected: Expected) {
        self.init(label, Array(body.utf8), expected)
    }

    init(_ label: String, _ body: [UInt8], _ expected: Expected) {
        self.label = label
        self.body = body
        self.expected = expected
    }
}
