// aws-bench: Trustline's IAM client against boto3 on the same moto_server in one run, plus the
// SigV4 signer's throughput. Not a test; run it in release mode:
//   swift run -c release aws-bench [--calls N] [--warmup N] [--signing-seconds S]
import AWSClients
import AWSSigV4
import Foundation
import HTTPTransport

/// Command-line options with their defaults.
struct BenchOptions {
    var calls = 200
    var warmup = 20
    var signingSeconds = 2.0
    var boto3Script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("boto3_bench.py").path

    init(arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw BenchError.usage("\(flag) needs a value") }
            switch flag {
            case "--calls": calls = try Self.positive(value, flag)
            case "--warmup": warmup = try Self.positive(value, flag)
            case "--signing-seconds":
                guard let seconds = Double(value), seconds > 0 else { throw BenchError.usage("\(flag) wants seconds > 0") }
                signingSeconds = seconds
            case "--boto3-script": boto3Script = value
            default: throw BenchError.usage("unknown option \(flag)")
            }
        }
    }

    private static func positive(_ value: String, _ flag: String) throws -> Int {
        guard let number = Int(value), number > 0 else { throw BenchError.usage("\(flag) wants a positive integer") }
        return number
    }
}

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case setup(String)

    var description: String {
        switch self {
        case let .usage(message):
            return "usage error: \(message)\nusage: aws-bench [--calls N] [--warmup N] [--signing-seconds S] [--boto3-script PATH]"
        case let .setup(message):
            return "setup failed: \(message)"
        }
    }
}

/// Per-call latencies of one run, summarised.
struct LatencySummary {
    let samples: [Double]

    var mean: Double { samples.reduce(0, +) / Double(max(samples.count, 1)) }
    func percentile(_ fraction: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))
        return sorted[index]
    }

    func line(_ label: String) -> String {
        let padded = label.padding(toLength: 10, withPad: " ", startingAt: 0)
        return "  " + padded + String(format: " mean %7.3f ms   p50 %7.3f ms   p90 %7.3f ms   (n=%d)",
               mean * 1000, percentile(0.5) * 1000, percentile(0.9) * 1000, samples.count)
    }
}

let trustPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/ABC:sub":"system:serviceaccount:bench:app"}}}]}"#

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Times Trustline's CreateRole and GetRole the same way the boto3 script times boto3's.
func measureTrustline(endpoint: AWSEndpoint, account: String, calls: Int, warmup: Int) async throws -> (create: [Double], get: [Double]) {
    let iam = IAMClient(
        configuration: AWSClientConfiguration(endpoint: endpoint, extraHeaders: ["x-moto-account-id": account]),
        httpClient: CurlHTTPClient(tls: .system),
        credentialProvider: FixedCredentials())
    func create(_ name: String) async throws {
        _ = try await iam.createRole(CreateRoleRequest(
            roleName: name, assumeRolePolicyDocument: trustPolicy, path: "/trustline/",
            tags: [IAMTag(key: "trustline.dev/cluster", value: "bench")]))
    }
    let clock = ContinuousClock()
    for index in 0..<warmup { try await create("warm-\(index)") }
    var creates: [Double] = []
    for index in 0..<calls {
        let start = clock.now
        try await create("role-\(index)")
        creates.append(seconds(clock.now - start))
    }
    for _ in 0..<warmup { _ = try await iam.getRole(roleName: "role-0") }
    var gets: [Double] = []
    for index in 0..<calls {
        let start = clock.now
        _ = try await iam.getRole(roleName: "role-\(index)")
        gets.append(seconds(clock.now - start))
    }
    return (creates, gets)
}

/// Placeholder keys; moto does not check signatures unless told to.
struct FixedCredentials: CredentialProvider {
    func credentials() async throws -> AWSCredentials {
        AWSCredentials(accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    }
}

/// Runs the boto3 script and parses its JSON.
func measureBoto3(script: String, endpoint: AWSEndpoint, account: String, calls: Int, warmup: Int) throws -> (create: [Double], get: [Double]) {
    guard let python = BenchProcess.find("python3") else { throw BenchError.setup("python3 is not on PATH") }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, endpoint.url.absoluteString, account, String(calls), String(warmup)]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchError.setup("boto3_bench.py exited with \(process.terminationStatus) (is boto3 installed? pip install boto3)")
    }
    struct Result: Decodable { let create: [Double]; let get: [Double] }
    let result = try JSONDecoder().decode(Result.self, from: data)
    return (result.create, result.get)
}

/// Signs a typical IAM CreateRole request for `duration` and returns signatures per second.
func signerThroughput(duration: Double) throws -> (perSecond: Double, count: Int) {
    let signer = SigV4Signer(service: "iam", region: "us-east-1")
    guard let url = URL(string: "https://iam.amazonaws.com/") else { throw BenchError.setup("bad URL") }
    let body = Data(("Action=CreateRole&Version=2010-05-08&RoleName=prod.team.app&Path=%2Ftrustline%2F&AssumeRolePolicyDocument="
        + String(repeating: "x", count: 400)).utf8)
    let headers = [("Host", "iam.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
    let credentials = AWSCredentials(
        accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: "session-token")
    let clock = ContinuousClock()
    let start = clock.now
    var count = 0
    var sink = 0
    let base = Date()
    while seconds(clock.now - start) < duration {
        for _ in 0..<256 {
            let added = signer.signatureHeaders(
                method: "POST", url: url, headers: headers, body: body, credentials: credentials,
                date: base.addingTimeInterval(Double(count)))
            sink &+= added.count
            count += 1
        }
    }
    let elapsed = seconds(clock.now - start)
    if sink == 0 { report("") }  // keeps the work observable
    return (Double(count) / elapsed, count)
}

/// Writes a line unbuffered, so progress shows even when stdout is a pipe.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let options: BenchOptions
do {
    options = try BenchOptions(arguments: CommandLine.arguments)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(2)
}

do {
    let moto = try await BenchMoto.start()
    defer { moto.stop() }
    let endpoint = moto.endpoint
    report("aws-bench: moto_server on \(endpoint.url.absoluteString); \(options.calls) measured calls each, \(options.warmup) warm-up calls excluded")

    let trustline = try await measureTrustline(
        endpoint: endpoint, account: "111111111111", calls: options.calls, warmup: options.warmup)
    let boto3 = try measureBoto3(
        script: options.boto3Script, endpoint: endpoint, account: "222222222222", calls: options.calls,
        warmup: options.warmup)

    for (label, ours, theirs) in [("CreateRole", trustline.create, boto3.create), ("GetRole", trustline.get, boto3.get)] {
        let oursSummary = LatencySummary(samples: ours)
        let theirsSummary = LatencySummary(samples: theirs)
        report("\(label):")
        report(oursSummary.line("Trustline"))
        report(theirsSummary.line("boto3"))
        report(String(format: "  ratio Trustline/boto3: mean %.2f, p50 %.2f",
                     oursSummary.mean / theirsSummary.mean, oursSummary.percentile(0.5) / theirsSummary.percentile(0.5)))
    }

    let signing = try signerThroughput(duration: options.signingSeconds)
    report(String(format: "SigV4 signer: %.0f signatures/s (%d signatures in %.1f s, one core)",
                 signing.perSecond, signing.count, options.signingSeconds))
} catch {
    FileHandle.standardError.write(Data("aws-bench: \(error)\n".utf8))
    exit(1)
}
