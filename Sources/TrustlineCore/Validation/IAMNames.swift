/// IAM's character and length rules for names, paths, descriptions, tags and ARNs (docs/design.md
/// section 9 and the IAM API reference), as plain character checks with no regex engine.
public enum IAMNames {
    public static let roleNameMaxLength = 64
    public static let pathMaxLength = 512
    public static let descriptionMaxLength = 1000
    public static let policyNameMaxLength = 128
    public static let tagKeyMaxLength = 128
    public static let tagValueMaxLength = 256

    /// `[\w+=,.@-]`: ASCII letters, digits, `_`, and `+ = , . @ -`.
    public static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "+", "=", ",", ".", "@", "-": return true
        default: return false
        }
    }

    /// Non-empty and only `[\w+=,.@-]` (no length check).
    public static func isValidRoleNameCharacters(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy(isNameCharacter)
    }

    /// A valid role name: 1..64 of `[\w+=,.@-]`.
    public static func isValidRoleName(_ name: String) -> Bool {
        isValidRoleNameCharacters(name) && name.unicodeScalars.count <= roleNameMaxLength
    }

    /// `nil` when `path` is `/` or `/.../` of printable ASCII at most 512 long, else what is wrong.
    public static func pathProblem(_ path: String) -> String? {
        let scalars = Array(path.unicodeScalars)
        if scalars.count > pathMaxLength {
            return "path is \(scalars.count) characters long; IAM allows at most \(pathMaxLength)"
        }
        guard scalars.first == "/", scalars.last == "/" else {
            return "path \"\(path)\" must start and end with /, like /trustline/ or /"
        }
        if let bad = scalars.first(where: { $0.value < 0x21 || $0.value > 0x7E }) {
            return "path contains \(describe(bad)); IAM paths allow printable ASCII without spaces"
        }
        return nil
    }

    /// `nil` when the description has only tab, newline, carriage return, U+0020..U+007E and
    /// U+00A1..U+00FF and is at most 1000 long, else what is wrong.
    public static func descriptionProblem(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        if scalars.count > descriptionMaxLength {
            return "description is \(scalars.count) characters long; IAM allows at most \(descriptionMaxLength)"
        }
        if let bad = scalars.first(where: { !isDescriptionCharacter($0) }) {
            return "description contains \(describe(bad)); IAM allows printable Latin-1 characters, tab and newlines"
        }
        return nil
    }

    static func isDescriptionCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0xA1...0xFF: return true
        default: return false
        }
    }

    /// Tag keys and values: letters, digits, spaces (Unicode letter, separator and number
    /// categories) and `_ . : / = + - @`.
    public static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "_", ".", ":", "/", "=", "+", "-", "@": return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// The characters IAM accepts in a policy document: tab, newline, carriage return and U+0020..U+00FF.
    public static func isPolicyDocumentCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20...0xFF: return true
        default: return false
        }
    }

    /// The partitions Trustline knows.
    public static let partitions = ["aws", "aws-cn", "aws-us-gov"]

    /// `arn:PARTITION:iam::(aws|ACCOUNT):policy/[PATH/]NAME`.
    public static func isManagedPolicyArn(_ arn: String) -> Bool {
        managedPolicyArnParts(arn) != nil
    }

    /// The partition, account (`aws` for AWS managed policies) and path+name of a managed policy ARN.
    public static func managedPolicyArnParts(_ arn: String) -> (partition: String, account: String, resource: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", partitions.contains(parts[1]), parts[2] == "iam", parts[3].isEmpty else { return nil }
        let account = parts[4]
        guard account == "aws" || (account.count == 12 && account.allSatisfy { $0.isASCII && $0.isNumber }) else { return nil }
        let resource = parts[5]
        guard resource.hasPrefix("policy/") else { return nil }
        let pathAndName = resource.dropFirst("policy/".count)
        guard let name = pathAndName.split(separator: "/", omittingEmptySubsequences: false).last,
            !name.isEmpty, name.count <= policyNameMaxLength, name.unicodeScalars.allSatisfy(isNameCharacter)
        else { return nil }
        let path = "/" + pathAndName.dropLast(name.count)
        guard pathProblem(path) == nil else { return nil }
        return (parts[1], account, resource)
    }

    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.value < 0x20 || scalar.value == 0x7F || scalar == " " {
            return "the character U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
        return "the character \"\(scalar)\""
    }
}
