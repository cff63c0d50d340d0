import Foundation

/// Tokens of the CEL subset: identifiers, numbers, strings and operators.
enum CELLexer {
    enum Token: Sendable, Equatable, CustomStringConvertible {
        case identifier(String)
        case number(Int64)
        case double(Double)
        case string(String)
        case symbol(String)

        var description: String {
            switch self {
            case .identifier(let text), .symbol(let text): return text
            case .number(let value): return String(value)
            case .double(let value): return String(value)
            case .string(let text): return "'\(text)'"
            }
        }
    }

    static let symbols = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "(", ")", ".", ",", "[", "]", "+", "-", "?", ":"]

    static func tokens(_ text: String) throws -> [Token] {
        var offsets: [Int] = []
        return try tokens(text, offsets: &offsets)
    }

    /// The tokens of `text`; each token's character offset is appended to `offsets`.
    static func tokens(_ text: String, offsets: inout [Int]) throws -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if !character.isWhitespace { offsets.append(index) }
            if character.isWhitespace {
                index += 1
            } else if character.isLetter || character == "_" {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                tokens.append(.identifier(String(characters[index..<end])))
                index = end
            } else if character.isNumber {
                var end = index
                while end < characters.count, characters[end].isNumber || characters[end] == "." { end += 1 }
                let literal = String(characters[index..<end])
                if let integer = Int64(literal) {
                    tokens.append(.number(integer))
                } else if let double = Double(literal) {
                    tokens.append(.double(double))
                } else {
                    throw CELExpression.Failure.syntax("bad number \(literal)", at: index)
                }
                index = end
            } else if character == "'" || character == "\"" {
                var end = index + 1
                var value = ""
                while end < characters.count, characters[end] != character {
                    if characters[end] == "\\", end + 1 < characters.count {
                        end += 1
                        switch characters[end] {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        default: value.append(characters[end])
                        }
                    } else {
                        value.append(characters[end])
                    }
                    end += 1
                }
                guard end < characters.count else { throw CELExpression.Failure.syntax("unterminated string", at: index) }
                tokens.append(.string(value))
                index = end + 1
            } else if let symbol = symbols.first(where: { symbol in
                let symbolCharacters = Array(symbol)
                return index + symbolCharacters.count <= characters.count
                    && Array(characters[index..<index + symbolCharacters.count]) == symbolCharacters
            }) {
                tokens.append(.symbol(symbol))
                index += symbol.count
            } else {
                throw CELExpression.Failure.syntax("unexpected character '\(character)'", at: index)
            }
        }
        return tokens
    }
}

/// Recursive-descent parser with CEL's precedence: `?:`, `||`, `&&`, relations and `in`,
/// `+`/`-`, unary `!`/`-`, then member access, indexing and calls. Nodes that can fail type
/// checking carry the character offset cel-go reports for them: the operator, the `.` of a
/// selection, the `(` of a call.
struct CELParser {
    var tokens: [CELLexer.Token]
    var offsets: [Int] = []
    var position = 0

    init(tokens: [CELLexer.Token], offsets: [Int] = []) {
        self.tokens = tokens
        self.offsets = offsets
    }

    var atEnd: Bool { position >= tokens.count }
    var peek: CELLexer.Token? { atEnd ? nil : tokens[position] }
    /// Offset of the token accepted last.
    var lastOffset: Int { position > 0 && position - 1 < offsets.count ? offsets[position - 1] : 0 }
    /// Offset of the next token (or the end).
    var nextOffset: Int { position < offsets.count ? offsets[position] : (offsets.last.map { $0 + 1 } ?? 0) }

    mutating func accept(_ symbol: String) -> Bool {
        if peek == .symbol(symbol) {
            position += 1
            return true
        }
        return false
    }

    mutating func expect(_ symbol: String) throws {
        guard accept(symbol) else { throw CELExpression.Failure.syntax("expected \(symbol), found \(peek?.description ?? "end")", at: nextOffset) }
    }

    mutating func expression() throws -> CELExpression {
        let condition = try or()
        if accept("?") {
            let at = lastOffset
            let then = try expression()
            try expect(":")
            return .conditional(condition, then, try expression(), at: at)
        }
        return condition
    }

    mutating func or() throws -> CELExpression {
        var left = try and()
        while accept("||") {
            let at = lastOffset
            left = .binary("||", left, try and(), at: at)
        }
        return left
    }

    mutating func and() throws -> CELExpression {
        var left = try relation()
        while accept("&&") {
            let at = lastOffset
            left = .binary("&&", left, try relation(), at: at)
        }
        return left
    }

    mutating func relation() throws -> CELExpression {
        let left = try additive()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where accept(op) {
            let at = lastOffset
            return .binary(op, left, try additive(), at: at)
        }
        if peek == .identifier("in") {
            position += 1
            let at = lastOffset
            return .binary("in", left, try additive(), at: at)
        }
        return left
    }

    mutating func additive() throws -> CELExpression {
        var left = try unary()
        while true {
            if accept("+") {
                let at = lastOffset
                left = .binary("+", left, try unary(), at: at)
            } else if accept("-") {
                let at = lastOffset
                left = .binary("-", left, try unary(), at: at)
            } else {
                return left
            }
        }
    }

    mutating func unary() throws -> CELExpression {
        if accept("!") {
            let at = lastOffset
            return .unary("!", try unary(), at: at)
        }
        if accept("-") {
            let at = lastOffset
            return .unary("-", try unary(), at: at)
        }
        return try member()
    }

    mutating func member() throws -> CELExpression {
        var base = try primary()
        while true {
            if accept(".") {
                let dot = lastOffset
                guard case .identifier(let name)? = peek else { throw CELExpression.Failure.syntax("expected a field name", at: nextOffset) }
                position += 1
                if accept("(") {
                    let at = lastOffset
                    base = .call(target: base, name: name, arguments: try arguments(), at: at)
                } else {
                    base = .member(base, name, at: dot)
                }
            } else if accept("[") {
                let at = lastOffset
                let key = try expression()
                try expect("]")
                base = .index(base, key, at: at)
            } else {
                return base
            }
        }
    }

    mutating func arguments() throws -> [CELExpression] {
        var result: [CELExpression] = []
        if accept(")") { return result }
        repeat { result.append(try expression()) } while accept(",")
        try expect(")")
        return result
    }

    mutating func primary() throws -> CELExpression {
        guard let token = peek else { throw CELExpression.Failure.syntax("unexpected end of rule", at: nextOffset) }
        position += 1
        let at = lastOffset
        switch token {
        case .number(let value): return .literal(.int(value))
        case .double(let value): return .literal(.double(value))
        case .string(let value): return .literal(.string(value))
        case .identifier("true"): return .literal(.bool(true))
        case .identifier("false"): return .literal(.bool(false))
        case .identifier("null"): return .literal(.null)
        case .identifier(let name):
            if accept("(") {
                let open = lastOffset
                return .call(target: nil, name: name, arguments: try arguments(), at: open)
            }
            return .identifier(name, at: at)
        case .symbol("("):
            let inner = try expression()
            try expect(")")
            return inner
        case .symbol("["):
            var items: [CELExpression] = []
            if !accept("]") {
                repeat { items.append(try expression()) } while accept(",")
                try expect("]")
            }
            return .list(items, at: at)
        default:
            throw CELExpression.Failure.syntax("unexpected \(token)", at: at)
        }
    }
}
