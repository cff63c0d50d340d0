/// The `--help` section of the setting flags, made from `SettingKey` like the flags themselves,
/// laid out as swift-argument-parser lays out its own options (a 28-column label, wrapped
/// text) so the two read as one page.
public enum SettingsHelp {
    static let labelWidth = 28

    /// `TITLE:` then one entry per setting naming its flag, variable and file key.
    public static func section(title: String, settings: [SettingKey], width: Int = 80) -> String {
        var lines = ["\(title.uppercased()):"]
        for setting in settings {
            var label = "  " + setting.flag
            if let valueName = setting.valueName {
                label += " <\(valueName)>"
            } else {
                label += "/" + setting.negatedFlag
            }
            let text = wrap(description(of: setting), width: max(width - labelWidth, 20))
            if label.count < labelWidth - 1, let first = text.first {
                lines.append(label.padding(toLength: labelWidth) + first)
                lines.append(contentsOf: text.dropFirst().map { String(repeating: " ", count: labelWidth) + $0 })
            } else {
                lines.append(label)
                lines.append(contentsOf: text.map { String(repeating: " ", count: labelWidth) + $0 })
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary, how a list is written, and the other two spellings.
    static func description(of setting: SettingKey) -> String {
        let list = setting.kind == .list ? " Repeat the flag or separate with commas." : ""
        let noDefault = setting.summary.contains("default") || setting.summary.contains("required") ? "" : " (default: none)"
        return "\(setting.summary)\(noDefault)\(list) Env: \(setting.environmentVariable). File: \(setting.key)."
    }

    /// Greedy word wrap; a word longer than the width gets a line of its own.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
