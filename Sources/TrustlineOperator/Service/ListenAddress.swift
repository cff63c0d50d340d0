import Foundation
import TrustlineCore

/// A listen address as controller flags write it: `:8080` (every interface, as in a pod),
/// `127.0.0.1:0` (loopback, a free port picked by the system), `[::1]:8081`; `0` switches the
/// endpoint off. Parsed once at start so a typo fails with the flag's name instead of at bind time.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// Interface to bind; `0.0.0.0` for every IPv4 interface.
    public var host: String
    /// 0 lets the system pick a free port (logged once bound).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `text`; nil when it is `0` (endpoint disabled). Errors name `setting`.
    public static func parse(_ text: String, setting: String) throws(SettingsError) -> ListenAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" { return nil }
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw SettingsError(setting: setting, message: "\"\(text)\" is not an address; write host:port such as :8080 or 127.0.0.1:8080, or 0 to disable")
        }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw SettingsError(setting: setting, message: "\"\(text)\" has no valid port (0 to 65535) after the last ':'")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        }
        if host.isEmpty { host = "0.0.0.0" }
        return ListenAddress(host: host, port: port)
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
