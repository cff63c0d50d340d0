import PropertyBased
import Testing
@testable import TrustlineCore

/// RFC 6901 escaping of the patch paths.
@Suite struct JSONPointerTests {
    @Test func escapesTildeThenSlash() {
        #expect(JSONPointer.path(["metadata", "annotations", "eks.amazonaws.com/skip-containers"]) == "/metadata/annotations/eks.amazonaws.com~1skip-containers")
        #expect(JSONPointer.escape("a~/b") == "a~0~1b")
        #expect(JSONPointer.tokens("/a~01") == ["a~1"])
        #expect(JSONPointer.tokens("") == [])
        #expect(JSONPointer.tokens("/") == [""])
    }

    static let token = Gen.element(of: Array("a~/01")).compactMap { $0 }.array(of: 0...6).map { String($0) }

    @Test func tokensRoundTrip() async {
        await propertyCheck(count: 300, input: Self.token.array(of: 0...4)) { tokens in
            #expect(JSONPointer.tokens(JSONPointer.path(tokens)) == tokens)
        }
    }
}
