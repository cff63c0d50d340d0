import Foundation

/// Compiles one `x-kubernetes-validations` rule against the schema node it sits on, as the API
/// server does when a CRD is written: every field selection is checked against the declared
/// properties (a field of an object with no declared properties is "undefined field", as in
/// cel-go), operand types are checked where the subset allows, the rule must be a bool, and the
/// worst-case cost is estimated with cel-go's cost model over the schema's size bounds (see
/// `CELCost`). Functions outside the supported subset that the API server's CEL library has are
/// given an O(n) cost in their receiver's size; unknown functions are compile errors.
struct CELRuleChecker {
    struct CompileError: Sendable, Equatable {
        var offset: Int
        var message: String
    }

    /// What the checker learns about one sub-expression.
    struct Node {
        var type: CELDeclType
        /// Largest size (string bytes, list items, map entries); nil when unknown.
        var size: UInt64?
        var cost: UInt64
    }

    let root: CELDeclType
    private(set) var errors: [CompileError] = []
    private var variables: [String: (type: CELDeclType, size: UInt64?)] = [:]

    init(root: CELDeclType) {
        self.root = root
    }

    /// Names the API server's CEL environment declares beyond this subset (Kubernetes and
    /// cel-go extension libraries); a rule using them compiles there, so it compiles here.
    static let libraryFunctions: Set<String> = [
        "charAt", "indexOf", "lastIndexOf", "join", "split", "replace", "substring", "format", "quote", "reverse",
        "isSorted", "sum", "min", "max", "url", "isURL", "getScheme", "getHost", "getHostname", "getPort",
        "getEscapedPath", "getQuery", "ip", "isIP", "cidr", "isCIDR", "quantity", "isQuantity", "duration",
        "timestamp", "double", "uint", "bytes", "type", "dyn", "optional", "hasValue", "value", "orValue",
        "semver", "isSemver", "find", "findAll", "exists_one", "sets", "ext", "base64", "getMilliseconds",
        "getSeconds", "getMinutes", "getHours", "getDayOfWeek", "getDayOfMonth", "getDayOfYear", "getMonth",
        "getFullYear", "all", "contains", "startsWith", "endsWith", "matches", "size", "lowerAscii",
        "upperAscii", "trim", "int", "string", "has", "filter", "map", "exists", "containsIP", "containsCIDR",
        "ip.isCanonical", "isCanonical", "family", "isLoopback", "isUnspecified", "prefixLength", "masked",
        "isGreaterThan", "isLessThan", "compareTo", "add", "sub", "asInteger", "asApproximateFloat", "sign",
    ]

    /// Checks `expression`; returns its type and cost, and records compile errors.
    mutating func check(_ expression: CELExpression) -> Node {
        variables = ["self": (root, sizeOf(root)), "oldSelf": (root, sizeOf(root))]
        return node(expression)
    }

    private func sizeOf(_ type: CELDeclType) -> UInt64? {
        switch type.kind {
        case .string, .bytes, .list, .map, .dyn: return type.maxElements
        case .object: return nil
        default: return 1
        }
    }

    /// cel-go's fallback: scalars have size 1, anything else of unknown size is unbounded.
    private func size(_ node: Node) -> UInt64 {
        if let size = node.size { return size }
        return node.type.isScalar ? 1 : UInt64.max
    }

    private mutating func fail(_ offset: Int, _ message: String) -> Node {
        errors.append(CompileError(offset: offset, message: message))
        return Node(type: .dyn, size: nil, cost: 0)
    }

    private mutating func noOverload(_ function: String, _ operands: [Node], at offset: Int) -> Node {
        let types = operands.map(\.type.description).joined(separator: ", ")
        return fail(offset, "found no matching overload for '\(function)' applied to '(\(types))'")
    }

    // MARK: Expressions

    private mutating func node(_ expression: CELExpression) -> Node {
        switch expression {
        case .literal(let value):
            switch value {
            case .string(let text): return Node(type: .string, size: UInt64(text.count), cost: 0)
            case .int: return Node(type: .int, size: 1, cost: 0)
            case .double: return Node(type: .double, size: 1, cost: 0)
            case .bool: return Node(type: .bool, size: 1, cost: 0)
            default: return Node(type: .null, size: 1, cost: 0)
            }
        case .identifier(let name, let offset):
            guard let variable = variables[name] else { return fail(offset, "undeclared reference to '\(name)' (in container '')") }
            return Node(type: variable.type, size: variable.size, cost: 1)
        case .list(let items, _):
            var elements: [Node] = []
            for item in items { elements.append(node(item)) }
            let elementType = elements.first?.type ?? .dyn
            return Node(type: .list(elementType, maxItems: UInt64(items.count)), size: UInt64(items.count),
                        cost: CELCost.sum(elements.map(\.cost)) &+| CELCost.listCreate)
        case .member(let base, let field, let offset):
            return select(node(base), field: field, at: offset)
        case .index(let base, let key, let offset):
            return index(node(base), node(key), at: offset)
        case .unary(let op, let operand, let offset):
            let value = node(operand)
            let function = op == "!" ? "!_" : "-_"
            switch (op, value.type.kind) {
            case ("!", .bool), ("!", .dyn), ("-", .int), ("-", .double), ("-", .dyn):
                return Node(type: value.type, size: 1, cost: value.cost &+| 1)
            default:
                return noOverload(function, [value], at: offset)
            }
        case .conditional(let condition, let then, let otherwise, let offset):
            let test = node(condition)
            let yes = node(then)
            let no = node(otherwise)
            if !(test.type.isDyn || isBool(test.type)) { return noOverload("_?_:_", [test, yes, no], at: offset) }
            return Node(type: yes.type, size: max(size(yes), size(no)), cost: test.cost &+| max(yes.cost, no.cost))
        case .binary(let op, let lhs, let rhs, let offset):
            return binary(op, node(lhs), node(rhs), at: offset)
        case .call(let target, let name, let arguments, let offset):
            return call(target: target, name: name, arguments: arguments, at: offset)
        }
    }

    private func isBool(_ type: CELDeclType) -> Bool { if case .bool = type.kind { return true } else { return false } }

    private mutating func select(_ base: Node, field: String, at offset: Int) -> Node {
        switch base.type.kind {
        case .object(let fields):
            guard let type = fields[field] else { return fail(offset, "undefined field '\(field)'") }
            return Node(type: type, size: sizeOf(type), cost: base.cost &+| 1)
        case .map(_, let value):
            // The API server finds no size for a map entry reached by field selection.
            return Node(type: value, size: value.isScalar ? 1 : nil, cost: base.cost &+| 1)
        case .dyn:
            return Node(type: .dyn, size: nil, cost: base.cost &+| 1)
        default:
            return fail(offset, "type '\(base.type)' does not support field selection")
        }
    }

    private mutating func index(_ base: Node, _ key: Node, at offset: Int) -> Node {
        let cost = base.cost &+| key.cost &+| 1
        switch (base.type.kind, key.type.kind) {
        case (.list(let element), .int), (.list(let element), .dyn):
            return Node(type: element, size: sizeOf(element), cost: cost)
        case (.map(_, let value), .string), (.map(_, let value), .dyn):
            return Node(type: value, size: sizeOf(value), cost: cost)
        case (.dyn, _):
            return Node(type: .dyn, size: nil, cost: cost)
        default:
            return noOverload("_[_]", [base, key], at: offset)
        }
    }

    private mutating func binary(_ op: String, _ left: Node, _ right: Node, at offset: Int) -> Node {
        let arguments = left.cost &+| right.cost
        let function = op == "in" ? "@in" : "_\(op)_"
        switch op {
        case "&&", "||":
            guard (isBool(left.type) || left.type.isDyn) && (isBool(right.type) || right.type.isDyn) else {
                return noOverload(function, [left, right], at: offset)
            }
            return Node(type: .bool, size: 1, cost: arguments)
        case "==", "!=", "<", "<=", ">", ">=":
            guard comparable(left.type, right.type, ordered: op != "==" && op != "!=") else {
                return noOverload(function, [left, right], at: offset)
            }
            let smallest = min(size(left), size(right))
            return Node(type: .bool, size: 1, cost: CELCost.factor(smallest, CELCost.stringTraversal) &+| arguments)
        case "in":
            switch right.type.kind {
            case .list: return Node(type: .bool, size: 1, cost: size(right) &+| arguments)
            case .map, .dyn: return Node(type: .bool, size: 1, cost: 1 &+| arguments)
            default: return noOverload(function, [left, right], at: offset)
            }
        case "+":
            switch (left.type.kind, right.type.kind) {
            case (.string, .string):
                let total = size(left) &+| size(right)
                return Node(type: .string, size: total, cost: CELCost.factor(total, CELCost.stringTraversal) &+| arguments)
            case (.list, .list):
                return Node(type: left.type, size: size(left) &+| size(right), cost: 1 &+| arguments)
            case (.int, .int), (.double, .double), (.uint, .uint), (.dyn, _), (_, .dyn):
                return Node(type: left.type.isDyn ? right.type : left.type, size: 1, cost: 1 &+| arguments)
            default:
                return noOverload(function, [left, right], at: offset)
            }
        default:
            switch (left.type.kind, right.type.kind) {
            case (.int, .int), (.double, .double), (.uint, .uint), (.dyn, _), (_, .dyn):
                return Node(type: left.type.isDyn ? right.type : left.type, size: 1, cost: 1 &+| arguments)
            default:
                return noOverload(function, [left, right], at: offset)
            }
        }
    }

    private func comparable(_ a: CELDeclType, _ b: CELDeclType, ordered: Bool) -> Bool {
        switch (a.kind, b.kind) {
        case (.dyn, _), (_, .dyn): return true
        case (.int, .int), (.uint, .uint), (.double, .double), (.int, .double), (.double, .int),
             (.int, .uint), (.uint, .int), (.uint, .double), (.double, .uint),
             (.string, .string), (.bytes, .bytes), (.bool, .bool), (.timestamp, .timestamp), (.duration, .duration):
            return true
        case (.null, _), (_, .null), (.list, .list), (.map, .map), (.object, .object):
            return !ordered
        default:
            return false
        }
    }

    // MARK: Calls

    private mutating func call(target: CELExpression?, name: String, arguments: [CELExpression], at offset: Int) -> Node {
        if target == nil && name == "has" {
            guard arguments.count == 1, case .member(let base, let field, _) = arguments[0] else {
                return fail(offset, "invalid argument to has() macro")
            }
            let selected = select(node(base), field: field, at: offset)
            return Node(type: .bool, size: 1, cost: selected.cost)
        }
        if let target, ["all", "exists", "exists_one", "filter", "map"].contains(name) {
            return comprehension(name, over: node(target), arguments: arguments, at: offset)
        }
        var receiver: Node?
        if let target { receiver = node(target) }
        var values: [Node] = []
        for argument in arguments { values.append(node(argument)) }
        let argumentCost = CELCost.sum(values.map(\.cost)) &+| (receiver?.cost ?? 0)
        let operands = (receiver.map { [$0] } ?? []) + values
        switch (name, operands.count) {
        case ("size", 1):
            switch operands[0].type.kind {
            case .string, .bytes, .list, .map, .dyn: return Node(type: .int, size: 1, cost: 1 &+| argumentCost)
            default: return noOverload("size", operands, at: offset)
            }
        case ("lowerAscii", 1), ("upperAscii", 1), ("trim", 1):
            guard case .string = operands[0].type.kind else { return noOverload(name, operands, at: offset) }
            let length = size(operands[0])
            return Node(type: .string, size: length, cost: CELCost.factor(length, CELCost.stringTraversal) &+| argumentCost)
        case ("startsWith", 2), ("endsWith", 2):
            guard case .string = operands[0].type.kind, case .string = operands[1].type.kind else { return noOverload(name, operands, at: offset) }
            let length = max(size(operands[0]), size(operands[1]))
            return Node(type: .bool, size: 1, cost: CELCost.factor(length, CELCost.stringTraversal) &+| argumentCost)
        case ("contains", 2):
            guard case .string = operands[0].type.kind, case .string = operands[1].type.kind else { return noOverload(name, operands, at: offset) }
            let cost = CELCost.factor(size(operands[0]), CELCost.stringTraversal) &*| CELCost.factor(size(operands[1]), CELCost.stringTraversal)
            return Node(type: .bool, size: 1, cost: cost &+| argumentCost)
        case ("matches", 2):
            guard case .string = operands[0].type.kind, case .string = operands[1].type.kind else { return noOverload(name, operands, at: offset) }
            let cost = CELCost.factor(size(operands[0]) &+| 1, CELCost.stringTraversal) &*| CELCost.factor(size(operands[1]), CELCost.regexStringLength)
            return Node(type: .bool, size: 1, cost: cost &+| argumentCost)
        case ("int", 1):
            return Node(type: .int, size: 1, cost: 1 &+| argumentCost)
        case ("string", 1):
            let length = size(operands[0])
            return Node(type: .string, size: length, cost: CELCost.factor(length, CELCost.stringTraversal) &+| 1 &+| argumentCost)
        default:
            guard Self.libraryFunctions.contains(name) else {
                return fail(offset, "undeclared reference to '\(name)' (in container '')")
            }
            // Outside the subset: assume a pass over the receiver (or first argument).
            let length = operands.first.map { size($0) } ?? 1
            return Node(type: .dyn, size: nil, cost: length &+| 1 &+| argumentCost)
        }
    }

    /// The macros expand to cel-go comprehensions; their cost is the range's cost plus, per
    /// element, the loop condition and step as cel-go's expansion spells them.
    private mutating func comprehension(_ name: String, over range: Node, arguments: [CELExpression], at offset: Int) -> Node {
        guard arguments.count == 2, case .identifier(let variable, _) = arguments[0] else {
            return fail(offset, "\(name)() requires an identifier and an expression")
        }
        let elementType: CELDeclType
        switch range.type.kind {
        case .list(let element): elementType = element
        case .map(let key, _): elementType = key
        case .dyn: elementType = .dyn
        default: return fail(offset, "expression of type '\(range.type)' cannot be range of a comprehension (must be list, map, or dynamic)")
        }
        let saved = variables[variable]
        variables[variable] = (elementType, sizeOf(elementType))
        let body = node(arguments[1])
        variables[variable] = saved
        if name != "map", !(isBool(body.type) || body.type.isDyn) {
            let function = name == "all" ? "_&&_" : name == "exists" ? "_||_" : "_?_:_"
            _ = noOverload(function, [Node(type: .bool, size: 1, cost: 0), body], at: offset)
        }
        // Loop condition + step per element, then accumulator init and result, as expanded.
        let perElement: UInt64
        let fixed: UInt64
        let resultType: CELDeclType
        switch name {
        case "all", "exists":
            perElement = (name == "all" ? 2 : 3) &+| 1 &+| body.cost
            fixed = 1
            resultType = .bool
        case "exists_one":
            perElement = body.cost &+| 2
            fixed = 2
            resultType = .bool
        case "filter":
            perElement = body.cost &+| 1 &+| 1 &+| 1 &+| CELCost.listCreate
            fixed = CELCost.listCreate &+| 1
            resultType = .list(elementType)
        default:
            perElement = body.cost &+| 1 &+| 1 &+| CELCost.listCreate
            fixed = CELCost.listCreate &+| 1
            resultType = .list(body.type)
        }
        let cost = range.cost &+| fixed &+| (size(range) &*| perElement)
        return Node(type: resultType, size: resultType.isScalar ? 1 : nil, cost: cost)
    }
}

/// cel-go's cost constants and saturating arithmetic.
enum CELCost {
    static let stringTraversal = 0.1
    static let regexStringLength = 0.25
    static let listCreate: UInt64 = 10

    /// `ceil(value * factor)`, saturating.
    static func factor(_ value: UInt64, _ factor: Double) -> UInt64 {
        let product = (Double(value) * factor).rounded(.up)
        return product >= Double(UInt64.max) ? UInt64.max : UInt64(product)
    }

    static func sum(_ values: [UInt64]) -> UInt64 { values.reduce(0, &+|) }
}

infix operator &+|: AdditionPrecedence
infix operator &*|: MultiplicationPrecedence

/// Saturating addition: overflow gives `UInt64.max`, as cel-go's estimates do.
func &+| (lhs: UInt64, rhs: UInt64) -> UInt64 {
    let (sum, overflow) = lhs.addingReportingOverflow(rhs)
    return overflow ? UInt64.max : sum
}

/// Saturating multiplication.
func &*| (lhs: UInt64, rhs: UInt64) -> UInt64 {
    let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
    return overflow ? UInt64.max : product
}
