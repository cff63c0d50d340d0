import Foundation

/// Everything configuration loading reads from the outside world: environment variables, the
/// home directory and files. Injected so tests load kubeconfigs and in-cluster settings from
/// memory or a temp directory without touching the real ones.
public struct ConfigurationEnvironment: Sendable {
    public var variables: [String: String]
    public var homeDirectory: String?
    /// Reads a whole file; throws when it is missing or unreadable.
    public var readFile: @Sendable (String) throws -> Data
    public var fileExists: @Sendable (String) -> Bool

    public init(
        variables: [String: String],
        homeDirectory: String?,
        readFile: @escaping @Sendable (String) throws -> Data,
        fileExists: @escaping @Sendable (String) -> Bool
    ) {
        self.variables = variables
        self.homeDirectory = homeDirectory
        self.readFile = readFile
        self.fileExists = fileExists
    }

    /// The running process's environment, `$HOME`, and the real file system.
    public static var process: ConfigurationEnvironment {
        let variables = ProcessInfo.processInfo.environment
        return ConfigurationEnvironment(
            variables: variables,
            homeDirectory: variables["HOME"] ?? NSHomeDirectory(),
            readFile: { path in try Data(contentsOf: URL(fileURLWithPath: path)) },
            fileExists: { path in FileManager.default.fileExists(atPath: path) }
        )
    }

    /// The given variables and home directory, and files held in memory (path to contents):
    /// nothing on disk is read, so tests of the search order need no temp directory.
    public static func memory(
        variables: [String: String] = [:], homeDirectory: String? = nil, files: [String: String]
    ) -> ConfigurationEnvironment {
        ConfigurationEnvironment(
            variables: variables,
            homeDirectory: homeDirectory,
            readFile: { path in
                guard let contents = files[path] else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
                return Data(contents.utf8)
            },
            fileExists: { path in files[path] != nil }
        )
    }

    /// Real files, but the given variables and home directory.
    public static func files(variables: [String: String], homeDirectory: String?) -> ConfigurationEnvironment {
        var environment = ConfigurationEnvironment.process
        environment.variables = variables
        environment.homeDirectory = homeDirectory
        return environment
    }
}
