import Digests
import Testing

/// FIPS 180-4 example messages (NIST CSRC "Examples with Intermediate Values") and their digests.
@Suite struct DigestVectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var message: [UInt8]
        var sha256: String
        var sha1: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "empty", message: [],
            sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        Vector(
            name: "abc", message: Array("abc".utf8),
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            sha1: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Vector(
            name: "448-bit two-block message",
            message: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
            sha256: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            sha1: "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        Vector(
            name: "one million 'a'", message: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
            sha256: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            sha1: "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
    ]

    @Test(arguments: vectors)
    func sha256(_ vector: Vector) {
        let digest = SHA256Digest.hash(vector.message)
        #expect(digest.count == SHA256Digest.byteCount)
        #expect(Hex.lowercase(digest) == vector.sha256)
    }

    @Test(arguments: vectors)
    func sha1(_ vector: Vector) {
        let digest = SHA1Digest.hash(vector.message)
        #expect(digest.count == SHA1Digest.byteCount)
        #expect(Hex.lowercase(digest) == vector.sha1)
    }

    /// Every entry point (array, slice, UTF-8 view, non-contiguous sequence, raw buffer) hashes the same bytes.
    @Test func entryPointsAgree() {
        let text = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        let expected = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        let padded = Array("xx\(text)yy".utf8)
        #expect(Hex.lowercase(SHA256Digest.hash(text.utf8)) == expected)
        #expect(Hex.lowercase(SHA256Digest.hash(padded[2..<(padded.count - 2)])) == expected)
        #expect(Hex.lowercase(SHA256Digest.hash(text.utf8.lazy.map { $0 })) == expected)
        #expect(Hex.lowercase(Array(text.utf8).withUnsafeBytes { SHA256Digest.hash($0) }) == expected)
        #expect(Hex.lowercase(SHA256Digest.hash(UnsafeRawBufferPointer(start: nil, count: 0)))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hexIsLowerCaseTwoDigitsPerByte() {
        #expect(Hex.lowercase([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.lowercase([]) == "")
    }
}
