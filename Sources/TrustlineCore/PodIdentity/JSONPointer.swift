/// RFC 6901 JSON pointers for the paths of a JSON patch: each reference token has `~` written
/// as `~0` and `/` as `~1` (in that order), so a key holding either still names one member.
public enum JSONPointer {
    /// `/token/token/...` from unescaped tokens; `-` as the last token means "after the end" of an array.
    public static func path(_ tokens: [String]) -> String {
        tokens.map { "/" + escape($0) }.joined()
    }

    /// One reference token, escaped.
    public static func escape(_ token: String) -> String {
        token.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    /// The unescaped tokens of `pointer` (`~1` read before `~0`, so `~01` stays `~1`).
    public static func tokens(_ pointer: String) -> [String] {
        guard !pointer.isEmpty else { return [] }
        return pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            String($0).replacing("~1", with: "/").replacing("~0", with: "~")
        }
    }
}
