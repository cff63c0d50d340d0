import AWSClients

/// Writes a `ParsedXMLElement` back as XML text that must parse to the same tree: text first,
/// then children (the tree keeps an element's text as one string), every character that the
/// parser would normalise (line breaks, tabs in attributes) or refuse written as a reference.
enum XMLTreeWriter {
    static func document(_ root: ParsedXMLElement) -> String {
        var output = ""
        write(root, into: &output)
        return output
    }

    private static func write(_ element: ParsedXMLElement, into output: inout String) {
        output += "<" + element.name
        // Prefixed attribute names (xsi:type) need their prefix declared; `xml` is always bound.
        var prefixes: Set<String> = []
        for name in element.attributes.keys {
            if let colon = name.firstIndex(of: ":") {
                let prefix = String(name[..<colon])
                if prefix != "xml" { prefixes.insert(prefix) }
            }
        }
        for prefix in prefixes.sorted() {
            output += " xmlns:\(prefix)=\"urn:fuzz:\(prefix)\""
        }
        for (name, value) in element.attributes.sorted(by: { $0.key < $1.key }) {
            output += " \(name)=\"\(escaped(value, inAttribute: true))\""
        }
        output += ">" + escaped(element.text, inAttribute: false)
        for child in element.children {
            write(child, into: &output)
        }
        output += "</" + element.name + ">"
    }

    private static func escaped(_ text: String, inAttribute: Bool) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where inAttribute: output += "&quot;"
            case "\t" where inAttribute, "\n" where inAttribute: output += "&#x\(String(scalar.value, radix: 16));"
            case "\r": output += "&#xD;"
            default:
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" {
                    output += "&#x\(String(scalar.value, radix: 16));"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }
}
