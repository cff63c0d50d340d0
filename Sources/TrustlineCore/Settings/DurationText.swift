/// Parses and formats durations the way kubectl and controller flags write them
/// (`500ms`, `20s`, `10m`, `1h`, `1h30m`, `1.5h`), so settings read like the rest of the cluster.
public enum DurationText {
    private static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Parses `text`; errors name `setting` and show the accepted form.
    public static func parse(_ text: String, setting: String) throws(SettingsError) -> Duration {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw invalid(text, setting) }
        if trimmed == "0" { return .zero }
        var scalars = Substring(trimmed)
        var negative = false
        if scalars.first == "-" || scalars.first == "+" {
            negative = scalars.first == "-"
            scalars = scalars.dropFirst()
        }
        guard !negative else {
            throw SettingsError(setting: setting, message: "duration \"\(text)\" is negative; give a positive duration such as 10m")
        }
        var totalNanoseconds: Double = 0
        while !scalars.isEmpty {
            let numberPart = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !numberPart.isEmpty, let value = Double(numberPart) else { throw invalid(text, setting) }
            scalars = scalars.dropFirst(numberPart.count)
            let unitPart = scalars.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units.first(where: { $0.suffix == unitPart }) else { throw invalid(text, setting) }
            scalars = scalars.dropFirst(unitPart.count)
            totalNanoseconds += value * unit.nanoseconds
        }
        guard totalNanoseconds < 9.2e18 else {
            throw SettingsError(setting: setting, message: "duration \"\(text)\" is too long")
        }
        let whole = Int64(totalNanoseconds.rounded())
        return .nanoseconds(whole)
    }

    /// Formats `duration` compactly: `1h30m`, `10m`, `20s`, `500ms`, `0s`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var nanoseconds = Int64(seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
        if nanoseconds == 0 { return "0s" }
        var output = nanoseconds < 0 ? "-" : ""
        nanoseconds = abs(nanoseconds)
        let hours = nanoseconds / 3_600_000_000_000
        nanoseconds %= 3_600_000_000_000
        let minutes = nanoseconds / 60_000_000_000
        nanoseconds %= 60_000_000_000
        let wholeSeconds = nanoseconds / 1_000_000_000
        nanoseconds %= 1_000_000_000
        if hours > 0 { output += "\(hours)h" }
        if minutes > 0 { output += "\(minutes)m" }
        if wholeSeconds > 0 { output += "\(wholeSeconds)s" }
        if nanoseconds > 0 {
            if nanoseconds % 1_000_000 == 0 {
                output += "\(nanoseconds / 1_000_000)ms"
            } else if nanoseconds % 1000 == 0 {
                output += "\(nanoseconds / 1000)us"
            } else {
                output += "\(nanoseconds)ns"
            }
        }
        return output
    }

    private static func invalid(_ text: String, _ setting: String) -> SettingsError {
        SettingsError(setting: setting, message: "\"\(text)\" is not a duration; write it like 500ms, 20s, 10m, 1h or 1h30m")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
