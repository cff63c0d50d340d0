import Foundation
import Logging
import Testing
@testable import TrustlineOperator

/// The operator's log lines, in both formats, read back as a log pipeline would.
struct StructuredLogHandlerTests {
    @Test(arguments: StructuredLogHandler.Format.allCases)
    func aLineCarriesTimeLevelLoggerMessageAndMetadata(_ format: StructuredLogHandler.Format) throws {
        let lines = LogLines()
        var logger = lines.logger(format: format, label: "trustline.reconciler")
        logger[metadataKey: "resource"] = "production/my-app"
        logger.warning("role updated", metadata: ["role": "prod.production.my-app", "calls": "2"])

        let fields = try #require(try lines.parsed(format).first)
        #expect(lines.raw.count == 1)
        #expect(fields["level"] == "warning")
        #expect(fields["msg"] == "role updated")
        #expect(fields["logger"] == "trustline.reconciler")
        #expect(fields["resource"] == "production/my-app")
        #expect(fields["role"] == "prod.production.my-app")
        #expect(fields["calls"] == "2")
        let time = try #require(fields["time"])
        let parsed = try Date(time, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        #expect(abs(parsed.timeIntervalSinceNow) < 60, "time \(time) is now")
        #expect(Set(fields.keys) == ["time", "level", "logger", "msg", "resource", "role", "calls"])
    }

    @Test func logfmtPutsTheFixedFieldsFirstThenMetadataSorted() throws {
        let lines = LogLines()
        lines.logger(format: .logfmt).info("reconciled", metadata: ["zeta": "1", "alpha": "2"])
        let line = try #require(lines.raw.first)
        let keys = line.split(separator: " ").map { String($0.prefix { $0 != "=" }) }
        #expect(keys == ["time", "level", "logger", "msg", "alpha", "zeta"])
        #expect(line.contains(" level=info logger=trustline.test msg=reconciled alpha=2 zeta=1\n"))
    }

    static let awkwardValues = [
        "two words", "a=b", "say \"hi\"", "back\\slash", "line\nbreak", "tab\there", "carriage\rreturn", "", "bell\u{07}",
        "ünïcödé ✓", "trailing space ",
    ]

    @Test(arguments: StructuredLogHandler.Format.allCases, awkwardValues)
    func awkwardValuesRoundTrip(_ format: StructuredLogHandler.Format, value: String) throws {
        let lines = LogLines()
        lines.logger(format: format).info("\(value)", metadata: ["value": "\(value)"])
        let fields = try #require(try lines.parsed(format).first)
        #expect(fields["msg"] == value)
        #expect(fields["value"] == value)
    }

    @Test(arguments: StructuredLogHandler.Format.allCases)
    func metadataCannotShadowTheFixedFields(_ format: StructuredLogHandler.Format) throws {
        let lines = LogLines()
        lines.logger(format: format).error("real message", metadata: ["level": "debug", "msg": "forged"])
        let fields = try #require(try lines.parsed(format).first)
        #expect(fields["level"] == "error")
        #expect(fields["msg"] == "real message")
    }

    @Test func logfmtKeysWithSpacesOrEqualsStayParseable() throws {
        let lines = LogLines()
        lines.logger(format: .logfmt).info("odd keys", metadata: ["two words": "1", "a=b": "2", "": "3"])
        let fields = try #require(try lines.parsed(.logfmt).first)
        #expect(fields["two_words"] == "1")
        #expect(fields["a_b"] == "2")
        #expect(fields["_"] == "3")
    }

    @Test(arguments: [
        (Logger.Level.info, ["info", "warning", "error"]),
        (Logger.Level.warning, ["warning", "error"]),
        (Logger.Level.trace, ["trace", "debug", "info", "warning", "error"]),
    ])
    func linesBelowTheLevelAreDropped(level: Logger.Level, written: [String]) throws {
        let lines = LogLines()
        let logger = lines.logger(format: .json, level: level)
        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.warning("w")
        logger.error("e")
        #expect(try lines.parsed(.json).compactMap { $0["level"] } == written)
    }

    @Test(arguments: StructuredLogHandler.Format.allCases)
    func providedAndCallMetadataMergeWithCallWinning(_ format: StructuredLogHandler.Format) throws {
        let lines = LogLines()
        var logger = lines.logger(format: format, metadataProvider: Logger.MetadataProvider { ["trace": "abc", "resource": "from-provider"] })
        logger[metadataKey: "resource"] = "from-logger"
        logger[metadataKey: "worker"] = "3"
        logger.info("merged", metadata: ["resource": "ns/name"])
        let fields = try #require(try lines.parsed(format).first)
        #expect(fields["trace"] == "abc")
        #expect(fields["worker"] == "3")
        #expect(fields["resource"] == "ns/name")
    }
}
