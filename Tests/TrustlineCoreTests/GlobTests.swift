import PropertyBased
import Testing
@testable import TrustlineCore

@Suite struct GlobTests {
    struct Pair: Sendable {
        var lhs: String
        var rhs: String
        var meets: Bool
    }

    static let pairs: [Pair] = [
        Pair(lhs: "*", rhs: "iam:*", meets: true),
        Pair(lhs: "iam:Cr*", rhs: "iam:*", meets: true),
        Pair(lhs: "i?m:PassRole", rhs: "iam:*", meets: true),
        Pair(lhs: "s3:*", rhs: "iam:*", meets: false),
        Pair(lhs: "*a", rhs: "b*", meets: true),
        Pair(lhs: "a*", rhs: "b*", meets: false),
        Pair(lhs: "*a", rhs: "*b", meets: false),
        Pair(lhs: "a?c", rhs: "*b*", meets: true),
        Pair(lhs: "a?c", rhs: "*bb*", meets: false),
        Pair(lhs: "", rhs: "*", meets: true),
        Pair(lhs: "", rhs: "?", meets: false),
        Pair(lhs: "ab*ab", rhs: "*ba*", meets: true),
        Pair(lhs: "a*b*c", rhs: "*cb*", meets: true),
    ]

    @Test(arguments: pairs)
    func intersectionTable(_ pair: Pair) {
        #expect(Glob.intersects(pair.lhs, pair.rhs) == pair.meets)
        #expect(Glob.intersects(pair.rhs, pair.lhs) == pair.meets)
    }

    @Test func caseInsensitive() {
        #expect(Glob.intersects("IAM:PutRolePolicy", "iam:*", caseInsensitive: true))
        #expect(!Glob.intersects("IAM:PutRolePolicy", "iam:*"))
        #expect(Glob.matches("iam:*", "IAM:Get", caseInsensitive: true))
    }

    @Test func matchTable() {
        #expect(Glob.matches("kube-*", "kube-system"))
        #expect(!Glob.matches("kube-*", "kube"))
        #expect(Glob.matches("a?c", "abc"))
        #expect(!Glob.matches("a?c", "ac"))
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("a**b", "ab"))
    }

    /// Every string over {a, b} up to `length`.
    static func strings(upTo length: Int) -> [String] {
        var all = [""]
        var layer = [""]
        for _ in 0..<length {
            layer = layer.flatMap { [$0 + "a", $0 + "b"] }
            all += layer
        }
        return all
    }

    static let universe = strings(upTo: 8)
    static let patternGen = Gen.element(of: ["a", "b", "*", "?"]).compactMap { $0 }.array(of: 0...4).map { $0.joined() }

    /// Matching agrees with a regex-free reference: a pattern of n non-star elements matches a
    /// string iff the brute-force recursive matcher says so.
    static func referenceMatch(_ pattern: Substring, _ text: Substring) -> Bool {
        guard let head = pattern.first else { return text.isEmpty }
        if head == "*" {
            return referenceMatch(pattern.dropFirst(), text) || (!text.isEmpty && referenceMatch(pattern, text.dropFirst()))
        }
        guard let first = text.first, head == "?" || head == first else { return false }
        return referenceMatch(pattern.dropFirst(), text.dropFirst())
    }

    @Test func matchAgreesWithReference() async {
        await propertyCheck(count: 300, input: Self.patternGen, Gen.element(of: Self.universe).compactMap { $0 }) { pattern, text in
            #expect(Glob.matches(pattern, text) == Self.referenceMatch(Substring(pattern), Substring(text)))
        }
    }

    /// Two patterns of at most 4 elements each: if they share a string, they share one of
    /// length ≤ 8 (each character of a shortest witness advances at least one pattern), so
    /// brute force over {a,b}^≤8 is exact; `?` never needs a third letter.
    @Test func intersectionAgreesWithBruteForce() async {
        await propertyCheck(count: 400, input: Self.patternGen, Self.patternGen) { lhs, rhs in
            let brute = Self.universe.contains { Self.referenceMatch(Substring(lhs), Substring($0)) && Self.referenceMatch(Substring(rhs), Substring($0)) }
            #expect(Glob.intersects(lhs, rhs) == brute, "\(lhs) vs \(rhs)")
        }
    }
}
