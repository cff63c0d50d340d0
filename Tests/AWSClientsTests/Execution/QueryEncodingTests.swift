@testable import AWSClients
import Foundation
import Testing

/// The form encoding moto's verifier and botocore agree on, and the HTTP Date header parser.
@Suite struct QueryEncodingTests {
    @Test(arguments: [
        ("plain-Name_1.0~", "plain-Name_1.0~"),
        ("a b", "a+b"),
        ("/trustline/", "%2Ftrustline%2F"),
        (#"{"Version":"2012-10-17"}"#, "%7B%22Version%22%3A%222012-10-17%22%7D"),
        ("a+b=c&d", "a%2Bb%3Dc%26d"),
        ("s3:*", "s3%3A%2A"),
        ("é", "%C3%A9"),
    ])
    func percentEncodesLikeBotocore(raw: String, encoded: String) {
        #expect(QueryForm.percentEncode(raw) == encoded)
    }

    @Test func encodesParametersInOrder() {
        let body = QueryForm.encode([("Action", "TagRole"), ("Tags.member.1.Key", "team"), ("Tags.member.1.Value", "a b")])
        #expect(String(decoding: body, as: UTF8.self) == "Action=TagRole&Tags.member.1.Key=team&Tags.member.1.Value=a+b")
    }

    @Test func parsesHTTPDates() throws {
        let date = try #require(HTTPDateHeader.parse("Sun, 29 Nov 2026 13:44:39 GMT"))
        #expect(date.timeIntervalSince1970 == 1_795_959_879)
        #expect(HTTPDateHeader.parse("Sunday, 29-Nov-26 13:44:39 GMT") == nil)
        #expect(HTTPDateHeader.parse("Sun, 29 Foo 2026 13:44:39 GMT") == nil)
        #expect(HTTPDateHeader.parse("") == nil)
    }

    @Test func smallSkewsAreIgnoredLargeOnesAdopted() {
        let offset = ClockOffset()
        let now = Date()
        #expect(!offset.adopt(serverDate: now.addingTimeInterval(120), localNow: now, signedWithOffset: 0),
                "2 minutes is within SigV4's window")
        #expect(offset.current == 0)
        #expect(offset.adopt(serverDate: now.addingTimeInterval(-3600), localNow: now, signedWithOffset: 0))
        #expect(offset.current == -3600)
        // A concurrent request signed before the correction: retry it, keep the learned offset.
        #expect(offset.adopt(serverDate: now.addingTimeInterval(-3590), localNow: now, signedWithOffset: 0))
        #expect(offset.current == -3600)
        // A request signed with the corrected clock that still fails is not a skew problem.
        #expect(!offset.adopt(serverDate: now.addingTimeInterval(-3590), localNow: now, signedWithOffset: -3600))
    }
}
