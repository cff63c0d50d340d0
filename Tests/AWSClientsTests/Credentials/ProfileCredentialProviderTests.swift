import AWSSigV4
import Foundation
import Testing
@testable import AWSClients

@Suite struct ProfileCredentialProviderTests {
    static let credentialsText = """
        # comment line
        ; another comment
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key=secret-default

        [dev]
        aws_access_key_id =   AKIDDEV\r
        aws_secret_access_key = secret/dev+key==\r
        aws_session_token = token-dev
        s3 =
          max_concurrent_requests = 10

        [half]
        aws_access_key_id = AKIDHALF

        [shared]
        aws_access_key_id = AKIDFROMCREDENTIALS
        """
    static let configText = """
        [default]
        region = us-west-2

        [profile ci]
        region = eu-west-1
        aws_access_key_id = AKIDCI
        aws_secret_access_key = secret-ci

        [profile shared]
        aws_access_key_id = AKIDFROMCONFIG
        aws_secret_access_key = secret-from-config

        [profile assumer]
        role_arn = arn:aws:iam::123456789012:role/x
        source_profile = default

        [profile regiononly]
        region = us-east-2

        [bare]
        aws_access_key_id = AKIDBARE
        aws_secret_access_key = secret-bare
        """

    /// Writes both files into a fresh directory and returns a provider for `profile` via `AWS_PROFILE`.
    static func provider(
        in directory: TemporaryCredentialDirectory, awsProfile: String?,
        credentials: String? = credentialsText, config: String? = configText
    ) throws -> ProfileCredentialProvider {
        if let credentials { try directory.write(".aws/credentials", credentials) }
        if let config { try directory.write(".aws/config", config) }
        var environment = ["HOME": directory.url.path]
        if let awsProfile { environment["AWS_PROFILE"] = awsProfile }
        return ProfileCredentialProvider(environment: environment)
    }

    @Test(arguments: [
        (nil, AWSCredentials(accessKeyId: "AKIDDEFAULT", secretAccessKey: "secret-default")),
        ("dev", AWSCredentials(accessKeyId: "AKIDDEV", secretAccessKey: "secret/dev+key==", sessionToken: "token-dev")),
        ("ci", AWSCredentials(accessKeyId: "AKIDCI", secretAccessKey: "secret-ci")),
        // The credentials file wins over the config file for the same key; the config fills the gap.
        ("shared", AWSCredentials(accessKeyId: "AKIDFROMCREDENTIALS", secretAccessKey: "secret-from-config")),
    ] as [(String?, AWSCredentials)])
    func readsTheSelectedProfile(awsProfile: String?, expected: AWSCredentials) throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let provider = try Self.provider(in: directory, awsProfile: awsProfile)
        #expect(try provider.credentials() == expected)
    }

    @Test func explicitParameterBeatsAWSProfile() throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        try directory.write(".aws/credentials", Self.credentialsText)
        let provider = ProfileCredentialProvider(
            profile: "dev", environment: ["HOME": directory.url.path, "AWS_PROFILE": "ci"])
        #expect(try provider.credentials().accessKeyId == "AKIDDEV")
    }

    @Test func fileLocationsComeFromTheEnvironmentWithTildeExpansion() throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        try directory.write("elsewhere/creds.ini", "[default]\naws_access_key_id=AKIDELSEWHERE\naws_secret_access_key=s\n")
        try directory.write("elsewhere/conf.ini", "[profile other]\naws_access_key_id=AKIDOTHER\naws_secret_access_key=o\n")
        let environment = [
            "HOME": directory.url.path,
            "AWS_SHARED_CREDENTIALS_FILE": "~/elsewhere/creds.ini",
            "AWS_CONFIG_FILE": directory.path("elsewhere/conf.ini"),
        ]
        let defaultProvider = ProfileCredentialProvider(environment: environment)
        #expect(defaultProvider.credentialsFilePath == directory.path("elsewhere/creds.ini"))
        #expect(try defaultProvider.credentials().accessKeyId == "AKIDELSEWHERE")
        var withProfile = environment
        withProfile["AWS_PROFILE"] = "other"
        #expect(try ProfileCredentialProvider(environment: withProfile).credentials().accessKeyId == "AKIDOTHER")
    }

    @Test func bareSectionInConfigIsAnErrorPointingAtProfilePrefix() throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let provider = try Self.provider(in: directory, awsProfile: "bare")
        let error = try #require(throws: CredentialProviderError.self) { try provider.credentials() }
        #expect(error == .malformedProfileFile(
            path: directory.path(".aws/config"), line: 20,
            reason: "section [bare] is ignored in the config file: name it [profile bare]"))
        #expect(error.description.contains("[profile bare]"))
    }

    @Test(arguments: [
        ("half", ".aws/credentials", "aws_secret_access_key"),
        ("regiononly", ".aws/config", "aws_access_key_id and aws_secret_access_key"),
    ])
    func missingKeysAreNamedWithTheFile(awsProfile: String, file: String, missing: String) throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let provider = try Self.provider(in: directory, awsProfile: awsProfile)
        let error = try #require(throws: CredentialProviderError.self) { try provider.credentials() }
        #expect(error == .profileIncomplete(profile: awsProfile, file: directory.path(file), missing: missing))
        #expect(error.description.contains(missing))
        #expect(error.description.contains(directory.path(file)))
    }

    @Test func unknownExplicitProfileIsNotFound() throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let provider = try Self.provider(in: directory, awsProfile: "nope")
        #expect(throws: CredentialProviderError.profileNotFound(
            profile: "nope", files: [directory.path(".aws/credentials"), directory.path(".aws/config")])
        ) { try provider.credentials() }
    }

    @Test func roleArnProfilesAreReportedAsUnsupported() throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let provider = try Self.provider(in: directory, awsProfile: "assumer")
        #expect(throws: CredentialProviderError.profileUnsupported(
            profile: "assumer", file: directory.path(".aws/config"), key: "role_arn")
        ) { try provider.credentials() }
    }

    @Test func noFilesAndNoProfileMeansNotConfigured() throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let provider = try Self.provider(in: directory, awsProfile: nil, credentials: nil, config: nil)
        let error = try #require(throws: CredentialProviderError.self) { try provider.credentials() }
        guard case .notConfigured(let name, let reason) = error else {
            Issue.record("expected notConfigured, got \(error)")
            return
        }
        #expect(name == "shared profile")
        #expect(reason.contains(directory.path(".aws/credentials")))
    }

    @Test func defaultProfileWithoutKeysIsNotConfigured() throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        // The config has [default] with only a region; the credentials file is absent.
        let provider = try Self.provider(in: directory, awsProfile: nil, credentials: nil)
        let error = try #require(throws: CredentialProviderError.self) { try provider.credentials() }
        #expect(error == .notConfigured(
            provider: "shared profile",
            reason: "profile 'default' in \(directory.path(".aws/config")) has no aws_access_key_id"))
    }

    @Test(arguments: [
        ("aws_access_key_id = x\n", 1, "setting outside any [section]"),
        ("[default]\nthis is not a setting\n", 2, "expected 'key = value', a [section] or a comment"),
        ("[default\naws_access_key_id = x\n", 1, "section header '[default' is not of the form [name]"),
        ("  indented = x\n[default]\n", 1, "indented line before any [section]"),
    ])
    func malformedFilesNameTheLine(text: String, line: Int, reason: String) throws {
        let directory = try TemporaryCredentialDirectory()
        defer { directory.remove() }
        let provider = try Self.provider(in: directory, awsProfile: nil, credentials: text, config: nil)
        #expect(throws: CredentialProviderError.malformedProfileFile(
            path: directory.path(".aws/credentials"), line: line, reason: reason)
        ) { try provider.credentials() }
    }
}
