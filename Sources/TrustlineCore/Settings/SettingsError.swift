/// A setting that could not be read or is out of range; `setting` is the camelCase key
/// (for example `guardrails.deniedActions`), and the message says what to write instead.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var setting: String
    public var message: String

    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "setting \(setting): \(message)" }
}
