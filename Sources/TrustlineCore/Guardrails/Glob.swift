/// Glob patterns with `*` (any sequence, also empty) and `?` (exactly one character), as IAM
/// writes action names and as the guardrail settings write namespaces and ARNs.
public enum Glob {
    /// Whether `text` matches `pattern`.
    public static func matches(_ pattern: String, _ text: String, caseInsensitive: Bool = false) -> Bool {
        let pattern = Array((caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars)
        let text = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        // reachable[j]: pattern prefix consumed so far can match text prefix of length j.
        var reachable = [Bool](repeating: false, count: text.count + 1)
        reachable[0] = true
        for element in pattern {
            var next = [Bool](repeating: false, count: text.count + 1)
            if element == "*" {
                var any = false
                for j in 0...text.count {
                    any = any || reachable[j]
                    next[j] = any
                }
            } else {
                for j in 0..<text.count where reachable[j] && (element == "?" || element == text[j]) {
                    next[j + 1] = true
                }
            }
            reachable = next
        }
        return reachable[text.count]
    }

    /// Whether some string matches both patterns: a search of the product of the two patterns'
    /// automata. State (i, j) means `lhs[..<i]` and `rhs[..<j]` matched the same prefix. A `*` may
    /// match nothing (skip it) or swallow the character the other side consumes; two non-star
    /// elements consume one character together when they agree (`?` agrees with anything).
    public static func intersects(_ lhs: String, _ rhs: String, caseInsensitive: Bool = false) -> Bool {
        let a = Array((caseInsensitive ? lhs.lowercased() : lhs).unicodeScalars)
        let b = Array((caseInsensitive ? rhs.lowercased() : rhs).unicodeScalars)
        var visited = Set<Int>()
        var stack = [(0, 0)]
        let width = b.count + 1
        while let (i, j) = stack.popLast() {
            if i == a.count && j == b.count { return true }
            guard visited.insert(i * width + j).inserted else { continue }
            let aStar = i < a.count && a[i] == "*"
            let bStar = j < b.count && b[j] == "*"
            if aStar { stack.append((i + 1, j)) }
            if bStar { stack.append((i, j + 1)) }
            if aStar && j < b.count && !bStar { stack.append((i, j + 1)) }
            if bStar && i < a.count && !aStar { stack.append((i + 1, j)) }
            if i < a.count, j < b.count, !aStar, !bStar, a[i] == "?" || b[j] == "?" || a[i] == b[j] {
                stack.append((i + 1, j + 1))
            }
        }
        return false
    }
}
