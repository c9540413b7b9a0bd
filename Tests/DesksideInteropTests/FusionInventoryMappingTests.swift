import DesksideInterop
import DesksideInventory
import DesksideTestSupport
import Foundation
import Testing

/// The inventory FusionInventory 2.6 wrote on this project's Debian VM (`fusioninventory-inventory
/// --no-category=process,environment`, Tests/Fixtures/interop/fusioninventory), in Deskside's model.
@Suite struct FusionInventoryMappingTests {
    static let path = Fixtures.directory + "/interop/fusioninventory/debian-vm.xml"
    let received = Date(timeIntervalSince1970: 1_796_000_000)

    func inventory(_ xml: String) throws -> Inventory {
        guard case .xmlInventory(_, let content) = try IntakeMessage.parse(Array(xml.utf8)) else { throw IntakeMessage.Refusal(message: "no inventory", json: false) }
        return IntakeInventory.inventory(content, onto: nil, partial: false, receivedAt: received)
    }

    @Test func mapsTheRealAgentsInventory() throws {
        let xml = try String(contentsOfFile: Self.path, encoding: .utf8)
        let inventory = try inventory(xml)
        let softwareCount = xml.components(separatedBy: "<SOFTWARES>").count - 1
        #expect(inventory.software.packages.count == softwareCount)
        #expect(inventory.software.packageManagers == ["dpkg"])
        #expect(inventory.software.packages.contains { $0.name == "adduser" && $0.architecture == "all" && $0.vendor == "Debian" })
        #expect(inventory.agent == AgentInfo(name: "FusionInventory-Inventory", version: "2.6-3"))
        #expect(inventory.os.id == "debian")
        #expect(inventory.os.name == "Debian GNU/Linux 12 (bookworm)")
        #expect(inventory.os.hostname == "vm")
        #expect(inventory.os.architecture == "x86_64")
        #expect(inventory.hardware.cpu.vendor == "AMD")
        // THREAD is the socket's `siblings` for FusionInventory: the VM's 2 logical processors, not 2 x 2.
        let siblings = xml.components(separatedBy: "<THREAD>").dropFirst().first?.components(separatedBy: "<").first.flatMap { Int($0) }
        #expect(inventory.hardware.cpu.threads == siblings)
        #expect((inventory.hardware.memory.totalBytes ?? 0) > 1 << 30)
        #expect(inventory.hardware.volumes.map(\.mountPoint).contains("/"))
        #expect(!inventory.hardware.volumes.contains { ["tmpfs", "devtmpfs", "squashfs", "overlay"].contains($0.filesystem) })
        #expect(inventory.hardware.networkInterfaces.contains { $0.name == "eth0" && $0.ipv4.contains("192.0.2.2") && !$0.virtual })
        #expect(inventory.os.localUsers.contains { $0.login == "root" && $0.uid == 0 && $0.home == "/root" })
        #expect(inventory.updates.hotfixes == nil && inventory.health.antivirus == nil)
    }

    /// Process command lines, environment blocks and the agent's own arguments (where a password
    /// given with --password is seen) never reach the model, so never the database.
    @Test func dropsTheSecretsAgentsSend() throws {
        var xml = try String(contentsOfFile: Self.path, encoding: .utf8)
        let secrets = """
            <ENVS><KEY>AWS_SECRET_ACCESS_KEY</KEY><VAL>fixture-secret-env</VAL></ENVS>
            <PROCESSES><CMD>mysql --password=fixture-secret-proc</CMD><PID>42</PID><USER>root</USER></PROCESSES>
            <VERSIONPROVIDER><PERL_ARGS>--server http://x --password fixture-secret-args</PERL_ARGS><NAME>FusionInventory</NAME></VERSIONPROVIDER>
            """
        xml = xml.replacingOccurrences(of: "<CONTENT>", with: "<CONTENT>" + secrets)
        let encoded = String(decoding: try JSONEncoder().encode(try inventory(xml)), as: UTF8.self)
        #expect(!encoded.contains("fixture-secret"))
        #expect(encoded.contains("adduser"))
    }

    /// Text longer than the model's bounds is cut, control characters go, HTML stays text for the
    /// pages to escape.
    @Test func boundsAndCleansEveryField() throws {
        let long = String(repeating: "é", count: 5000)
        let xml = """
            <REQUEST><CONTENT><HARDWARE><NAME>&lt;script&gt;alert(1)&lt;/script&gt;</NAME><UUID>\(long)</UUID></HARDWARE>
            <SOFTWARES><NAME>evil&#x1B;[31m\(long)</NAME><VERSION>1</VERSION><FROM>deb</FROM></SOFTWARES>
            <SOFTWARES><NAME>evil&#x1B;[31m\(long)</NAME><VERSION>1</VERSION><FROM>deb</FROM></SOFTWARES>
            <VERSIONCLIENT>FusionInventory-Agent_v2.6-3</VERSIONCLIENT></CONTENT><DEVICEID>d</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>
            """
        let inventory = try inventory(xml)
        #expect(inventory.os.hostname == "<script>alert(1)</script>")
        #expect(inventory.hardware.system.uuid?.count == 64)
        #expect(inventory.software.packages.count == 1)
        #expect(inventory.software.packages[0].name.count == 255 && !inventory.software.packages[0].name.contains("\u{1B}"))
    }
}
