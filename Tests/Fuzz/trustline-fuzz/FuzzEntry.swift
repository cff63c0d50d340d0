import Foundation
import FuzzTargets

// Two builds of one executable (docs/fuzzing.md). `scripts/fuzz.sh` builds it with
// `--sanitize=fuzzer -Xswiftc -DTRUSTLINE_LIBFUZZER`: libFuzzer then owns `main` and calls
// `LLVMFuzzerTestOneInput` with each input, for the target named by `TRUSTLINE_FUZZ_TARGET`.
// The ordinary build (part of `swift build`) is a replayer instead: `trustline-fuzz TARGET
// FILE_OR_FOLDER...` runs the target over saved inputs, to reproduce a crash without the sanitizer.

#if TRUSTLINE_LIBFUZZER
/// The target for this process, read once; an unknown name stops the run before any input.
private let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["TRUSTLINE_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("TRUSTLINE_FUZZ_TARGET=\(name) is not a fuzz target; use one of \(known)\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let finding = selectedTarget.run(bytes) {
        // A trap makes libFuzzer save the input as crash-<sha1> and stop, like a crash in the parser.
        fatalError("invariant broken: \(finding)")
    }
    return 0
}
#else
@main
struct FuzzReplayer {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            FileHandle.standardError.write(Data("usage: trustline-fuzz TARGET FILE_OR_FOLDER...; targets: \(known)\n".utf8))
            exit(2)
        }
        var inputs = 0
        var findings = 0
        for path in arguments.dropFirst() {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                    exit(2)
                }
                inputs += 1
                if let finding = target.run(Array(data)) {
                    findings += 1
                    print("\(file): \(finding)")
                }
            }
        }
        print("\(target.rawValue): \(inputs) inputs, \(findings) findings")
        exit(findings == 0 ? 0 : 1)
    }

    /// `path` itself, or the regular files directly inside it when it is a folder, sorted.
    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}
#endif
