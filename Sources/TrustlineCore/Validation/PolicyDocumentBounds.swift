import KubeModels

/// The operator's own bounds on a policy document's shape, checked before anything else walks it.
///
/// Why: the API server stores whatever nesting a user sends (its JSON reader allows 10,000 levels),
/// while the operator's decoder stops at `JSONValue.maximumDecodingDepth` (64) and every later step (validation, canonicalisation,
/// diffing) walks the document recursively. A bound of our own, far below the decoder's and far
/// above what IAM's grammar uses, turns a hostile or mistaken document into a plain `InvalidSpec`
/// naming the field, before any deep walk and with no AWS call.
public enum PolicyDocumentBounds {
    /// Levels of nesting, the document object itself being level 1. The deepest thing IAM's policy
    /// grammar has is Statement list > statement > Condition > operator > key > value list: 6
    /// levels. 32 leaves room for any valid document and stays below the decoder's 64.
    public static let maxDepth = 32
    /// UTF-8 bytes of the compact JSON form. IAM's largest policy document is 10,240 characters
    /// (an inline policy using a role's whole allowance; managed policies stop at 6,144), so a
    /// bound of 16,384 refuses nothing IAM would accept, while keeping hostile input small.
    public static let maxBytes = 16_384

    /// The first bound `document` breaks, as a failure on `field`; nil when it keeps both.
    public static func violation(of document: JSONValue, field: String) -> ValidationFailure? {
        if let path = firstPathDeeper(than: maxDepth, in: document, field: field) {
            return ValidationFailure(.invalidSpec, field: field,
                "the document nests more than \(maxDepth) levels (at \(path)); IAM policy documents need at most 6 (Statement, statement, Condition, operator, key, values): flatten it")
        }
        let size = compactSize(of: document, stoppingAbove: maxBytes)
        if size > maxBytes {
            return ValidationFailure(.invalidSpec, field: field,
                "the document is longer than \(maxBytes) bytes as compact JSON; IAM accepts at most 10240 for all of a role's inline policies: shorten it or use managed policies")
        }
        return nil
    }

    /// The path of the first value nested deeper than `limit` levels. Recursion stops at `limit`,
    /// so the depth of the input never bounds the stack.
    static func firstPathDeeper(than limit: Int, in document: JSONValue, field: String) -> String? {
        func visit(_ value: JSONValue, depth: Int, path: String) -> String? {
            switch value {
            case .array(let items):
                if depth > limit { return path }
                for (index, item) in items.enumerated() {
                    if let found = visit(item, depth: depth + 1, path: "\(path)[\(index)]") { return found }
                }
            case .object(let members):
                if depth > limit { return path }
                for key in members.keys.sorted() {
                    if let member = members[key], let found = visit(member, depth: depth + 1, path: "\(path).\(key)") { return found }
                }
            default:
                break
            }
            return nil
        }
        return visit(document, depth: 1, path: field)
    }

    /// The length of `CompactJSON.serialize(value)`, computed without building it, and given up
    /// once past `limit` (the result is then some number above `limit`).
    static func compactSize(of value: JSONValue, stoppingAbove limit: Int) -> Int {
        var total = 0
        func visit(_ value: JSONValue) {
            guard total <= limit else { return }
            switch value {
            case .array(let items):
                total += 2 + max(0, items.count - 1)
                items.forEach(visit)
            case .object(let members):
                total += 2 + max(0, members.count - 1)
                for (key, member) in members {
                    total += CompactJSON.serialize(.string(key)).utf8.count + 1
                    visit(member)
                }
            default:
                total += CompactJSON.serialize(value).utf8.count
            }
        }
        visit(value)
        return total
    }
}
