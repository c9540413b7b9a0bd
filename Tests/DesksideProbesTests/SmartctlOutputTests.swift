@testable import DesksideProbes
import DesksideInventory
import DesksideTestSupport
import Foundation
import Testing

@Suite struct SmartctlOutputTests {
    static func sample(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/smartctl/" + name + ".json"))
    }

    @Test(arguments: [
        ("sata-passed", SmartHealth.Verdict.passed, 34, 21012),
        ("sata-failing", .failing, 41, 43807),
        ("nvme-passed", .passed, 38, 2210),
        ("nvme-critical", .failing, 47, 31950),
    ])
    func verdicts(name: String, verdict: SmartHealth.Verdict, temperature: Int, hours: Int) throws {
        let health = SmartctlOutput.parse(try Self.sample(name))
        #expect(health.verdict == verdict)
        #expect(health.temperatureCelsius == temperature)
        #expect(health.powerOnHours == hours)
    }

    @Test func nvmeWearAndCriticalWarning() throws {
        #expect(SmartctlOutput.parse(try Self.sample("nvme-passed")).percentageUsed == 3)
        let critical = SmartctlOutput.parse(try Self.sample("nvme-critical"))
        #expect(critical.percentageUsed == 112)
        #expect(critical.detail == "NVMe critical warning 0x1")
    }

    @Test func unsupportedDeviceIsUnknownWithTheReason() throws {
        let health = SmartctlOutput.parse(try Self.sample("virtio-unsupported"))
        #expect(health.verdict == .unknown)
        #expect(health.detail == "/dev/vda: Unable to detect device type")
        #expect(SmartctlOutput.parse(Data("not json".utf8)).verdict == .unknown)
    }

    /// The whole path through a real process: a stand-in smartctl that prints a captured answer.
    @Test func smartctlSourceRunsTheToolAndReadsItsAnswer() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tool = directory + "/smartctl"
        let sample = Fixtures.directory + "/smartctl/sata-failing.json"
        try Fixtures.writeExecutable("#!/bin/sh\n[ \"$4\" = /dev/sdb ] || exit 2\nexec cat '\(sample)'\n", to: tool)
        let source = SmartctlSource(executable: tool)
        let failing = source.health(of: "sdb")
        #expect(failing.verdict == .failing, "\(failing.detail ?? "")")
        #expect(source.health(of: "sda").verdict == .unknown)
        #expect(source.health(of: "../etc/passwd").detail == "unexpected device name")
    }
}
