import AWSClients
import Foundation
import KubeModels
import Logging
import TrustlineCore

/// Publishes the cluster's OIDC discovery document and JWKS to S3 (docs/design.md section 11):
/// reads both from the API server, renders them for the published issuer (`OIDCPublication`,
/// which also refuses an API server that issues tokens for another issuer), reads what the bucket
/// holds, and puts only the objects that differ (`PublishedObjectState`), so a steady state makes
/// no S3 write and a key rotation makes one. Run once at start (a failure stops the operator) and
/// then once per resync period by the leader (`ControllerTerm`).
struct OIDCPublisher: Sendable {
    /// Why a pass failed: the message says what to do.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What one pass did: the keys it put (empty in a steady state).
    struct Report: Sendable, Equatable {
        var written: [String]
    }

    let bucket: String
    let prefix: String
    let issuer: String
    let s3: S3Client
    /// A GET of an API server path (`KubernetesClient.getRaw`), returning the body.
    let readAPIServer: @Sendable (_ path: String) async throws -> Data
    let metrics: OperatorMetrics

    func publish(logger: Logger) async throws(Failure) -> Report {
        do {
            let report = try await publishOnce(logger: logger)
            metrics.recordOIDCPublishCheck(result: report.written.isEmpty ? "unchanged" : "written")
            return report
        } catch {
            metrics.recordOIDCPublishCheck(result: "failed")
            throw error
        }
    }

    private func publishOnce(logger: Logger) async throws(Failure) -> Report {
        let discovery = try await apiServerDocument("/.well-known/openid-configuration")
        let keys = try await apiServerDocument("/openid/v1/jwks")
        let publication: OIDCPublication
        do {
            publication = try OIDCPublication.render(issuer: issuer, prefix: prefix, apiServerDiscovery: discovery, apiServerJWKS: keys)
        } catch {
            throw Failure(description: error.description)
        }
        var written: [String] = []
        for object in publication.objects {
            let stored: S3Object?
            do {
                stored = try await s3.getObject(bucket: bucket, key: object.key)
            } catch {
                throw Failure(description: "could not read s3://\(bucket)/\(object.key) (\(error)); check that the bucket exists in the configured region and that the operator may s3:GetObject it (config/iam/oidc-publishing-policy.json)")
            }
            let state = PublishedObjectState.compare(object, stored: stored.map { ($0.body, $0.contentType) })
            guard state.needsWrite else { continue }
            do {
                try await s3.putObject(bucket: bucket, key: object.key, body: object.body, contentType: object.contentType)
            } catch {
                throw Failure(description: "could not write s3://\(bucket)/\(object.key) (\(error)); check that the operator may s3:PutObject it (config/iam/oidc-publishing-policy.json)")
            }
            metrics.recordOIDCObjectWrite(object: Self.metricName(object.key))
            logger.info(
                "published OIDC object",
                metadata: ["bucket": "\(bucket)", "key": "\(object.key)", "why": "\(Self.why(state))", "issuer": "\(publication.issuer)"])
            written.append(object.key)
        }
        return Report(written: written)
    }

    private func apiServerDocument(_ path: String) async throws(Failure) -> JSONValue {
        let data: Data
        do {
            data = try await readAPIServer(path)
        } catch {
            throw Failure(description: "could not read the API server's \(path) (\(error)); the operator's ClusterRole needs get on the nonResourceURL \(path)")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw Failure(description: "the API server's \(path) is not JSON (\(error))")
        }
    }

    /// The `object` label: the last path segment of the key.
    static func metricName(_ key: String) -> String {
        key.split(separator: "/").last.map(String.init) ?? key
    }

    private static func why(_ state: PublishedObjectState) -> String {
        switch state {
        case .current: return "current"
        case .missing: return "missing"
        case .differs(let reason): return reason
        }
    }
}
