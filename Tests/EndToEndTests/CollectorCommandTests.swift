import DesksideTestSupport
import Foundation
import Testing

/// The real `deskside-collector` program: tokens and agents on a data directory.
@Suite struct CollectorCommandTests {
    static let collector = Fixtures.program("deskside-collector")

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        #expect(FileManager.default.isExecutableFile(atPath: collector), "build first: swift build --product deskside-collector")
        let result = try Fixtures.run(collector, arguments)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self))
    }

    @Test func tokensAreCreatedListedAndRevoked() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let data = directory + "/data"
        let created = try Self.run(["token", "create", "--data", data, "--name", "laptops", "--one-time", "--expires-in-days", "7"])
        #expect(created.status == 0, "\(created.stderr)")
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("dsk_") && secret.count == 68)
        // The first start also made the data directory with its first tokens in owner-only files.
        #expect(FileManager.default.fileExists(atPath: data + "/secrets/admin-token"))
        let listed = try Self.run(["token", "list", "--data", data])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("laptops") && listed.stdout.contains("one-time") && listed.stdout.contains("active"))
        #expect(!listed.stdout.contains(secret))
        #expect(try Self.run(["token", "revoke", "--data", data, "2"]).status == 0)
        #expect(try Self.run(["token", "list", "--data", data]).stdout.contains("revoked"))
        let missing = try Self.run(["token", "revoke", "--data", data, "99"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no token with id 99"))
        #expect(!missing.stderr.contains("Usage"))
    }

    /// A connection cap the open-file limit cannot hold stops `serve` with what to change; the
    /// default cap shrinks to what fits.
    @Test func aConnectionCapAboveTheFileLimitIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config.json"
        try Data(#"{"maxConnections": 1000000}"#.utf8).write(to: URL(fileURLWithPath: config))
        let result = try Self.run(["serve", "--data", directory + "/data", "--agent-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("maxConnections 1000000") && result.stderr.contains("LimitNOFILE"), "\(result.stderr)")
    }

    /// A notification setting out of range stops `serve` before it listens, naming the setting.
    @Test func aDeliveryRateOutOfRangeIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config.json"
        try Data(#"{"notifications": {"webhooks": {"maxPerMinute": 0}}}"#.utf8).write(to: URL(fileURLWithPath: config))
        let result = try Self.run(["serve", "--data", directory + "/data", "--agent-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--config", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("notifications.webhooks.maxPerMinute: from 1 to 60,000"), "\(result.stderr)")
        #expect(!result.stdout.contains("HTTP API:"), "nothing listened")
    }

    @Test func agentsListStartsEmptyAndUnknownAgentsAreAnError() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let list = try Self.run(["agents", "list", "--data", directory + "/data"])
        #expect(list.status == 0)
        #expect(list.stdout.hasPrefix("AGENT"))
        let revoke = try Self.run(["agents", "revoke", "--data", directory + "/data", "nobody"])
        #expect(revoke.status != 0 && revoke.stderr.contains("no agent nobody"))
        #expect(try Self.run(["token", "create", "--data", directory + "/data", "--expires-in-days", "0"]).status != 0)
    }
}
