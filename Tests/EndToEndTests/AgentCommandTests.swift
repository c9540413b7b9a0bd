import DesksideJSON
import DesksideInventory
import DesksideTestSupport
import Foundation
import Testing

/// The real `deskside-agent` program, run as a user would run it.
@Suite struct AgentCommandTests {
    static let agent = Fixtures.program("deskside-agent")

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
        #expect(FileManager.default.isExecutableFile(atPath: agent), "build the agent first: swift build --product deskside-agent")
        let result = try Fixtures.run(agent, arguments)
        return (result.status, result.stdout, String(decoding: result.stderr, as: UTF8.self))
    }

    @Test func inventoryOfAFixtureTreeIsValidJSON() throws {
        let result = try Self.run(["inventory", "--root", Fixtures.system("laptop"), "--pretty"])
        #expect(result.status == 0, "\(result.stderr)")
        let inventory = try JSONCoder.decode(Inventory.self, from: Array(result.stdout))
        #expect(inventory.os.hostname == "tp-jdupont")
        #expect(inventory.software.packages.count == 26)
        #expect(inventory.updates.pending.count == 3)
        #expect(inventory.hardware.memory.modules.count == 2)
        #expect(String(decoding: result.stdout, as: UTF8.self).contains("\n  \"agent\""))
    }

    @Test func checksFindTheWornBatteryAndPendingReboot() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let policy = directory + "/policy.json"
        try #"{"rebootRequiredMaxAgeDays": 0}"#.write(toFile: policy, atomically: true, encoding: .utf8)
        let laptop = try Self.run(["checks", "--root", Fixtures.system("laptop")])
        #expect(laptop.status == 0, "\(laptop.stderr)")
        let faults = try JSONSerialization.jsonObject(with: laptop.stdout) as! [String: Any]
        let codes = (faults["faults"] as! [[String: Any]]).map { $0["code"] as! String }
        #expect(codes.contains("battery.worn"))
        let ubuntu = try Self.run(["checks", "--root", Fixtures.system("ubuntu"), "--policy", policy])
        let ubuntuFaults = (try JSONSerialization.jsonObject(with: ubuntu.stdout) as! [String: Any])["faults"] as! [[String: Any]]
        let reboot = try #require(ubuntuFaults.first { $0["code"] as? String == "reboot.required" })
        #expect((reboot["fingerprint"] as? String)?.count == 32)
        #expect((reboot["facts"] as? [String: Any])?["packages"] as? String == "linux-base, linux-image-5.15.0-91-generic")
    }

    @Test func theLiveMachineIsInventoried() throws {
        let result = try Self.run(["inventory", "--no-state"])
        #expect(result.status == 0, "\(result.stderr)")
        let inventory = try JSONCoder.decode(Inventory.self, from: Array(result.stdout))
        #expect(inventory.os.kernelRelease != nil)
        #expect(inventory.hardware.cpu.threads ?? 0 > 0)
        #expect(!inventory.software.packages.isEmpty)
    }

    @Test func badInputGetsAClearErrorAndAnExitStatus() throws {
        let missing = try Self.run(["inventory", "--root", "/no/such/dir"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--root /no/such/dir is not a directory"))
        #expect(missing.stdout.isEmpty)

        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let policy = directory + "/policy.json"
        try #"{"diskFreePercentMin": "ten"}"#.write(toFile: policy, atomically: true, encoding: .utf8)
        let badPolicy = try Self.run(["checks", "--root", Fixtures.system("laptop"), "--policy", policy])
        #expect(badPolicy.status != 0)
        #expect(badPolicy.stderr.contains("is not a valid policy"))

        let unknown = try Self.run(["frobnicate"])
        #expect(unknown.status != 0)
    }

    @Test func brokenSystemStillGivesAnInventory() throws {
        let result = try Self.run(["inventory", "--root", Fixtures.system("broken")])
        #expect(result.status == 0, "\(result.stderr)")
        let inventory = try JSONCoder.decode(Inventory.self, from: Array(result.stdout))
        #expect(!inventory.notes.isEmpty)
        #expect(!inventory.software.packages.isEmpty)
    }

    @Test func versionAndHelp() throws {
        let version = try Self.run(["--version"])
        #expect(String(decoding: version.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try Self.run(["inventory", "--help"])
        #expect(String(decoding: help.stdout, as: UTF8.self).contains("--root"))
    }
}
