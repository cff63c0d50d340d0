import Crypto
import Foundation
import NIOSSL
import X509

/// The CA and serving certificate generated at each start: clients trust `caPEM`, and the
/// serving certificate names `127.0.0.1` and `localhost`, so kubectl, curl and Python verify TLS.
struct CertificateAuthority: Sendable {
    let caPEM: String
    let servingCertificatePEM: String
    let servingKeyPEM: String

    static func generate() throws -> CertificateAuthority {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Trustline")
            CommonName("kube-test-server CA")
        }
        let caCertificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(86400 * 365),
            issuer: caName,
            subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(caKey.publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))

        let servingKey = P256.Signing.PrivateKey()
        let servingName = try DistinguishedName { CommonName("kube-apiserver") }
        let servingCertificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(servingKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(86400 * 365),
            issuer: caName,
            subject: servingName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: Certificate.PublicKey(caKey.publicKey)).keyIdentifier)
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(.init(contentBytes: [127, 0, 0, 1]))])
            },
            issuerPrivateKey: Certificate.PrivateKey(caKey))

        return CertificateAuthority(
            caPEM: try caCertificate.serializeAsPEM().pemString + "\n",
            servingCertificatePEM: try servingCertificate.serializeAsPEM().pemString + "\n",
            servingKeyPEM: servingKey.pemRepresentation + "\n")
    }

    func tlsConfiguration() throws -> TLSConfiguration {
        let certificate = try NIOSSLCertificate(bytes: Array(servingCertificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(servingKeyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }
}
