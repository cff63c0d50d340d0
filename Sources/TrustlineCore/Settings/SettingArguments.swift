/// The setting flags of one command line, taken out of it. swift-argument-parser only knows
/// options declared as properties, so the flags of the settings would have to be spelled once
/// more per setting; instead the CLI hands its arguments here first, every flag is recognised
/// from `SettingKey` (docs/design.md section 3), and what is left goes to the parser.
public struct SettingArguments: Sendable, Equatable {
    /// The settings given as flags, by key: the flag layer of `SettingsLoader`.
    public var flags: [String: RawSetting]
    /// Every other argument, in order, for the command's own parser.
    public var remaining: [String]

    public init(flags: [String: RawSetting] = [:], remaining: [String] = []) {
        self.flags = flags
        self.remaining = remaining
    }

    /// Splits `arguments` (the ones after the subcommand's name) into the flags of `settings`
    /// and the rest. A valued flag reads `--flag value` or `--flag=value`; a boolean reads
    /// `--flag` or `--no-flag`; a list flag may repeat; a scalar given twice keeps the last, as
    /// the parser's own options do. Nothing after `--` is a flag.
    public static func extract(_ arguments: [String], settings: [SettingKey]) throws(SettingsError) -> SettingArguments {
        var result = SettingArguments()
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                result.remaining.append(contentsOf: arguments[(index - 1)...])
                break
            }
            let name = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? argument
            let inline = argument.count > name.count ? String(argument.dropFirst(name.count + 1)) : nil
            if let setting = settings.first(where: { $0.flag == name }) {
                let value: String
                if setting.kind == .bool {
                    value = inline ?? "true"
                } else if let inline {
                    value = inline
                } else if index < arguments.endIndex, !arguments[index].hasPrefix("--") {
                    value = arguments[index]
                    index += 1
                } else {
                    throw SettingsError(
                        setting: setting.key, message: "\(setting.flag) needs a value; write \(setting.flag) <\(setting.valueName ?? "value")>")
                }
                result.add(value, for: setting)
            } else if inline == nil, let setting = settings.first(where: { $0.kind == .bool && $0.negatedFlag == name }) {
                result.add("false", for: setting)
            } else {
                result.remaining.append(argument)
            }
        }
        return result
    }

    private mutating func add(_ value: String, for setting: SettingKey) {
        guard setting.kind == .list else {
            flags[setting.key] = .scalar(value)
            return
        }
        if case .list(let earlier)? = flags[setting.key] {
            flags[setting.key] = .list(earlier + [value])
        } else {
            flags[setting.key] = .list([value])
        }
    }
}
