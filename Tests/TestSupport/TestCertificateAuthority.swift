import Foundation

/// A throwaway certificate authority made with the `openssl` command line, and server key pairs
/// it signs, for tests of HTTPS endpoints: the CA goes to the client (libcurl, or a webhook's
/// caBundle), the pair into a `--cert-dir`. EC P-256 keys, one day of validity.
public struct TestCertificateAuthority: Sendable {
    /// Where the CA's files and every issued pair live; removed by `remove()`.
    public let directory: String
    /// The CA certificate, PEM.
    public let certificatePEM: Data
    private let openssl: String

    /// Makes a new CA in a fresh temporary directory.
    public init() async throws {
        openssl = try ExecutableSearch.require("openssl", install: "install it with apt-get install -y openssl")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-ca-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try await Self.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=trustline test CA", "-keyout", "\(directory)/ca.key", "-out", "\(directory)/ca.crt",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        guard let pem = FileManager.default.contents(atPath: "\(directory)/ca.crt") else {
            throw TestSetupError("openssl wrote no CA certificate in \(directory)")
        }
        certificatePEM = pem
    }

    /// Path of the CA certificate.
    public var certificatePath: String { "\(directory)/ca.crt" }

    /// Issues a server pair for `127.0.0.1`, `localhost` and `dnsNames`, written as `tls.crt`
    /// and `tls.key` into `into` (created if missing); returns the certificate's serial, which
    /// tells two issued pairs apart.
    @discardableResult
    public func issueServerPair(commonName: String = "trustline-webhook", dnsNames: [String] = [], into target: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let work = "\(directory)/issue-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let names = (["localhost"] + dnsNames).map { "DNS:\($0)" } + ["IP:127.0.0.1"]
        try Data("subjectAltName=\(names.joined(separator: ","))\nextendedKeyUsage=serverAuth\n".utf8).write(to: URL(fileURLWithPath: "\(work)/ext.cnf"))
        try await Self.run(
            openssl,
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(commonName)",
                "-keyout", "\(work)/tls.key", "-out", "\(work)/tls.csr",
            ])
        let serial = String(UInt64.random(in: 1...UInt64(Int64.max)), radix: 16)
        try await Self.run(
            openssl,
            [
                "x509", "-req", "-in", "\(work)/tls.csr", "-CA", certificatePath, "-CAkey", "\(directory)/ca.key", "-set_serial", "0x\(serial)",
                "-days", "1", "-extfile", "\(work)/ext.cnf", "-out", "\(work)/tls.crt",
            ])
        for file in ["tls.crt", "tls.key"] {
            let destination = "\(target)/\(file)"
            try? FileManager.default.removeItem(atPath: destination)
            try FileManager.default.copyItem(atPath: "\(work)/\(file)", toPath: destination)
        }
        return serial
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func run(_ openssl: String, _ arguments: [String]) async throws {
        let result = try await Command.run(openssl, arguments, mergesErrorOutput: true, timeout: .seconds(60))
        guard result.status == 0 else {
            throw TestSetupError("openssl \(arguments.prefix(2).joined(separator: " ")) failed (\(result.status)): \(result.outputText)")
        }
    }
}
