import Foundation

/// Finds the external tools the tests run (moto_server, python3, kubectl) on `PATH`, so a missing
/// one is reported by name with how to install it rather than as a failed launch.
public enum ExecutableSearch {
    /// Absolute path of `name` in `searchPath` (default: this process's `PATH`), or `nil`.
    public static func find(_ name: String, searchPath: String? = nil) -> String? {
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            var isDirectory: ObjCBool = false
            if FileManager.default.isExecutableFile(atPath: candidate),
                FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue
            {
                return candidate
            }
        }
        return nil
    }

    /// Like `find`, but a missing tool is a `TestSetupError` that says `install` (how to get it).
    public static func require(_ name: String, install: String, searchPath: String? = nil) throws -> String {
        guard let found = find(name, searchPath: searchPath) else {
            throw TestSetupError("\(name) is not installed (not on PATH); \(install)")
        }
        return found
    }
}
