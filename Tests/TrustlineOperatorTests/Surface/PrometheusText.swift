import Foundation

/// The samples of a Prometheus text exposition, parsed back so tests assert on metric names,
/// label sets and values rather than on line layout or label order.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    /// `# TYPE name kind` lines, by metric name.
    var types: [String: String] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n").map(String.init) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                if parts.count == 4 { types[String(parts[2])] = String(parts[3]) }
                continue
            }
            if line.hasPrefix("#") { continue }
            samples.append(try Self.sample(line))
        }
    }

    /// Samples named `name` whose labels include every pair of `labels`.
    func values(_ name: String, _ labels: [String: String] = [:]) -> [Double] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }.map(\.value)
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func sample(_ line: String) throws -> Sample {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
            throw ParseError(description: "no value in \(line)")
        }
        let series = line[..<space]
        guard let brace = series.firstIndex(of: "{") else {
            return Sample(name: String(series), labels: [:], value: value)
        }
        guard series.hasSuffix("}") else { throw ParseError(description: "unclosed labels in \(line)") }
        var labels: [String: String] = [:]
        var rest = Substring(series[series.index(after: brace)..<series.index(before: series.endIndex)])
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { throw ParseError(description: "bad label in \(line)") }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            guard rest.first == "\"" else { throw ParseError(description: "unquoted label value in \(line)") }
            rest = rest.dropFirst()
            var text = ""
            var escaped = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if escaped {
                    text.append(character == "n" ? "\n" : character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    break
                } else {
                    text.append(character)
                }
            }
            labels[key] = text
            if rest.first == "," { rest = rest.dropFirst() }
        }
        return Sample(name: String(series[..<brace]), labels: labels, value: value)
    }
}
