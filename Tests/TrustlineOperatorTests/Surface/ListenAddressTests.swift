import Testing
import TrustlineCore
@testable import TrustlineOperator

/// `--metrics-bind-address` and `--health-probe-bind-address` as controller flags write them.
struct ListenAddressTests {
    struct Valid: CustomTestStringConvertible, Sendable {
        var text: String
        var host: String
        var port: Int
        var testDescription: String { "\"\(text)\"" }
    }

    static let valid: [Valid] = [
        Valid(text: ":8080", host: "0.0.0.0", port: 8080),
        Valid(text: "127.0.0.1:8080", host: "127.0.0.1", port: 8080),
        Valid(text: "127.0.0.1:0", host: "127.0.0.1", port: 0),
        Valid(text: ":0", host: "0.0.0.0", port: 0),
        Valid(text: "[::1]:8081", host: "::1", port: 8081),
        Valid(text: "[::]:80", host: "::", port: 80),
        Valid(text: "localhost:65535", host: "localhost", port: 65535),
        Valid(text: "  :9090 ", host: "0.0.0.0", port: 9090),
        Valid(text: "0.0.0.0:8081", host: "0.0.0.0", port: 8081),
    ]

    @Test(arguments: valid)
    func parsesValidForms(_ row: Valid) throws {
        let address = try #require(try ListenAddress.parse(row.text, setting: "metricsBindAddress"))
        #expect(address == ListenAddress(host: row.host, port: row.port))
        // What the operator logs parses back to the same address.
        #expect(try ListenAddress.parse(address.description, setting: "metricsBindAddress") == address)
    }

    @Test(arguments: ["0", " 0 "])
    func zeroDisablesTheEndpoint(_ text: String) throws {
        #expect(try ListenAddress.parse(text, setting: "healthProbeBindAddress") == nil)
    }

    struct Invalid: CustomTestStringConvertible, Sendable {
        var text: String
        /// A phrase the message must contain, saying what is wrong.
        var says: String
        var testDescription: String { "\"\(text)\"" }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "8080", says: "is not an address"),
        Invalid(text: "", says: "is not an address"),
        Invalid(text: "localhost", says: "is not an address"),
        Invalid(text: ":", says: "no valid port"),
        Invalid(text: "127.0.0.1:", says: "no valid port"),
        Invalid(text: ":65536", says: "no valid port"),
        Invalid(text: ":-1", says: "no valid port"),
        Invalid(text: ":+80", says: "no valid port"),
        Invalid(text: ":80a", says: "no valid port"),
        Invalid(text: ":http", says: "no valid port"),
        Invalid(text: ":0080000", says: "no valid port"),
        Invalid(text: "::1:8080", says: "put an IPv6 host in brackets"),
        Invalid(text: "[::1:8080", says: "brackets"),
        Invalid(text: "::1]:8080", says: "brackets"),
        Invalid(text: "[]:8080", says: "brackets"),
        Invalid(text: "my host:8080", says: "no valid host"),
    ]

    @Test(arguments: invalid)
    func rejectsBadFormsNamingTheFlag(_ row: Invalid) {
        do {
            let parsed = try ListenAddress.parse(row.text, setting: "metricsBindAddress")
            Issue.record("\"\(row.text)\" parsed as \(String(describing: parsed)); expected an error")
        } catch {
            #expect(error.setting == "metricsBindAddress")
            let message = "\(error)"
            #expect(message.contains("--metrics-bind-address"), "\(message)")
            #expect(message.contains("TRUSTLINE_METRICS_BIND_ADDRESS"), "\(message)")
            #expect(message.contains("\"\(row.text)\""), "the message quotes the input: \(message)")
            #expect(message.contains(row.says), "\(message)")
        }
    }

    @Test(arguments: [
        ("metricsBindAddress", "--metrics-bind-address", "TRUSTLINE_METRICS_BIND_ADDRESS"),
        ("healthProbeBindAddress", "--health-probe-bind-address", "TRUSTLINE_HEALTH_PROBE_BIND_ADDRESS"),
    ])
    func namesTheSettingAsFlagAndVariable(setting: String, flag: String, variable: String) {
        #expect(ListenAddress.flag(of: setting) == flag)
        #expect(ListenAddress.environmentVariable(of: setting) == variable)
    }

    @Test(arguments: [
        (ListenAddress(host: "::1", port: 8081), "[::1]:8081"),
        (ListenAddress(host: "127.0.0.1", port: 0), "127.0.0.1:0"),
        (ListenAddress(host: "0.0.0.0", port: 8080), "0.0.0.0:8080"),
    ])
    func describesAsHostPort(address: ListenAddress, text: String) {
        #expect(address.description == text)
    }
}
