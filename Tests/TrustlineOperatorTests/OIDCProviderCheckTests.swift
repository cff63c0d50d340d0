import AWSClients
import Foundation
import Testing
import TrustlineCore
@testable import TrustlineOperator

/// The OIDC provider check against the in-memory IAM: concurrent reconciles share one check, a
/// positive answer is remembered for one refresh interval, misses and failures are not, and a
/// managed provider gets every audience in use as a client id.
@Suite struct OIDCProviderCheckTests {
    typealias Failure = OIDCProviderCheck.Failure

    static let arn = ReconcilerHarness.providerArn
    static let sts = "sts.amazonaws.com"

    /// A check over a fresh in-memory IAM, a hand-moved clock and captured logs. Provider calls
    /// take `latency`, as a real round trip does, so concurrent callers overlap.
    struct Fixture: Sendable {
        let iam = InMemoryIAM()
        let clock = TestWallClock()
        let logs = CapturedLogs()
        let check: OIDCProviderCheck

        init(refresh: Duration = .seconds(600), latency: Duration = .milliseconds(250)) {
            check = OIDCProviderCheck(iam: iam, clock: clock, refreshInterval: refresh)
            for action in [
                "ListOpenIDConnectProviders", "CreateOpenIDConnectProvider", "GetOpenIDConnectProvider",
                "AddClientIDToOpenIDConnectProvider",
            ] {
                iam.delay(action, by: latency)
            }
        }

        func ensure(manage: Bool, audiences: [String] = [OIDCProviderCheckTests.sts]) async throws(Failure) {
            try await check.ensureExists(
                arn: OIDCProviderCheckTests.arn, issuerURL: ReconcilerHarness.issuer, manage: manage, audiences: audiences,
                thumbprints: [String(repeating: "c", count: 40)], logger: logs.logger())
        }

        /// The failure of one call, nil when it succeeded.
        func outcome(manage: Bool, audiences: [String] = [OIDCProviderCheckTests.sts]) async -> Failure? {
            do throws(Failure) {
                try await ensure(manage: manage, audiences: audiences)
                return nil
            } catch {
                return error
            }
        }

        /// Runs `count` calls at once; the i-th uses `audiences(i)`. Returns each call's outcome.
        func concurrently(
            _ count: Int, manage: Bool, audiences: @escaping @Sendable (Int) -> [String] = { _ in [OIDCProviderCheckTests.sts] }
        ) async -> [Failure?] {
            await withTaskGroup(of: Failure?.self) { group in
                for index in 0..<count {
                    group.addTask { await outcome(manage: manage, audiences: audiences(index)) }
                }
                var outcomes: [Failure?] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
        }

        func seedProvider(clientIds: [String] = [OIDCProviderCheckTests.sts]) {
            iam.seedOIDCProvider(issuerHostAndPath: ReconcilerHarness.issuerHostAndPath, clientIds: clientIds)
        }

        func count(_ action: String) -> Int { iam.calls(action).count }
        var addedClientIds: [String] { iam.calls("AddClientIDToOpenIDConnectProvider").compactMap(\.detail) }
    }

    // MARK: Single flight

    @Test(arguments: [20, 50])
    func concurrentCallsAtStartMakeOneListAndOneCreate(callers: Int) async throws {
        let fixture = Fixture()

        let outcomes = await fixture.concurrently(callers, manage: true)

        #expect(outcomes.count == callers)
        #expect(outcomes.allSatisfy { $0 == nil }, "every caller succeeds: \(outcomes.compactMap { $0 })")
        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders", "CreateOpenIDConnectProvider"])
        let provider = try #require(fixture.iam.provider(Self.arn))
        #expect(provider.url == ReconcilerHarness.issuerHostAndPath)
        #expect(provider.clientIds == [Self.sts])
        #expect(provider.thumbprints == [String(repeating: "c", count: 40)])
        #expect(fixture.logs.all.filter { $0.message == "created IAM OIDC provider" }.count == 1)
    }

    @Test func concurrentCallsForAnExistingProviderMakeOneList() async {
        let fixture = Fixture()
        fixture.seedProvider()

        let outcomes = await fixture.concurrently(30, manage: false)

        #expect(outcomes.allSatisfy { $0 == nil })
        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders"])
    }

    @Test func concurrentCallersWithDifferentAudiencesGetEachAddedOnce() async throws {
        let fixture = Fixture()
        let audiences = [Self.sts, "vault", "kafka"]

        let outcomes = await fixture.concurrently(30, manage: true) { [audiences[$0 % 3]] }

        #expect(outcomes.allSatisfy { $0 == nil }, "\(outcomes.compactMap { $0 })")
        #expect(fixture.count("ListOpenIDConnectProviders") == 1)
        #expect(fixture.count("CreateOpenIDConnectProvider") == 1)
        let provider = try #require(fixture.iam.provider(Self.arn))
        #expect(Set(provider.clientIds) == Set(audiences))
        // The provider was created with the first caller's audience; each other one is added once.
        let added = fixture.addedClientIds
        #expect(Set(added).count == added.count, "no client id added twice: \(added)")
        #expect(added.count == 1 || added.count == 2, "\(added)")
        #expect(!added.contains(Self.sts), "the created provider lists sts.amazonaws.com: \(added)")
        #expect(fixture.count("GetOpenIDConnectProvider") <= 2)

        fixture.iam.resetCalls()
        #expect(await fixture.concurrently(9, manage: true) { [audiences[$0 % 3]] }.allSatisfy { $0 == nil })
        #expect(fixture.iam.calls.isEmpty, "known client ids answer without a call: \(fixture.iam.actionNames)")
    }

    // MARK: Remembering

    @Test func confirmedAnswerIsReusedWithinTheRefreshIntervalAndAskedAgainAfterIt() async throws {
        let fixture = Fixture(refresh: .seconds(600), latency: .zero)
        fixture.seedProvider()

        try await fixture.ensure(manage: false)
        #expect(fixture.count("ListOpenIDConnectProviders") == 1)

        fixture.clock.advance(seconds: 599)
        try await fixture.ensure(manage: false)
        #expect(fixture.count("ListOpenIDConnectProviders") == 1, "within the interval: no call")

        fixture.clock.advance(seconds: 2)
        try await fixture.ensure(manage: false)
        #expect(fixture.count("ListOpenIDConnectProviders") == 2, "after the interval: asked again")
        try await fixture.ensure(manage: false)
        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders", "ListOpenIDConnectProviders"])
    }

    @Test func providerDeletedAfterTheIntervalIsNoticed() async throws {
        let fixture = Fixture(refresh: .seconds(60), latency: .zero)
        fixture.seedProvider()
        try await fixture.ensure(manage: false)

        fixture.iam.removeOIDCProvider(Self.arn)
        try await fixture.ensure(manage: false)
        fixture.clock.advance(seconds: 61)
        let error = await fixture.outcome(manage: false)

        #expect(error == .missing(arn: Self.arn))
    }

    @Test func missingUnmanagedProviderIsAskedAgainOnEveryAttempt() async throws {
        let fixture = Fixture()

        let first = await fixture.concurrently(20, manage: false)
        #expect(first.allSatisfy { $0 == .missing(arn: Self.arn) }, "\(first)")
        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders"], "concurrent callers share one call")

        #expect(await fixture.outcome(manage: false) == .missing(arn: Self.arn))
        #expect(fixture.count("ListOpenIDConnectProviders") == 2, "a miss is not remembered")
        #expect(fixture.count("CreateOpenIDConnectProvider") == 0)

        // The administrator creates it: the next attempt sees it.
        fixture.seedProvider()
        #expect(await fixture.outcome(manage: false) == nil)
        #expect(fixture.count("ListOpenIDConnectProviders") == 3)
    }

    // MARK: Creating

    @Test func createRacedByAnotherWriterSucceeds() async throws {
        let fixture = Fixture(latency: .zero)
        fixture.iam.beforeNext("CreateOpenIDConnectProvider") { iam in
            iam.seedOIDCProvider(issuerHostAndPath: ReconcilerHarness.issuerHostAndPath, clientIds: [Self.sts])
        }

        try await fixture.ensure(manage: true)

        // The other writer's client ids are unknown: one read, and nothing to add.
        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders", "CreateOpenIDConnectProvider", "GetOpenIDConnectProvider"])
        fixture.iam.resetCalls()
        try await fixture.ensure(manage: true)
        #expect(fixture.iam.calls.isEmpty)
    }

    @Test func createdProviderGetsTheCallersAudiences() async throws {
        let fixture = Fixture(latency: .zero)

        try await fixture.ensure(manage: true, audiences: ["vault"])

        #expect(fixture.iam.provider(Self.arn)?.clientIds == [Self.sts, "vault"])
        fixture.iam.resetCalls()
        try await fixture.ensure(manage: true, audiences: ["vault"])
        try await fixture.ensure(manage: true, audiences: [Self.sts])
        #expect(fixture.iam.calls.isEmpty, "the created provider's client ids are known")
    }

    // MARK: Audiences in use

    @Test func newAudienceIsAddedWithOneGetAndOneAddThenRemembered() async throws {
        let fixture = Fixture()
        fixture.seedProvider(clientIds: [Self.sts])
        try await fixture.ensure(manage: true)
        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders", "GetOpenIDConnectProvider"])
        fixture.iam.resetCalls()

        let outcomes = await fixture.concurrently(20, manage: true) { _ in ["vault"] }

        #expect(outcomes.allSatisfy { $0 == nil }, "\(outcomes.compactMap { $0 })")
        #expect(fixture.iam.actionNames == ["GetOpenIDConnectProvider", "AddClientIDToOpenIDConnectProvider"])
        #expect(fixture.addedClientIds == ["vault"])
        #expect(fixture.iam.provider(Self.arn)?.clientIds == [Self.sts, "vault"])
        #expect(fixture.logs.all.contains { $0.message.contains("client id") && $0.metadata["clientId"] == "vault" })

        fixture.iam.resetCalls()
        try await fixture.ensure(manage: true, audiences: ["vault"])
        try await fixture.ensure(manage: true, audiences: [Self.sts])
        #expect(fixture.iam.calls.isEmpty, "steady state makes no call")
    }

    @Test func missingStsClientIdIsAddedToAManagedProvider() async throws {
        let fixture = Fixture(latency: .zero)
        fixture.seedProvider(clientIds: ["vault"])

        try await fixture.ensure(manage: true, audiences: ["vault"])

        #expect(fixture.addedClientIds == [Self.sts])
        #expect(fixture.iam.provider(Self.arn)?.clientIds == ["vault", Self.sts])
    }

    @Test func unmanagedProviderClientIdsAreLeftAlone() async throws {
        let fixture = Fixture(latency: .zero)
        fixture.seedProvider(clientIds: [Self.sts])

        try await fixture.ensure(manage: false, audiences: ["vault"])

        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders"])
        #expect(fixture.iam.provider(Self.arn)?.clientIds == [Self.sts])
    }

    @Test func clientIdsAreCheckedAgainOncePerRefreshInterval() async throws {
        let fixture = Fixture(refresh: .seconds(600), latency: .zero)
        fixture.seedProvider(clientIds: [Self.sts, "vault"])
        try await fixture.ensure(manage: true, audiences: ["vault"])
        fixture.iam.setOIDCProviderClientIds(Self.arn, [Self.sts])  // removed behind the operator's back
        fixture.iam.resetCalls()

        fixture.clock.advance(seconds: 300)
        try await fixture.ensure(manage: true, audiences: ["vault"])
        #expect(fixture.iam.calls.isEmpty)

        fixture.clock.advance(seconds: 301)
        try await fixture.ensure(manage: true, audiences: ["vault"])
        #expect(fixture.iam.actionNames == [
            "ListOpenIDConnectProviders", "GetOpenIDConnectProvider", "AddClientIDToOpenIDConnectProvider",
        ])
        #expect(fixture.iam.provider(Self.arn)?.clientIds == [Self.sts, "vault"])
    }

    // MARK: Failures

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var action: String
        var manage: Bool
        var providerExists: Bool
        var audience: String
        var testDescription: String { action }
    }

    @Test(arguments: [
        FailureCase(action: "ListOpenIDConnectProviders", manage: false, providerExists: true, audience: OIDCProviderCheckTests.sts),
        FailureCase(action: "CreateOpenIDConnectProvider", manage: true, providerExists: false, audience: OIDCProviderCheckTests.sts),
        FailureCase(action: "GetOpenIDConnectProvider", manage: true, providerExists: true, audience: OIDCProviderCheckTests.sts),
        FailureCase(action: "AddClientIDToOpenIDConnectProvider", manage: true, providerExists: true, audience: "vault"),
    ])
    func iamFailureIsReportedSharedAndNotRemembered(testCase: FailureCase) async throws {
        let fixture = Fixture()
        if testCase.providerExists { fixture.seedProvider() }
        let failure = InMemoryIAM.error("ServiceFailure", "internal error", status: 500)
        fixture.iam.fail(testCase.action, with: failure)

        let outcomes = await fixture.concurrently(10, manage: testCase.manage) { _ in [testCase.audience] }

        let expected = Failure.iam(action: testCase.action, failure)
        #expect(outcomes.allSatisfy { $0 == expected }, "\(outcomes)")
        #expect(fixture.count(testCase.action) == 1, "concurrent callers share the failed call")

        #expect(await fixture.outcome(manage: testCase.manage, audiences: [testCase.audience]) == nil)
        #expect(fixture.count(testCase.action) == 2, "a failure is not remembered")
        #expect(fixture.iam.provider(Self.arn)?.clientIds.contains(testCase.audience) == true)
    }

    @Test(arguments: [
        ("GetOpenIDConnectProvider", OIDCProviderCheckTests.sts), ("AddClientIDToOpenIDConnectProvider", "vault"),
    ])
    func providerDeletedWhileItsClientIdsAreUpdatedIsCheckedAgain(action: String, audience: String) async throws {
        let fixture = Fixture(latency: .zero)
        fixture.seedProvider(clientIds: [Self.sts])
        fixture.iam.beforeNext(action) { iam in iam.removeOIDCProvider(Self.arn) }

        let error = await fixture.outcome(manage: true, audiences: [audience])

        guard case .iam(action: action, let cause) = error, cause.isNoSuchEntity else {
            Issue.record("expected \(action) NoSuchEntity, got \(String(describing: error))")
            return
        }
        fixture.iam.resetCalls()
        #expect(await fixture.outcome(manage: true, audiences: [audience]) == nil)
        #expect(fixture.iam.actionNames == ["ListOpenIDConnectProviders", "CreateOpenIDConnectProvider"])
        #expect(fixture.iam.provider(Self.arn)?.clientIds == OIDCProviderClients.clientIds(audiences: [audience]))
    }
}
