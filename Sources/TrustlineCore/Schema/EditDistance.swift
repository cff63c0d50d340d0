/// Levenshtein distance, for "did you mean" hints: a kind one edit away from `WorkloadAwsAccess`
/// and the nearest known field to an unknown one.
public enum EditDistance {
    /// The number of single-character insertions, deletions and substitutions from `a` to `b`.
    public static func between(_ a: String, _ b: String) -> Int {
        let left = Array(a.unicodeScalars)
        let right = Array(b.unicodeScalars)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = previous
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }

    /// The candidate nearest to `word` (ignoring case) when it is close enough to be a likely
    /// typo: at most a third of the word's length away (at least 1 edit allowed), or, for a word
    /// of 4 or more characters, the only candidate that starts with it (a name cut short).
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(1, word.count / 3)
        let lowered = word.lowercased()
        let extensions = candidates.filter { $0.lowercased().hasPrefix(lowered) }
        if word.count >= 4, extensions.count == 1 { return extensions[0] }
        let scored = candidates.map { (candidate: $0, distance: between(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { ($0.distance, $0.candidate) < ($1.distance, $1.candidate) }), best.distance <= limit else {
            return nil
        }
        return best.candidate
    }
}
