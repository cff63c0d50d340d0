import Digests
import Testing

/// RFC 4231 section 4 test cases 1-7 for HMAC-SHA256 (case 5 compares the first 128 bits only, as the RFC says).
@Suite struct HMACSHA256VectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var testCase: Int
        var key: [UInt8]
        var data: [UInt8]
        var mac: String
        var truncatedToBytes: Int? = nil
        var testDescription: String { "RFC 4231 test case \(testCase)" }
    }

    static let vectors: [Vector] = [
        Vector(
            testCase: 1, key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(
            testCase: 2, key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(
            testCase: 3, key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Vector(
            testCase: 4, key: Array(1...25), data: [UInt8](repeating: 0xcd, count: 50),
            mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Vector(
            testCase: 5, key: [UInt8](repeating: 0x0c, count: 20), data: Array("Test With Truncation".utf8),
            mac: "a3b6167473100ee06e0c796c2955552b", truncatedToBytes: 16),
        Vector(
            testCase: 6, key: [UInt8](repeating: 0xaa, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(
            testCase: 7, key: [UInt8](repeating: 0xaa, count: 131),
            data: Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
            mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test(arguments: vectors)
    func authenticationCode(_ vector: Vector) {
        let code = HMACSHA256(key: vector.key).authenticationCode(for: vector.data)
        #expect(code.count == HMACSHA256.byteCount)
        #expect(Hex.lowercase(code.prefix(vector.truncatedToBytes ?? code.count)) == vector.mac)
    }

    /// One keyed value gives the same code every time, from many tasks at once.
    @Test func oneValueIsReusableConcurrently() async {
        let mac = HMACSHA256(key: Array("Jefe".utf8))
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        let codes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask { Hex.lowercase(mac.authenticationCode(for: Array("what do ya want for nothing?".utf8))) }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(codes.count == 64)
        #expect(codes.allSatisfy { $0 == expected })
    }
}
