import Foundation

/// RFC 3339 timestamps with second precision and random UIDs, as the API server writes them.
enum Stamp {
    static func now(_ date: Date = Date()) -> String {
        date.formatted(.iso8601)
    }

    static func uid() -> String { UUID().uuidString.lowercased() }
}
