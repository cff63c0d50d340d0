import Foundation
import KubeModels
import Testing
@testable import TrustlineCore

/// Structure rules of inline policy documents, with the exact field path of each failure.
@Suite struct PolicyDocumentTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var document: String
        var field: String
        var reason: ValidationFailure.Reason = .invalidSpec
        var testDescription: String { label }
    }

    static let prefix = "spec.inlinePolicies[0].document"
    static let cases: [Case] = [
        Case(label: "not an object", document: #"["x"]"#, field: prefix),
        Case(label: "no Version", document: #"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#, field: prefix + ".Version"),
        Case(label: "bad Version", document: #"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#, field: prefix + ".Version"),
        Case(label: "unknown top-level key", document: #"{"Version":"2012-10-17","Foo":1,"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#, field: prefix + ".Foo"),
        Case(label: "no Statement", document: #"{"Version":"2012-10-17"}"#, field: prefix + ".Statement"),
        Case(label: "empty Statement", document: #"{"Version":"2012-10-17","Statement":[]}"#, field: prefix + ".Statement"),
        Case(label: "Statement a string", document: #"{"Version":"2012-10-17","Statement":"x"}"#, field: prefix + ".Statement"),
        Case(label: "statement a number", document: #"{"Version":"2012-10-17","Statement":[1]}"#, field: prefix + ".Statement[0]"),
        Case(label: "no Effect", document: #"{"Version":"2012-10-17","Statement":[{"Action":"s3:GetObject","Resource":"*"}]}"#, field: prefix + ".Statement[0].Effect"),
        Case(label: "bad Effect", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"*"}]}"#, field: prefix + ".Statement[0].Effect"),
        Case(label: "no Action", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#, field: prefix + ".Statement[0].Action"),
        Case(label: "Action and NotAction", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}]}"#, field: prefix + ".Statement[0].NotAction"),
        Case(label: "Action a number", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":5,"Resource":"*"}]}"#, field: prefix + ".Statement[0].Action"),
        Case(label: "Action item a number", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject",5],"Resource":"*"}]}"#, field: prefix + ".Statement[0].Action[1]"),
        Case(label: "Action without service", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}"#, field: prefix + ".Statement[0].Action"),
        Case(label: "Action empty list", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#, field: prefix + ".Statement[0].Action"),
        Case(label: "no Resource", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#, field: prefix + ".Statement[0].Resource"),
        Case(label: "Resource not an ARN", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["*","my-bucket"]}]}"#, field: prefix + ".Statement[0].Resource[1]"),
        Case(label: "Principal", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#, field: prefix + ".Statement[0].Principal"),
        Case(label: "unknown statement key", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"s3:GetObject","Action":"s3:GetObject","Resource":"*"}]}"#, field: prefix + ".Statement[0].Actions"),
        Case(label: "bad Sid", document: #"{"Version":"2012-10-17","Statement":[{"Sid":"a-b","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#, field: prefix + ".Statement[0].Sid"),
        Case(label: "duplicate Sid", document: #"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#, field: prefix + ".Statement[1].Sid"),
        Case(label: "Condition not an object", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":"x"}]}"#, field: prefix + ".Statement[0].Condition"),
        Case(label: "Condition value an object", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:x":{"a":1}}}}]}"#, field: prefix + ".Statement[0].Condition.StringEquals.aws:x"),
        Case(label: "character outside Latin-1", document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bücket-\u4e2d"}]}"#, field: prefix),
    ]

    @Test(arguments: cases)
    func structureRule(_ testCase: Case) throws {
        let failures = Fixtures.failures(Fixtures.withDocument(try Fixtures.json(testCase.document)))
        #expect(failures.contains { $0.field == testCase.field && $0.reason == testCase.reason }, "got \(failures)")
    }

    static let valid: [String] = [
        #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        #"{"Version":"2008-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::b"}]}"#,
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","ec2:Describe?nstances"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":[10,"20"]}}}]}"#,
    ]

    @Test(arguments: valid)
    func validDocuments(_ text: String) throws {
        #expect(Fixtures.failures(Fixtures.withDocument(try Fixtures.json(text))) == [])
    }
}
