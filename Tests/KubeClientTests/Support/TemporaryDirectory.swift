import Foundation

/// A fresh directory under the system temp folder, removed by `remove()` (call it in `defer`).
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "kubeclient-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ contents: String, executable: Bool = false) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: target))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target)
        }
        return target
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// PEM-shaped test material; kubeconfig loading only checks the armor, the TLS tests use the
/// test server's real CA.
enum TestPEM {
    static let certificate = "-----BEGIN CERTIFICATE-----\nMIIBdummy\n-----END CERTIFICATE-----\n"
    static let privateKey = "-----BEGIN PRIVATE KEY-----\nMIIEdummy\n-----END PRIVATE KEY-----\n"
    static var certificateBase64: String { Data(certificate.utf8).base64EncodedString() }
    static var privateKeyBase64: String { Data(privateKey.utf8).base64EncodedString() }
}
