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

    /// Parses `text`; nil when it is `0` (endpoint disabled). `setting` is the camelCase setting
    /// (`metricsBindAddress`); errors name it as the user wrote it: flag and environment variable.
    public static func parse(_ text: String, setting: String) throws(SettingsError) -> ListenAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "0" { return nil }
        let named = "\(flag(of: setting)) (\(environmentVariable(of: setting)))"
        let example = "write host:port such as :8080, 127.0.0.1:8080 or [::1]:8080, or 0 to disable"
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw SettingsError(setting: setting, message: "\(named): \"\(text)\" is not an address; \(example)")
        }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (0...65535).contains(port)
        else {
            throw SettingsError(setting: setting, message: "\(named): \"\(text)\" has no valid port (0 to 65535) after the last ':'; \(example)")
        }
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 else {
                throw SettingsError(setting: setting, message: "\(named): \"\(text)\" has unbalanced or empty brackets; \(example)")
            }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw SettingsError(
                setting: setting, message: "\(named): \"\(text)\" is ambiguous; put an IPv6 host in brackets, e.g. [\(host)]:\(portText)")
        }
        if host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "[" || $0 == "]" }) {
            throw SettingsError(setting: setting, message: "\(named): \"\(text)\" has no valid host before the port; \(example)")
        }
        if host.isEmpty { host = "0.0.0.0" }
        return ListenAddress(host: host, port: port)
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// `metricsBindAddress` -> `--metrics-bind-address`, spelled as core's `SettingKey` spells every setting.
    static func flag(of setting: String) -> String {
        SettingKey(setting, .string, "").flag
    }

    /// `metricsBindAddress` -> `TRUSTLINE_METRICS_BIND_ADDRESS`.
    static func environmentVariable(of setting: String) -> String {
        SettingKey(setting, .string, "").environmentVariable
    }
}
