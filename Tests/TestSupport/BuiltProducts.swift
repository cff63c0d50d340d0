import Foundation

/// The package's own executables (`trustline`, `kube-test-server`) as `swift build` left them
/// next to the test bundle.
public enum BuiltProducts {
    /// The executable `name`: the variable `override` (e.g. `TRUSTLINE_BINARY`) when set, else the
    /// first match in the test bundle's folder or up to three folders above it.
    public static func executable(_ name: String, override: String? = nil) throws -> String {
        if let override, let explicit = ProcessInfo.processInfo.environment[override], !explicit.isEmpty {
            return explicit
        }
        var candidates: [String] = []
        let testBundle = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var directory = testBundle.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent(name).path)
            directory.deleteLastPathComponent()
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        let hint = override.map { " or set \($0)" } ?? ""
        throw TestSetupError("the \(name) executable was not found next to the test bundle (looked in \(candidates.joined(separator: ", "))); run `swift build` first\(hint)")
    }
}
