// swift-tools-version:6.2
import PackageDescription

// The targets in layer order, each depending only on those above it (docs/architecture.md):
// transport, digests and signing; the AWS clients; Kubernetes; the pure core; the controller
// runtime; the operator; the executables; the test API server; benchmarks; test support and tests.
// Every dependency listed is imported by its target.

let package = Package(
    name: "Trustline",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kube-test-server", targets: ["kube-test-server"]),
        .executable(name: "trustline", targets: ["trustline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: Transport, digests and signing
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(name: "HTTPTransport", dependencies: ["CCurl"]),
        // SHA-256, HMAC-SHA256 and SHA-1 from the system libcrypto (already mapped through libcurl),
        // instead of swift-crypto's bundled BoringSSL: ~1.5 MB less code in the operator's RSS.
        .systemLibrary(
            name: "COpenSSLCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "Digests", dependencies: ["COpenSSLCrypto"]),
        // TLS serving for `trustline webhook` from the system libssl, which libcurl already loads:
        // the webhook adds no TLS stack (no SwiftNIO, no NIOSSL) to the operator's binary.
        .systemLibrary(
            name: "COpenSSLTLS",
            pkgConfig: "libssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "AWSSigV4", dependencies: ["Digests"]),
        // glibc's mallopt for the operator's malloc settings (Sources/trustline/GlibcMallocSettings.swift).
        .systemLibrary(name: "CGlibcMalloc"),

        // MARK: AWS
        .target(
            name: "AWSClients",
            dependencies: [
                "HTTPTransport", "AWSSigV4",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Kubernetes
        .target(name: "KubeModels"),
        .target(
            name: "KubeClient",
            dependencies: [
                "HTTPTransport", "KubeModels",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Pure core
        .target(
            name: "TrustlineCore",
            dependencies: ["KubeModels", "Digests"]
        ),

        // MARK: Controller runtime
        .target(
            name: "ControllerRuntime",
            dependencies: ["KubeModels", .product(name: "Logging", package: "swift-log")]
        ),

        // MARK: The operator
        .target(
            name: "TrustlineOperator",
            dependencies: [
                "TrustlineCore", "ControllerRuntime", "AWSClients", "KubeClient", "KubeModels", "HTTPTransport", "AWSSigV4",
                "Digests", "COpenSSLTLS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Executables
        .executableTarget(
            name: "trustline",
            dependencies: [
                "TrustlineOperator", "TrustlineCore", "KubeClient", "AWSClients",
                .target(name: "CGlibcMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release builds of the operator: relative relocations packed (DT_RELR) and no exported
            // symbol table. On Linux nearly every mapped page of the binary ends up resident, and
            // these two took 4.3 MiB off the operator's RSS (README, "Benchmark"); lld ships with
            // the toolchain. Ship with `--static-swift-stdlib` too (it must be given to the whole
            // build, so it is a command-line flag, not a setting here).
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),

        // MARK: Test API server
        .target(
            name: "KubeTestServer",
            dependencies: [
                // libcurl with the webhook's caBundle as the only trusted CA, for admission webhook calls.
                "HTTPTransport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "kube-test-server",
            dependencies: [
                "KubeTestServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Benchmarks
        .executableTarget(
            name: "aws-bench",
            dependencies: ["AWSClients", "AWSSigV4", "HTTPTransport"],
            path: "Benchmarks/aws-bench",
            exclude: ["boto3_bench.py"]
        ),
        .executableTarget(
            name: "watch-bench",
            dependencies: ["KubeClient", "KubeModels", "KubeTestServer", "HTTPTransport"],
            path: "Benchmarks/watch-bench",
            exclude: ["python_watch_bench.py"]
        ),

        // MARK: Fuzzing (docs/fuzzing.md): one entry point per parser that faces the network or users,
        // and the executable that drives them. `scripts/fuzz.sh` builds that one with libFuzzer
        // (`--sanitize=fuzzer`) in its own scratch path; the ordinary build makes it a corpus replayer.
        .target(
            name: "FuzzTargets",
            dependencies: ["AWSClients", "AWSSigV4", "KubeClient", "KubeModels", "TrustlineCore", "TrustlineOperator"],
            path: "Tests/Fuzz/FuzzTargets"
        ),
        .executableTarget(name: "trustline-fuzz", dependencies: ["FuzzTargets"], path: "Tests/Fuzz/trustline-fuzz"),

        // MARK: Test support (moto and child processes for the wire-level test targets)
        .target(name: "TestSupport", dependencies: ["HTTPTransport"], path: "Tests/TestSupport"),

        // MARK: Tests, in the order of the targets they test
        .testTarget(name: "HTTPTransportTests", dependencies: ["HTTPTransport", "CCurl", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DigestsTests", dependencies: ["Digests", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "AWSSigV4Tests", dependencies: ["AWSSigV4", "TestSupport"]),
        .testTarget(name: "AWSClientsTests", dependencies: ["AWSClients", "HTTPTransport", "AWSSigV4", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "KubeModels", "KubeTestServer", "TrustlineCore", "HTTPTransport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "TrustlineCoreTests",
            dependencies: ["TrustlineCore", "KubeModels", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        // Replays Tests/Fuzz/Corpus through the fuzz entry points.
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzTargets"]),
        .testTarget(name: "ControllerRuntimeTests", dependencies: ["ControllerRuntime", "KubeModels", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "TrustlineOperatorTests",
            dependencies: [
                "TrustlineOperator", "TrustlineCore", "ControllerRuntime", "AWSClients", "KubeClient", "KubeModels", "HTTPTransport",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Hummingbird serves the HTTPS admission webhooks the webhook tests call.
        .testTarget(
            name: "KubeTestServerTests",
            dependencies: [
                "KubeTestServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["KubeTestServer", "KubeClient", "KubeModels", "AWSClients", "TrustlineCore", "HTTPTransport", "TestSupport"]
        ),
        // The install bundle (config/, Dockerfile, Argo CD health check) against kube-test-server,
        // kubectl, hadolint and lua5.4.
        .testTarget(
            name: "InstallBundleTests",
            dependencies: ["KubeTestServer", "TrustlineCore", "TestSupport", .product(name: "Yams", package: "Yams")],
            exclude: ["Fixtures"]
        ),
    ]
)
