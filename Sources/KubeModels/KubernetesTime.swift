import Foundation

/// Formats and parses the API's two timestamp encodings: `Time` (RFC 3339, seconds, UTC `Z`)
/// and `MicroTime` (RFC 3339 with six fractional digits), used by Events and Leases.
public enum KubernetesTime {
    /// `2026-11-29T13:45:25Z`.
    public static func format(_ date: Date) -> String {
        let seconds = floor(date.timeIntervalSince1970)
        return Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    /// `2026-11-29T13:45:25.123456Z`.
    public static func formatMicro(_ date: Date) -> String {
        let total = date.timeIntervalSince1970
        let seconds = floor(total)
        let micros = min(999_999, Int(((total - seconds) * 1_000_000).rounded()))
        let base = format(Date(timeIntervalSince1970: seconds)).dropLast()  // drop "Z"
        let fraction = String(micros)
        return "\(base).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)Z"
    }

    /// Parses RFC 3339 with or without fractional seconds, `Z` or a numeric offset.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? withFraction.parse(text) { return date }
        // Offsets such as +02:00 with fractions beyond milliseconds: strip the fraction.
        if let dot = text.firstIndex(of: "."),
            let end = text[dot...].firstIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" })
        {
            let fraction = Double("0" + text[dot..<end]) ?? 0
            let trimmed = String(text[..<dot]) + String(text[end...])
            if let date = try? Date(trimmed, strategy: .iso8601) {
                return date.addingTimeInterval(fraction)
            }
        }
        return nil
    }
}
