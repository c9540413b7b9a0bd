import DesksideTestSupport
import Foundation
import Testing

/// Operating the collector: health and readiness, `/metrics` while an agent reports, and
/// `deskside-collector backup` while it runs, then `restore` into a new data directory: the restored
/// collector is the same one, and the agent reconnects with the certificate it has, without enrolling again.
@Suite struct OperationsTests {
    typealias Session = AgentSessionTests

    @Test func healthMetricsAndABackupThatTakesItsAgentsBackWithoutReenrolling() throws {
        let workspace = try Session.Workspace()
        defer { workspace.remove() }
        let collector = try RunningCollector(data: workspace.data)
        try Session.enroll(workspace, with: collector)
        try #require(try Session.runOnce(workspace).status == 0)
        // Health and readiness answer without a token, and say nothing else.
        let health = try collector.get("/healthz", token: "")
        #expect(health.status == 200 && String(decoding: health.body, as: UTF8.self) == "{\"status\":\"ok\"}")
        let ready = try collector.get("/readyz", token: "")
        #expect(ready.status == 200 && String(decoding: ready.body, as: UTF8.self) == "{\"status\":\"ready\"}")
        let before = try Session.json(collector.get("/api/v1/assets").body)["items"] as? [[String: Any]] ?? []
        try #require(before.count == 1)

        // Prometheus' text format, for an admin's token only.
        #expect(try collector.get("/metrics", token: "").status == 401)
        let metrics = try collector.get("/metrics")
        let text = String(decoding: metrics.body, as: UTF8.self)
        #expect(metrics.status == 200)
        for line in ["deskside_reports_received_total{kind=\"full\"} 1", "deskside_reports_answered_total{kind=\"full\",outcome=\"stored\"} 1",
                     "deskside_report_ack_seconds_count 1", "deskside_agents_connected 0", "deskside_tickets_open{tier=\"1\",sla=\"ok\"}",
                     "deskside_notifications{state=\"waiting\"}", "deskside_tasks{state=\"queued\"} 0"] {
            #expect(text.contains(line), "\(line) in \(text)")
        }
        #expect(text.contains("deskside_database_bytes ") && !text.contains("deskside_database_bytes 0"))
        // How far back history goes.
        let history = try Session.json(collector.get("/api/v1/status").body)["history"] as? [String: Any]
        #expect(history?["retentionDays"] as? Int == 730 && history?["oldestEventAt"] is String)

        // The doctor, with the collector's listeners: everything it checks is in order but perhaps the clock
        // (a test machine may run without NTP); a key others can read fails it, with the path and the fix.
        let config = workspace.directory + "/doctor.json"
        // Comment lines (`//`) are allowed in the config file, to explain every key.
        try Data("// the collector's listeners\n{\"agentListen\": \"\(collector.agentAddress)\",\n  // \"maxConnections\": 20000,\n \"httpListen\": \"\(collector.httpAddress.replacingOccurrences(of: "http://", with: ""))\"}".utf8)
            .write(to: URL(fileURLWithPath: config))
        let doctor = try Fixtures.run(Fixtures.program("deskside-collector"), ["doctor", "--data", workspace.data, "--config", config])
        let report = String(decoding: doctor.stdout, as: UTF8.self)
        #expect(doctor.status == 0, "\(report)")
        for line in ["ok       secrets", "ok       certificates the CA is valid", "ok       database", "ok       listeners    agents listener", "ok       listeners    HTTP listener",
                     "ok       history"] {
            #expect(report.contains(line), "\(line) in \(report)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: workspace.data + "/ca/ca-key.pem")
        let loose = try Fixtures.run(Fixtures.program("deskside-collector"), ["doctor", "--data", workspace.data, "--config", config])
        #expect(loose.status == 1 && String(decoding: loose.stdout, as: UTF8.self).contains("fail     secrets      others can read \(workspace.data)/ca/ca-key.pem (644, want 600)"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: workspace.data + "/ca/ca-key.pem")

        // The agent's doctor, against the running collector.
        let agentDoctor = try Session.agent(["doctor", "--state", workspace.state, "--root", workspace.root])
        #expect(agentDoctor.status == 0, "\(agentDoctor.stdout)")
        for line in ["ok       identity   agent ", "ok       CA         the collector's CA is pinned", "ok       collector  \(collector.agentAddress) answers",
                     "ok       spool      0 report(s) waiting"] {
            #expect(agentDoctor.stdout.contains(line), "\(line) in \(agentDoctor.stdout)")
        }

        // While it runs.
        let backup = workspace.directory + "/collector.backup"
        let made = try Fixtures.run(Fixtures.program("deskside-collector"), ["backup", "--data", workspace.data, "--to", backup])
        #expect(made.status == 0, "\(String(decoding: made.stderr, as: UTF8.self))")
        #expect((try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int) == 0o600)
        let agentAddress = collector.agentAddress, fingerprint = collector.fingerprint
        collector.stop()

        let away = try Session.agent(["doctor", "--state", workspace.state, "--root", workspace.root])
        #expect(away.status == 1 && away.stdout.contains("fail     collector  \(agentAddress) does not answer"), "\(away.stdout)")

        let restoredData = workspace.directory + "/restored"
        let restored = try Fixtures.run(Fixtures.program("deskside-collector"), ["restore", "--from", backup, "--data", restoredData])
        #expect(restored.status == 0, "\(String(decoding: restored.stderr, as: UTF8.self))")
        let again = try RunningCollector(data: restoredData, agentListen: agentAddress)
        defer { again.stop() }
        #expect(again.fingerprint == fingerprint, "the same CA")
        let run = try Session.runOnce(workspace)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("report(s) acknowledged by the collector at \(agentAddress)"), "\(run.stdout)")
        let assets = try Session.json(again.get("/api/v1/assets").body)["items"] as? [[String: Any]] ?? []
        #expect(assets.count == 1 && assets.first?["id"] as? Int == before.first?["id"] as? Int)
        let agents = String(decoding: try Fixtures.run(Fixtures.program("deskside-collector"), ["agents", "list", "--data", restoredData]).stdout, as: UTF8.self)
        #expect(agents.split(separator: "\n").count == 2, "one agent, enrolled once: \(agents)")

        // Restoring over a data directory in use is refused.
        let over = try Fixtures.run(Fixtures.program("deskside-collector"), ["restore", "--from", backup, "--data", restoredData])
        #expect(over.status != 0 && String(decoding: over.stderr, as: UTF8.self).contains("not empty"))
    }
}
