import Foundation
import Testing

extension EndToEndSuite {
    /// `trustline verify` and `trustline plan` as a user runs them, against the converged sample.
    @Suite("End to end: trustline verify and plan")
    struct CommandLineTests {
        @Test("verify assumes the role with a ServiceAccount token; plan --live reports no call; plan refuses a guardrail violation with exit 1")
        func verifyAndPlan() async throws {
            try await TestCluster.with { cluster in
                try await cluster.applySample("production-my-app.yaml")
                _ = try cluster.startOperator(resyncPeriod: "10m")
                try await cluster.waitForCondition("production", "my-app", type: .ready, status: "True")
                let binary = try TestTools.trustlineBinary()
                var environment = ProcessInfo.processInfo.environment.merging(cluster.moto.clientEnvironment) { _, new in new }
                environment["KUBECONFIG"] = cluster.kubeconfigPath

                let verify = try await TestTools.run(binary, ["verify", "production/my-app"], environment: environment)
                #expect(verify.status == 0, "\(verify.output)")
                #expect(verify.output.contains("assumed role:    arn:aws:sts::\(MotoServer.accountId):assumed-role/e2e.production.my-app/trustline-verify"), "\(verify.output)")

                let missing = try await TestTools.run(binary, ["verify", "production/absent"], environment: environment)
                #expect(missing.status == 1)
                #expect(missing.output.contains("does not exist"))

                let sample = TestTools.repositoryRoot + "/config/samples/production-my-app.yaml"
                let live = try await TestTools.run(
                    binary, ["plan", "--live", "--cluster-name", "e2e", "--kubeconfig", cluster.kubeconfigPath, sample], environment: environment)
                #expect(live.status == 0, "\(live.output)")
                #expect(live.output.contains("owned - IAM already matches: no write call"), "\(live.output)")
                #expect(live.output.contains("system:serviceaccount:production:my-app"))

                let refusedPath = (cluster.directory as NSString).appendingPathComponent("refused.yaml")
                try Manifests.access(name: "refused", managed: ["arn:aws:iam::aws:policy/IAMFullAccess"]).write(toFile: refusedPath, atomically: true, encoding: .utf8)
                let refused = try await TestTools.run(binary, ["plan", "--cluster-name", "e2e", "--output", "json", refusedPath], environment: environment)
                #expect(refused.status == 1, "\(refused.output)")
                #expect(refused.output.contains("\"field\" : \"spec.managedPolicyArns[0]\"") || refused.output.contains("\"field\":\"spec.managedPolicyArns[0]\""), "\(refused.output)")

                let usage = try await TestTools.run(binary, ["plan", "--output", "yaml", refusedPath], environment: environment)
                #expect(usage.status == 2)
            }
        }

        @Test("settings: a flag beats TRUSTLINE_* which beats the --config file; a bad value is a usage error naming the setting", arguments: [
            ([], [:], "fromfile.production.reports"),
            ([], ["TRUSTLINE_CLUSTER_NAME": "fromenv"], "fromenv.production.reports"),
            (["--cluster-name", "fromflag"], ["TRUSTLINE_CLUSTER_NAME": "fromenv"], "fromflag.production.reports"),
        ])
        func settingsPrecedence(flags: [String], environment extra: [String: String], expectedRole: String) async throws {
            let binary = try TestTools.trustlineBinary()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-settings-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let config = (directory as NSString).appendingPathComponent("config.yaml")
            try "clusterName: fromfile\nrolePath: /from-file/\n".write(toFile: config, atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRUSTLINE_") }
            environment.merge(extra) { _, new in new }
            let sample = TestTools.repositoryRoot + "/config/samples/production-reports-managed-only.yaml"
            let result = try await TestTools.run(binary, ["plan", "--config", config] + flags + [sample], environment: environment)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("role: \(expectedRole)\n"), "\(result.output)")
            #expect(result.output.contains("path: /from-file/\n"), "\(result.output)")

            let bad = try await TestTools.run(binary, ["plan", "--config", config, "--resync-period", "ten minutes", sample], environment: environment)
            #expect(bad.status == 2)
            #expect(bad.output.contains("resyncPeriod"), "\(bad.output)")
        }

        @Test("the setting flags come from SettingKey: --help lists them, --no-FLAG and --flag=value parse, a missing value exits 2")
        func settingFlagsFromTheOneList() async throws {
            let binary = try TestTools.trustlineBinary()
            let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TRUSTLINE_") }
            for arguments in [["run", "--help"], ["help", "run"]] {
                let help = try await TestTools.run(binary, arguments, environment: environment)
                #expect(help.status == 0, "\(help.output)")
                #expect(help.output.contains("USAGE: trustline run"), "\(help.output)")
                for flag in ["--kubeconfig <file>", "--config <file>", "--cluster-name <name>", "--leader-elect/--no-leader-elect",
                    "--metrics-bind-address <address>", "--namespace <namespace>", "--guardrails-quotas-tags-per-role <n>", "TRUSTLINE_LOG_LEVEL"]
                {
                    #expect(help.output.contains(flag), "run --help lacks \(flag)")
                }
            }
            let planHelp = try await TestTools.run(binary, ["plan", "-h"], environment: environment)
            #expect(planHelp.status == 0, "\(planHelp.output)")
            #expect(planHelp.output.contains("--manage-oidc-provider/--no-manage-oidc-provider"), "\(planHelp.output)")
            #expect(!planHelp.output.contains("--leader-elect"), "plan takes no process settings: \(planHelp.output)")

            let sample = TestTools.repositoryRoot + "/config/samples/production-reports-managed-only.yaml"
            let spelled = try await TestTools.run(
                binary, ["plan", "--cluster-name=eq", "--no-manage-oidc-provider", "--role-path", "/flags/", sample], environment: environment)
            #expect(spelled.status == 0, "\(spelled.output)")
            #expect(spelled.output.contains("role: eq.production.reports\n"), "\(spelled.output)")
            #expect(spelled.output.contains("path: /flags/\n"), "\(spelled.output)")

            let missing = try await TestTools.run(binary, ["plan", sample, "--cluster-name"], environment: environment)
            #expect(missing.status == 2, "\(missing.output)")
            #expect(missing.output.contains("setting clusterName: --cluster-name needs a value"), "\(missing.output)")

            let notPlans = try await TestTools.run(binary, ["plan", "--leader-elect", sample], environment: environment)
            #expect(notPlans.status == 2, "\(notPlans.output)")
            #expect(notPlans.output.contains("--leader-elect"), "\(notPlans.output)")
        }
    }
}
