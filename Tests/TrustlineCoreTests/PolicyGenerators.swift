import Foundation
import KubeModels
import PropertyBased
@testable import TrustlineCore

/// Random IAM policies and random semantically-equal rewritings of them, for property tests.
enum PolicyGenerators {
    static let actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage", "ec2:Describe*", "dynamodb:Query", "kms:Decrypt"]
    static let resources = ["*", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*", "arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:kms:us-east-1:123456789012:key/k"]
    static let conditionKeys = ["aws:SecureTransport", "s3:prefix", "aws:SourceVpc", "aws:MultiFactorAuthAge"]

    static func pick<T>(_ items: [T], _ rng: inout any SeededRandomNumberGenerator) -> T {
        items[Int.random(in: 0..<items.count, using: &rng)]
    }

    static func subset(_ items: [String], _ rng: inout any SeededRandomNumberGenerator) -> [String] {
        let count = Int.random(in: 1...3, using: &rng)
        var chosen: [String] = []
        while chosen.count < count {
            let item = pick(items, &rng)
            if !chosen.contains(item) { chosen.append(item) }
        }
        return chosen
    }

    /// A single string when one value, else an array.
    static func values(_ items: [String]) -> JSONValue {
        items.count == 1 ? .string(items[0]) : .array(items.map(JSONValue.string))
    }

    static func statement(_ rng: inout any SeededRandomNumberGenerator) -> JSONValue {
        var members: [String: JSONValue] = [
            "Effect": .string(Bool.random(using: &rng) ? "Allow" : "Deny"),
            "Action": values(subset(actions, &rng)),
            "Resource": values(subset(resources, &rng)),
        ]
        if Bool.random(using: &rng) {
            members["Sid"] = .string("S\(Int.random(in: 0...999, using: &rng))")
        }
        if Bool.random(using: &rng) {
            var block: [String: JSONValue] = [:]
            for key in subset(conditionKeys, &rng) {
                block[key] = Bool.random(using: &rng) ? .string("v\(Int.random(in: 0...3, using: &rng))") : values(subset(["x", "y", "z"], &rng))
            }
            members["Condition"] = .object([pick(["StringEquals", "StringLike", "ForAnyValue:StringLike"], &rng): .object(block)])
        }
        return .object(members)
    }

    static func policy(_ rng: inout any SeededRandomNumberGenerator) -> JSONValue {
        let count = Int.random(in: 1...4, using: &rng)
        var statements: [JSONValue] = []
        for _ in 0..<count { statements.append(statement(&rng)) }
        return ["Version": "2012-10-17", "Statement": statements.count == 1 && Bool.random(using: &rng) ? statements[0] : .array(statements)]
    }

    /// The same document with arrays shuffled, single values wrapped or unwrapped, values duplicated.
    static func rewrite(_ value: JSONValue, _ rng: inout any SeededRandomNumberGenerator) -> JSONValue {
        switch value {
        case .object(let members):
            return .object(members.mapValues { rewrite($0, &rng) })
        case .array(let items):
            var rewritten = items.map { rewrite($0, &rng) }
            rewritten.shuffle(using: &rng)
            if let first = rewritten.first, Int.random(in: 0..<4, using: &rng) == 0 { rewritten.append(first) }
            if rewritten.count == 1, Bool.random(using: &rng) { return rewritten[0] }
            return .array(rewritten)
        case .string:
            return Bool.random(using: &rng) ? .array([value]) : value
        default:
            return value
        }
    }

    /// JSON text with keys in random order and random whitespace between tokens.
    static func text(_ value: JSONValue, _ rng: inout any SeededRandomNumberGenerator) -> String {
        let space = { (rng: inout any SeededRandomNumberGenerator) -> String in
            pick(["", "", " ", "\n", "\t", "  \n    "], &rng)
        }
        switch value {
        case .object(let members):
            var keys = Array(members.keys)
            keys.shuffle(using: &rng)
            let parts = keys.map { key -> String in
                let inner = members[key].map { text($0, &rng) } ?? "null"
                return space(&rng) + CompactJSON.serialize(.string(key)) + space(&rng) + ":" + space(&rng) + inner + space(&rng)
            }
            return "{" + parts.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map { space(&rng) + text($0, &rng) + space(&rng) }.joined(separator: ",") + "]"
        default:
            return CompactJSON.serialize(value)
        }
    }

    /// A random policy, and one random rewriting of it as text (URL-encoded half the time, as GetRolePolicy returns it).
    static let policyAndRewrite = Generator<(JSONValue, String), Shrink.None<(JSONValue, String)>> { rng in
        let original = policy(&rng)
        var rewritten = text(rewrite(original, &rng), &rng)
        if Bool.random(using: &rng) {
            rewritten = rewritten.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? rewritten
        }
        return (original, rewritten)
    }
}
