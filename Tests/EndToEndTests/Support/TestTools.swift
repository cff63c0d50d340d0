import Foundation
import TestSupport

/// Tools and paths the end-to-end tests need.
enum TestTools {
    /// The repository root: three folders up from Tests/EndToEndTests/Support (symlinks resolved).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// An executable on `PATH`, or a clear error saying how to install it.
    static func find(_ name: String, install: String) throws -> String {
        try ExecutableSearch.require(name, install: install)
    }

    /// The built `trustline` executable: `TRUSTLINE_BINARY`, else next to the test bundle in the
    /// build folder (`swift build` / `swift test` put products there).
    static func trustlineBinary() throws -> String {
        try BuiltProducts.executable("trustline", override: "TRUSTLINE_BINARY")
    }

    /// A free TCP port on 127.0.0.1 (bound, read, released).
    static func freePort() throws -> Int {
        try FreePort.pick()
    }

    /// Runs a command to completion and returns its status and combined output, waiting off the
    /// cooperative pool (`Command.run`): the command (kubectl, `trustline verify`) talks to the
    /// in-process test API server, which needs the pool, and on 2 cores that pool has 2 threads.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        let result = try await Command.run(executable, arguments, environment: environment, mergesErrorOutput: true)
        return (result.status, result.outputText)
    }
}
