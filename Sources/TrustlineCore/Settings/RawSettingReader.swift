/// Types raw values; every error names the setting.
struct RawSettingReader {
    var values: [String: RawSetting]

    func string(_ key: String) throws(SettingsError) -> String? {
        switch values[key] {
        case nil: return nil
        case .scalar(let text)?: return text.trimmingWhitespace()
        case .list(let items)?:
            guard items.count <= 1 else { throw SettingsError(setting: key, message: "given \(items.count) times; give it once") }
            return items.first?.trimmingWhitespace()
        }
    }

    func list(_ key: String) throws(SettingsError) -> [String]? {
        switch values[key] {
        case nil: return nil
        case .scalar(let text)?:
            return text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        case .list(let items)?:
            return items.flatMap { $0.split(separator: ",").map { String($0).trimmingWhitespace() } }.filter { !$0.isEmpty }
        }
    }

    func bool(_ key: String) throws(SettingsError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes", "on", "": return true
        case "false", "0", "no", "off": return false
        default: throw SettingsError(setting: key, message: "\"\(text)\" is not a boolean; use true or false")
        }
    }

    func integer(_ key: String) throws(SettingsError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text) else { throw SettingsError(setting: key, message: "\"\(text)\" is not a whole number") }
        return value
    }

    func duration(_ key: String) throws(SettingsError) -> Duration? {
        guard let text = try string(key) else { return nil }
        return try DurationText.parse(text, setting: key)
    }
}
