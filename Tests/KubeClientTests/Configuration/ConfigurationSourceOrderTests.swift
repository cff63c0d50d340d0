import Foundation
import Testing

@testable import KubeClient

/// Every combination of `--kubeconfig`, running in a pod, `KUBECONFIG` and `~/.kube/config`,
/// in memory: each place names a different server, so the loaded configuration shows which won.
@Suite("Configuration search order")
struct ConfigurationSourceOrderTests {
    static let home = "/home/operator"
    static let flagFile = "/etc/trustline/flag-kubeconfig"
    static let variableFile = "/srv/variable-kubeconfig"
    static let homeFile = home + "/.kube/config"
    static let paths = InClusterPaths(
        token: "/var/run/sa/token", certificateAuthority: "/var/run/sa/ca.crt", namespace: "/var/run/sa/namespace")

    enum Pod: String, Sendable {
        /// No service variables.
        case none
        /// Service variables and the ServiceAccount token: a usable pod.
        case running
        /// Service variables but no token (automountServiceAccountToken: false).
        case withoutToken
        /// Only KUBERNETES_SERVICE_HOST.
        case hostOnly
    }

    enum Variable: String, Sendable {
        case unset
        case existingFile
        /// KUBECONFIG names two files, neither exists.
        case missingFiles
    }

    enum Expected: Sendable, Equatable {
        case flag, inCluster, variable, home
        case notFound([String])
        /// The flag's file is missing: an error about that file, not a fallback.
        case flagFileMissing
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var flag: Bool
        var pod: Pod
        var variable: Variable
        var homeFile: Bool
        var context: String? = nil
        var flagFileExists = true
        var expected: Expected

        var testDescription: String {
            "flag \(flag ? (flagFileExists ? "given" : "missing file") : "absent"), pod \(pod), KUBECONFIG \(variable), "
                + "home \(homeFile ? "present" : "absent")\(context.map { ", context \($0)" } ?? "") -> \(expected)"
        }
    }

    static let nothingTried = [
        "--kubeconfig: not given",
        "in-cluster: not in a pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)",
        "KUBECONFIG: not set",
        homeFile + ": does not exist",
    ]

    static let cases: [Case] = [
        // The flag always wins.
        Case(flag: true, pod: .running, variable: .existingFile, homeFile: true, expected: .flag),
        Case(flag: true, pod: .running, variable: .existingFile, homeFile: false, expected: .flag),
        Case(flag: true, pod: .running, variable: .unset, homeFile: true, expected: .flag),
        Case(flag: true, pod: .running, variable: .unset, homeFile: false, expected: .flag),
        Case(flag: true, pod: .none, variable: .existingFile, homeFile: true, expected: .flag),
        Case(flag: true, pod: .none, variable: .existingFile, homeFile: false, expected: .flag),
        Case(flag: true, pod: .none, variable: .unset, homeFile: true, expected: .flag),
        Case(flag: true, pod: .none, variable: .unset, homeFile: false, expected: .flag),
        // In a pod, in-cluster beats KUBECONFIG and home.
        Case(flag: false, pod: .running, variable: .existingFile, homeFile: true, expected: .inCluster),
        Case(flag: false, pod: .running, variable: .existingFile, homeFile: false, expected: .inCluster),
        Case(flag: false, pod: .running, variable: .unset, homeFile: true, expected: .inCluster),
        Case(flag: false, pod: .running, variable: .unset, homeFile: false, expected: .inCluster),
        // Outside a pod: KUBECONFIG, then home.
        Case(flag: false, pod: .none, variable: .existingFile, homeFile: true, expected: .variable),
        Case(flag: false, pod: .none, variable: .existingFile, homeFile: false, expected: .variable),
        Case(flag: false, pod: .none, variable: .unset, homeFile: true, expected: .home),
        Case(flag: false, pod: .none, variable: .unset, homeFile: false, expected: .notFound(nothingTried)),
        // Half a pod is no pod.
        Case(flag: false, pod: .withoutToken, variable: .existingFile, homeFile: true, expected: .variable),
        Case(flag: false, pod: .hostOnly, variable: .unset, homeFile: true, expected: .home),
        Case(
            flag: false, pod: .withoutToken, variable: .unset, homeFile: false,
            expected: .notFound([
                "--kubeconfig: not given",
                "in-cluster: KUBERNETES_SERVICE_HOST/PORT are set, but the ServiceAccount token /var/run/sa/token does not exist"
                    + " (automountServiceAccountToken: false?)",
                "KUBECONFIG: not set",
                homeFile + ": does not exist",
            ])),
        // KUBECONFIG naming only missing files stops the search, as in kubectl.
        Case(
            flag: false, pod: .hostOnly, variable: .missingFiles, homeFile: true,
            expected: .notFound([
                "--kubeconfig: not given",
                "in-cluster: not in a pod (KUBERNETES_SERVICE_PORT is not set)",
                "KUBECONFIG=/srv/gone-a:/srv/gone-b: none of these files exist",
                homeFile + ": not read, because KUBECONFIG is set (as in kubectl)",
            ])),
        // A requested context lives in a kubeconfig, so it skips in-cluster.
        Case(flag: false, pod: .running, variable: .existingFile, homeFile: true, context: "test", expected: .variable),
        Case(flag: false, pod: .running, variable: .unset, homeFile: true, context: "test", expected: .home),
        // A flag naming a missing file is an error about that file, even in a pod with KUBECONFIG and home.
        Case(flag: true, pod: .running, variable: .existingFile, homeFile: true, flagFileExists: false, expected: .flagFileMissing),
    ]

    static func environment(for testCase: Case) -> ConfigurationEnvironment {
        var variables: [String: String] = ["PATH": "/usr/bin"]
        var files: [String: String] = [:]
        switch testCase.pod {
        case .none:
            break
        case .running, .withoutToken:
            variables["KUBERNETES_SERVICE_HOST"] = "10.96.0.1"
            variables["KUBERNETES_SERVICE_PORT"] = "443"
        case .hostOnly:
            variables["KUBERNETES_SERVICE_HOST"] = "10.96.0.1"
        }
        // The CA and namespace are mounted either way; only the token decides.
        files[paths.certificateAuthority] = TestPEM.certificate
        files[paths.namespace] = "pod-namespace\n"
        if testCase.pod == .running { files[paths.token] = "pod-token\n" }
        switch testCase.variable {
        case .unset:
            break
        case .existingFile:
            variables["KUBECONFIG"] = variableFile
            files[variableFile] = kubeconfigYAML(cluster: "server: https://variable.example:6443", user: "token: variable")
        case .missingFiles:
            variables["KUBECONFIG"] = "/srv/gone-a:/srv/gone-b"
        }
        if testCase.homeFile {
            files[homeFile] = kubeconfigYAML(cluster: "server: https://home.example:6443", user: "token: home")
        }
        if testCase.flag, testCase.flagFileExists {
            files[flagFile] = kubeconfigYAML(cluster: "server: https://flag.example:6443", user: "token: flag")
        }
        return .memory(variables: variables, homeDirectory: home, files: files)
    }

    @Test(arguments: cases)
    func selectsAndLoads(_ testCase: Case) throws {
        let environment = Self.environment(for: testCase)
        let flag = testCase.flag ? Self.flagFile : nil
        func load() throws -> KubeConfiguration {
            try KubeConfiguration.load(
                kubeconfigPath: flag, context: testCase.context, environment: environment, inClusterPaths: Self.paths)
        }
        let expectedSource: ConfigurationSource?
        var server = ""
        var authentication = Authentication.none
        switch testCase.expected {
        case .flag, .flagFileMissing:
            expectedSource = .explicitFile(Self.flagFile)
            (server, authentication) = ("https://flag.example:6443", .bearerToken("flag"))
        case .inCluster:
            expectedSource = .inCluster(Self.paths)
            (server, authentication) = ("https://10.96.0.1:443", .tokenFile(Self.paths.token))
        case .variable:
            expectedSource = .environmentFiles([Self.variableFile])
            (server, authentication) = ("https://variable.example:6443", .bearerToken("variable"))
        case .home:
            expectedSource = .homeFile(Self.homeFile)
            (server, authentication) = ("https://home.example:6443", .bearerToken("home"))
        case .notFound(let tried):
            expectedSource = nil
            let selectError = #expect(throws: ConfigurationNotFoundError.self) {
                try ConfigurationSource.select(
                    kubeconfigPath: flag, context: testCase.context, environment: environment, inClusterPaths: Self.paths)
            }
            #expect(selectError?.tried == tried)
            let loadError = #expect(throws: ConfigurationNotFoundError.self) { try load() }
            #expect(loadError?.tried == tried)
        }
        guard let expectedSource else { return }
        let source = try ConfigurationSource.select(
            kubeconfigPath: flag, context: testCase.context, environment: environment, inClusterPaths: Self.paths)
        #expect(source == expectedSource)
        if testCase.expected == .flagFileMissing {
            let error = #expect(throws: KubeconfigError.self) { try load() }
            #expect(error?.file == Self.flagFile)
            #expect(error?.problem.contains("does not exist") == true)
            return
        }
        let configuration = try load()
        #expect(configuration.server.absoluteString == server)
        #expect(configuration.authentication == authentication)
        if testCase.expected == .inCluster {
            #expect(configuration.origin == "in-cluster")
            #expect(configuration.namespace == "pod-namespace")
        }
    }

    @Test func notFoundMessageListsEveryStepInOrder() throws {
        let error = ConfigurationNotFoundError(tried: Self.nothingTried)
        let text = error.description
        var position = text.startIndex
        for (index, step) in Self.nothingTried.enumerated() {
            let range = try #require(text.range(of: "(\(index + 1)) \(step)", range: position..<text.endIndex), "step \(index + 1)")
            position = range.upperBound
        }
        #expect(text.hasPrefix("no Kubernetes configuration found; tried, in order: "))
        #expect(text.contains("Pass --kubeconfig FILE, set KUBECONFIG"))
    }

    @Test(arguments: [
        (["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"], true, true),
        (["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"], false, false),
        (["KUBERNETES_SERVICE_HOST": "10.0.0.1"], true, false),
        (["KUBERNETES_SERVICE_PORT": "443"], true, false),
        (["KUBERNETES_SERVICE_HOST": "", "KUBERNETES_SERVICE_PORT": "443"], true, false),
        ([:], true, false),
    ])
    func podDetectionNeedsBothVariablesAndTheToken(variables: [String: String], tokenPresent: Bool, inPod: Bool) {
        let files = tokenPresent ? [Self.paths.token: "t"] : [:]
        let environment = ConfigurationEnvironment.memory(variables: variables, files: files)
        #expect(InClusterConfiguration.isAvailable(environment: environment, paths: Self.paths) == inPod)
    }
}
