import Foundation
import AWSSigV4

/// One case folder of the AWS SigV4 test suite (`v4/<name>/`): the raw request, its signing context,
/// and the expected header-signing outputs.
struct SigV4TestSuiteCase {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var accessKeyId: String
            var secretAccessKey: String
            var token: String?
            enum CodingKeys: String, CodingKey {
                case accessKeyId = "access_key_id", secretAccessKey = "secret_access_key", token
            }
        }
        var credentials: Credentials
        var region: String
        var service: String
        var timestamp: String
        var normalize: Bool?
        var signBody: Bool?
        var omitSessionToken: Bool?
        enum CodingKeys: String, CodingKey {
            case credentials, region, service, timestamp, normalize
            case signBody = "sign_body", omitSessionToken = "omit_session_token"
        }
    }

    /// A request parsed from `request.txt`, keeping the original header block for the signed-request check.
    struct RawRequest {
        var method: String
        var path: String
        var query: String
        var headers: [(String, String)]
        var body: Data
        /// The request line and header lines exactly as written (folded lines included), without a trailing newline.
        var headBlock: String
    }

    enum ParseError: Error, CustomStringConvertible {
        case malformed(file: URL, reason: String)
        var description: String {
            switch self {
            case .malformed(let file, let reason): "\(file.path): \(reason)"
            }
        }
    }

    var name: String
    var folder: URL
    var context: Context

    init(folder: URL) throws {
        self.folder = folder
        self.name = folder.lastPathComponent
        let data = try Data(contentsOf: folder.appending(path: "context.json"))
        self.context = try JSONDecoder().decode(Context.self, from: data)
    }

    func file(_ name: String) -> URL { folder.appending(path: name) }

    func text(_ name: String) throws -> String {
        try String(decoding: Data(contentsOf: file(name)), as: UTF8.self)
    }

    var hasHeaderSigningExpectations: Bool {
        ["header-canonical-request.txt", "header-string-to-sign.txt", "header-signature.txt",
         "header-signed-request.txt"].allSatisfy { FileManager.default.fileExists(atPath: file($0).path) }
    }

    var credentials: AWSCredentials {
        AWSCredentials(
            accessKeyId: context.credentials.accessKeyId,
            secretAccessKey: context.credentials.secretAccessKey,
            sessionToken: context.credentials.token
        )
    }

    func date() throws -> Date {
        guard let date = try? Date(context.timestamp, strategy: .iso8601) else {
            throw ParseError.malformed(file: file("context.json"), reason: "timestamp \(context.timestamp) is not ISO 8601")
        }
        return date
    }

    var options: SigV4SigningOptions {
        SigV4SigningOptions(
            includeContentSHA256: context.signBody ?? false,
            signSessionToken: !(context.omitSessionToken ?? false),
            normalizePath: context.normalize ?? true
        )
    }

    /// Parses `request.txt`: request line, headers (a line starting with whitespace continues the
    /// previous header's value), a blank line, then the body.
    func request() throws -> RawRequest {
        let url = file("request.txt")
        let whole = try text("request.txt")
        let head: Substring
        let body: Substring
        if let separator = whole.range(of: "\n\n") {
            head = whole[..<separator.lowerBound]
            body = whole[separator.upperBound...]
        } else {
            head = whole.hasSuffix("\n") ? whole.dropLast() : whole[...]
            body = ""
        }
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw ParseError.malformed(file: url, reason: "empty request") }
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "),
            firstSpace < lastSpace
        else { throw ParseError.malformed(file: url, reason: "request line '\(requestLine)' is not 'METHOD target VERSION'") }
        let method = String(requestLine[..<firstSpace])
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let path: Substring
        let query: Substring
        if let questionMark = target.firstIndex(of: "?") {
            path = target[..<questionMark]
            query = target[target.index(after: questionMark)...]
        } else {
            path = target
            query = ""
        }
        var headers: [(String, String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t" {
                guard !headers.isEmpty else {
                    throw ParseError.malformed(file: url, reason: "continuation line before any header")
                }
                headers[headers.count - 1].1 += " " + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw ParseError.malformed(file: url, reason: "header line '\(line)' has no ':'")
            }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        return RawRequest(
            method: method, path: String(path), query: String(query), headers: headers,
            body: Data(body.utf8), headBlock: String(head)
        )
    }

    /// The suite's signed-request layout: original head, the added headers, a blank line, the body.
    static func signedRequestText(request: RawRequest, addedHeaders: [(String, String)]) -> String {
        var text = request.headBlock + "\n"
        for (name, value) in addedHeaders { text += "\(name):\(value)\n" }
        return text + "\n" + String(decoding: request.body, as: UTF8.self)
    }
}

/// Finds the suite: `SIGV4_TEST_SUITE` if set, else `../shared/aws-sigv4-test-suite` next to the package root.
enum SigV4TestSuiteLocation {
    struct Missing: Error, CustomStringConvertible {
        var looked: [String]
        var description: String {
            "AWS SigV4 test suite not found (looked in: \(looked.joined(separator: ", "))). "
                + "Set SIGV4_TEST_SUITE to the folder holding v4/ (the aws-c-auth aws-signing-test-suite)."
        }
    }

    static func casesFolder(
        environment: [String: String] = ProcessInfo.processInfo.environment, filePath: String = #filePath
    ) throws -> URL {
        var candidates: [URL] = []
        if let fromEnvironment = environment["SIGV4_TEST_SUITE"], !fromEnvironment.isEmpty {
            candidates.append(URL(fileURLWithPath: fromEnvironment))
        } else {
            // Tests/AWSSigV4Tests/<file>.swift -> package root; resolve symlinks so dev packages find the real tree.
            let packageRoot = URL(fileURLWithPath: filePath).resolvingSymlinksInPath()
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(packageRoot.appending(path: "../shared/aws-sigv4-test-suite").standardizedFileURL)
        }
        for candidate in candidates {
            let v4 = candidate.appending(path: "v4")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: v4.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return v4
            }
            if FileManager.default.fileExists(atPath: candidate.appending(path: "get-vanilla").path) {
                return candidate
            }
        }
        throw Missing(looked: candidates.map(\.path))
    }
}
