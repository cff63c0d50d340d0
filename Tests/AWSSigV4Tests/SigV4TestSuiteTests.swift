import Foundation
import Testing
import AWSSigV4

/// Issue 2, must-show 1: every header-signing case of the AWS suite with `"normalize": true`
/// matches byte for byte. The `"normalize": false` (S3-style) cases run too, with path normalization off.
@Suite struct SigV4TestSuiteTests {
    @Test func everyHeaderSigningCaseMatchesByteForByte() throws {
        let casesFolder = try SigV4TestSuiteLocation.casesFolder()
        let folders = try FileManager.default.contentsOfDirectory(
            at: casesFolder, includingPropertiesForKeys: [.isDirectoryKey]
        )
        .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
        try #require(!folders.isEmpty, "no case folders in \(casesFolder.path)")

        var eligible = 0
        var ran = 0
        var normalizingRan = 0
        for folder in folders {
            let testCase = try SigV4TestSuiteCase(folder: folder)
            guard testCase.hasHeaderSigningExpectations else {
                print("skip \(testCase.name): query-signing expectations only")
                continue
            }
            eligible += 1
            let request = try testCase.request()
            let signer = SigV4Signer(service: testCase.context.service, region: testCase.context.region)
            let result = signer.sign(
                SigV4Request(
                    method: request.method, path: request.path, query: request.query,
                    headers: request.headers, body: request.body),
                credentials: testCase.credentials, date: try testCase.date(), options: testCase.options
            )
            let signedRequest = SigV4TestSuiteCase.signedRequestText(request: request, addedHeaders: result.headers)
            #expect(result.canonicalRequest == (try testCase.text("header-canonical-request.txt")),
                    "canonical request of \(testCase.name)")
            #expect(result.stringToSign == (try testCase.text("header-string-to-sign.txt")),
                    "string to sign of \(testCase.name)")
            #expect(result.signature == (try testCase.text("header-signature.txt")),
                    "signature of \(testCase.name)")
            #expect(signedRequest == (try testCase.text("header-signed-request.txt")),
                    "signed request of \(testCase.name)")
            ran += 1
            if testCase.context.normalize == true { normalizingRan += 1 }
        }
        let normalizingCases = try folders.map(SigV4TestSuiteCase.init(folder:))
            .filter { $0.context.normalize == true && $0.hasHeaderSigningExpectations }.count
        print("SigV4 suite: \(ran) of \(folders.count) cases ran (\(eligible) header-signing cases; "
              + "\(normalizingRan) of \(normalizingCases) with normalize: true)")
        #expect(ran > 0)
        #expect(ran == eligible)
        #expect(normalizingRan > 0)
        #expect(normalizingRan == normalizingCases)
    }

    @Test func missingSuiteIsAnErrorNotASkip() {
        // A path with no suite must throw (the suite test above then fails loudly instead of passing empty).
        #expect(throws: SigV4TestSuiteLocation.Missing.self) {
            _ = try SigV4TestSuiteLocation.casesFolder(environment: [:], filePath: "/nonexistent/Tests/AWSSigV4Tests/File.swift")
        }
    }
}
