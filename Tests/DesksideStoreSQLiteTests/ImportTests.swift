@testable import DesksideStoreSQLite
import DesksideAssets
import DesksideHelpdesk
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// Importing registers on a real SQLite file: Snipe-IT's and GLPI's exports as they are, matched to
/// the agent-reported laptop by its serial; a 50,000-line file with bad lines writes nothing; hostile
/// cells are stored as text.
@Suite struct ImportTests {
    static let time = CollectorStoreTests.time

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/imports/" + name)))
    }

    static func world() throws -> (CollectorStore, String, laptop: Int64) {
        let (store, directory) = try IdentityTests.store()
        let laptop = try IdentityTests.report(store, "agent-1", CollectorStoreTests.inventory("laptop"))
        _ = try store.accounts.blocking.createAccount(.init(username: "jdupont", name: "Jeanne Dupont", email: "jd@example.com", role: .requester, tier: nil),
                                    now: time)
        return (store, directory, laptop)
    }

    @Test func aSnipeITExportIsMatchedToTheAgentsLaptopAndWrittenOnlyOnTheRealRun() throws {
        let (store, directory, laptop) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csv = try Self.fixture("snipeit-assets.csv")
        let dry = try store.importAssets(csv: csv, mapping: ImportMapping(), dryRun: true, actor: "tess", now: Self.time)
        #expect(dry.errors == [] && !dry.written && dry.rows == 3, "\(dry.errors)")
        #expect((dry.created, dry.updated, dry.matched) == (2, 0, 1))
        #expect(dry.lines.first == .init(line: 2, action: "match", assetId: laptop, tag: nil, reason: "the same serial and maker as the agent's asset \(laptop)"))
        #expect(dry.newCategories == ["Desktops", "Laptops", "Monitors"] && dry.newLocations == ["Paris", "Lyon"])
        #expect(dry.ignoredColumns == ["ID", "Company", "Model No."])
        #expect(try store.count("asset") == 1 && store.count("location") == 0, "a dry run writes nothing")

        let real = try store.importAssets(csv: csv, mapping: ImportMapping(), dryRun: false, actor: "tess", now: Self.time)
        #expect(try real.written && real.errors.isEmpty && store.count("asset") == 3)
        let register = try #require(try store.register(assetID: laptop))
        #expect(register.tag == "SNIPE-0001" && register.cost == "1299.00" && register.warrantyEnds == "2027-02-01" && register.supplier == "Bechtle")
        #expect(register.notes == "Spare charger\nin the drawer" && register.category == "Laptops" && register.location == "Paris")
        #expect(try store.asset(id: laptop)?.owner == "jdupont" && store.asset(id: laptop)?.hostname == "tp-jdupont", "the agent's fields stay")
        var archived = CollectorStore.AssetQuery()
        archived.status = .retired
        let old = try #require(try store.assets(matching: archived).items.first)
        #expect(old.tag == "SNIPE-0003" && old.name == "Old desktop")
        #expect(try store.register(assetID: old.id)?.notes == #"=HYPERLINK("http://evil.example","click")"#, "a formula is text in the register")
        // Again: every line is now the asset with its tag.
        let again = try store.importAssets(csv: csv, mapping: ImportMapping(), dryRun: true, actor: "tess", now: Self.time)
        #expect((again.created, again.updated, again.matched) == (0, 3, 0), "\(again.errors)")
    }

    @Test func aGLPIExportWithSemicolonsAndLocationPaths() throws {
        let (store, directory, laptop) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try store.importAssets(csv: try Self.fixture("glpi-computers.csv"), mapping: ImportMapping(), dryRun: false, actor: "tess", now: Self.time)
        #expect(report.errors.isEmpty && report.written && report.matched == 1 && report.created == 1, "\(report.errors)")
        #expect(report.newLocations == ["Paris / Tower B / 4.12", "Lyon / Main / Storeroom"])
        #expect(try store.register(assetID: laptop)?.location == "Paris / Tower B / 4.12" && store.register(assetID: laptop)?.tag == "GLPI-0042")
        #expect(try store.locations().map(\.path) == ["Lyon", "Lyon / Main", "Lyon / Main / Storeroom", "Paris", "Paris / Tower B", "Paris / Tower B / 4.12"])
        #expect(report.ignoredColumns == ["Entity", "Operating system - Name", "Last update"])
    }

    @Test func fiftyThousandLinesWithBadOnesWriteNothingUntilFixed() throws {
        let (store, directory, _) = try Self.world()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try store.saveCategory(AssetCategory(name: "phone", fields: [CustomField(name: "carrier", type: .choice, choices: ["Orange", "SFR"])]))
        func file(bad: Bool) -> [UInt8] {
            var text = "Asset Tag,Name,Serial,Category,Status,Purchase Date,Purchase Cost,carrier\r\n"
            for n in 1...50_000 {
                let date = bad && n == 17 ? "2024-02-30" : "2024-01-15"
                let status = bad && n == 31_000 ? "misplaced" : "In stock"
                let carrier = bad && n == 49_999 ? "Free" : "SFR"
                text += "PH-\(n),Phone \(n),SN\(n),phone,\(status),\(date),\(n % 500).99,\(carrier)\r\n"
            }
            if bad { text += "PH-5,duplicate,SNX,phone,In stock,,,\r\n" }
            return Array(text.utf8)
        }
        let mapping = ImportMapping(columns: ["carrier": "field:carrier"])
        let refused = try store.importAssets(csv: file(bad: true), mapping: mapping, dryRun: false, actor: "tess", now: Self.time)
        #expect(!refused.written && refused.rows == 50_001)
        #expect(refused.errors.map(\.line) == [18, 31_001, 50_000, 50_002])
        #expect(refused.errors[0].message == "the purchase date must be a date written YYYY-MM-DD")
        #expect(refused.errors[1].message.hasPrefix("unknown status misplaced"))
        #expect(refused.errors[2].message == "field carrier must be one of: Orange, SFR")
        #expect(refused.errors[3].message == "the tag PH-5 is on line 6 too")
        #expect(try store.count("asset") == 1, "nothing written while any line is wrong")
        let written = try store.importAssets(csv: file(bad: false), mapping: mapping, dryRun: false, actor: "tess", now: Self.time)
        #expect(written.written && written.created == 50_000)
        #expect(try store.count("asset") == 50_001)
        var query = CollectorStore.AssetQuery()
        query.tag = "PH-49999"
        let phone = try #require(try store.assets(matching: query).items.first)
        #expect(try store.register(assetID: phone.id)?.fields == ["carrier": "SFR"] && store.register(assetID: phone.id)?.cost == "499.99")
    }
}
