import Foundation
import Synchronization

/// How far the server's clock is from ours, learned from a clock-skew error's `Date` header and
/// kept for every later request of the client, so a skewed host signs correctly after one miss.
public final class ClockOffset: Sendable {
    /// Skews smaller than this are not corrected (the SDKs use five minutes, well within SigV4's window).
    public static let threshold: TimeInterval = 300

    private let seconds: Mutex<TimeInterval>

    public init(seconds: TimeInterval = 0) {
        self.seconds = Mutex(seconds)
    }

    /// Seconds to add to the local clock to get the server's.
    public var current: TimeInterval { seconds.withLock { $0 } }

    /// Learns the server time from a clock-skew error's `Date` header. Returns `true` when the
    /// failed request was signed more than the threshold away from the server's clock, so a
    /// re-signed retry can succeed; the kept offset changes only when it is off by that much too
    /// (another call may have corrected it already).
    func adopt(serverDate: Date, localNow: Date, signedWithOffset: TimeInterval) -> Bool {
        let observed = serverDate.timeIntervalSince(localNow)
        guard abs(observed - signedWithOffset) > Self.threshold else { return false }
        seconds.withLock { offset in
            if abs(observed - offset) > Self.threshold { offset = observed }
        }
        return true
    }
}

/// Parses the HTTP `Date` header (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), by hand so it
/// needs no shared formatter.
enum HTTPDateHeader {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ value: String) -> Date? {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC",
              let day = Int(parts[1]),
              let monthIndex = months.firstIndex(of: String(parts[2])),
              let year = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
              let utc = TimeZone(identifier: "UTC")
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar.date(from: DateComponents(
            year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second))
    }
}
