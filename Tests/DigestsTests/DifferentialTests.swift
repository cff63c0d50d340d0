import Crypto
import Digests
import Testing
import TestSupport

/// Compares the libcrypto digests with swift-crypto on seeded random inputs, with lengths around the
/// 64-byte block and its padding boundaries (55/56/63/64/65) and keys shorter and longer than a block.
@Suite struct DifferentialTests {
    static let boundaryLengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129]

    static func bytes(_ count: Int, using generator: inout SeededRandomGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test(arguments: [UInt64(1), 0x5eed, 20_261_129])
    func digestsMatchSwiftCrypto(seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        let lengths = Self.boundaryLengths + (0..<200).map { _ in Int.random(in: 0...300, using: &generator) }
        for length in lengths {
            let message = Self.bytes(length, using: &generator)
            #expect(SHA256Digest.hash(message) == Array(SHA256.hash(data: message)), "SHA-256, length \(length), seed \(seed)")
            #expect(SHA1Digest.hash(message) == Array(Insecure.SHA1.hash(data: message)), "SHA-1, length \(length), seed \(seed)")
        }
    }

    @Test(arguments: [UInt64(2), 0xbeef, 20_261_130])
    func hmacMatchesSwiftCrypto(seed: UInt64) {
        var generator = SeededRandomGenerator(seed: seed)
        let keyLengths = [0, 1, 32, 63, 64, 65, 131] + (0..<100).map { _ in Int.random(in: 0...200, using: &generator) }
        for keyLength in keyLengths {
            let key = Self.bytes(keyLength, using: &generator)
            let mac = HMACSHA256(key: key)
            for length in Self.boundaryLengths + [Int.random(in: 0...300, using: &generator)] {
                let message = Self.bytes(length, using: &generator)
                let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
                #expect(mac.authenticationCode(for: message) == expected, "key \(keyLength) bytes, message \(length) bytes, seed \(seed)")
            }
        }
    }
}
