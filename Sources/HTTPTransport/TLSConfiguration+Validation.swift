import Foundation

extension TLSConfiguration {
    /// A clear error for material that can never work, found before any connection is made.
    /// Files are checked per request instead, as mounted secrets may appear or rotate later.
    var validationError: HTTPTransportError? {
        let fields: [(String, Source?)] = [
            ("certificateAuthority", certificateAuthority),
            ("clientCertificate", clientCertificate),
            ("clientKey", clientKey),
        ]
        for case (let field, .some(let source)) in fields {
            switch source {
            case .file(let path) where path.isEmpty:
                return .invalidRequest("TLSConfiguration.\(field): the file path is empty")
            case .pem(let data) where data.range(of: Data("-----BEGIN ".utf8)) == nil:
                return .invalidRequest(
                    "TLSConfiguration.\(field): the in-memory data is not PEM (no \"-----BEGIN \" line); "
                        + "pass the decoded PEM text, not base64 or DER")
            default:
                continue
            }
        }
        if clientKey != nil && clientCertificate == nil {
            return .invalidRequest("TLSConfiguration.clientKey is set without clientCertificate; set both or neither")
        }
        return nil
    }
}
