/// The parsers that read bytes from the network or from users, each as a fuzz entry point that
/// takes raw bytes (docs/fuzzing.md). One library serves three drivers: libFuzzer (the
/// `trustline-fuzz` executable built with `--sanitize=fuzzer`), the plain replayer (the same
/// executable without it) and the corpus replay tests, so all three check exactly the same thing.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case xml
    case policy
    case kubeconfig
    case settings
    case sigv4
    #if DEBUG
    /// Only in debug builds: see `HTTPRequestHeadFuzzTarget.swift`.
    case httpHead = "http-head"
    #endif

    /// Feeds `bytes` to the parser and checks its invariants. A parser that traps crashes the
    /// caller (libFuzzer records that input); a broken invariant comes back as a finding.
    public func run(_ bytes: [UInt8]) -> FuzzFinding? {
        switch self {
        case .xml: XMLFuzzTarget.run(bytes)
        case .policy: PolicyFuzzTarget.run(bytes)
        case .kubeconfig: KubeconfigFuzzTarget.run(bytes)
        case .settings: SettingsFuzzTarget.run(bytes)
        case .sigv4: SigV4FuzzTarget.run(bytes)
        #if DEBUG
        case .httpHead: HTTPRequestHeadFuzzTarget.run(bytes)
        #endif
        }
    }

    /// The folder of this target's corpus under `Tests/Fuzz/Corpus/`.
    public var corpusFolder: String { rawValue }
}

/// An invariant a parser broke on some input: not a crash, but a wrong answer (a tree that does
/// not survive a round trip, a canonical form that changes when canonicalised again, ...).
public struct FuzzFinding: Error, Sendable, Equatable, CustomStringConvertible {
    public var target: FuzzTarget
    public var invariant: String

    public init(_ target: FuzzTarget, _ invariant: String) {
        self.target = target
        self.invariant = invariant
    }

    public var description: String { "\(target.rawValue): \(invariant)" }
}

extension String {
    /// `self` with control characters and non-ASCII escaped, cut to `limit` scalars, for findings
    /// that quote fuzzed text.
    func escapedForFinding(limit: Int = 200) -> String {
        let scalars = unicodeScalars.prefix(limit).map { $0.escaped(asASCII: true) }
        return scalars.joined() + (unicodeScalars.count > limit ? "..." : "")
    }
}
