@testable import DesksideStoreSQLite
import DesksideAssets
import DesksideHelpdesk
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// The register beyond what agents report, on a real SQLite file: tags from the pattern, the
/// lifecycle and its history, locations, categories with typed fields, assets without an agent.
@Suite struct RegisterTests {
    static let time = CollectorStoreTests.time

    static func changes(_ json: String) throws -> AssetChanges {
        try JSONDecoder().decode(AssetChanges.self, from: Data(json.utf8))
    }

    @Test func assetsGetTagsFromThePatternAtFirstSightAndStaffEditThem() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = RegisterSettings()
        settings.tagPattern = "HQ-####"
        let store = try CollectorStore(path: directory + "/deskside.sqlite", register: settings)
        try store.registerAgent(uuid: "agent-1", certificateFingerprint: "SHA256:a1", at: Self.time)
        let laptop = try IdentityTests.report(store, "agent-1", CollectorStoreTests.inventory("laptop"))
        #expect(try store.asset(id: laptop)?.tag == "HQ-0001")
        #expect(try store.asset(id: laptop)?.status == "deployed" && store.asset(id: laptop)?.category == "computer")
        let monitor = try store.createAsset(try Self.changes(#"{"name": "Dell U2723QE", "serial": "CN0ABC", "tag": "HQ-0002"}"#), actor: "tess", now: Self.time)
        #expect(try store.asset(id: monitor)?.tag == "HQ-0002" && store.asset(id: monitor)?.status == "inStock")
        // The counter skips the tag typed by hand.
        let dock = try store.createAsset(try Self.changes(#"{"name": "dock"}"#), actor: "tess", now: Self.time)
        #expect(try store.asset(id: dock)?.tag == "HQ-0003")
        #expect(throws: HelpdeskError.conflict("asset \(laptop) has the tag HQ-0001")) {
            try store.updateAsset(id: dock, try Self.changes(#"{"tag": "hq-0001"}"#), actor: "tess", now: Self.time)
        }
        #expect(throws: HelpdeskError.conflict("asset \(monitor) has the tag HQ-0002")) {
            try store.createAsset(try Self.changes(#"{"name": "another", "tag": "hq-0002"}"#), actor: "tess", now: Self.time)
        }
        #expect(throws: HelpdeskError.conflict("the serial, maker and model of an agent's machine come from its reports")) {
            try store.updateAsset(id: laptop, try Self.changes(#"{"serial": "X"}"#), actor: "tess", now: Self.time)
        }
        #expect(throws: HelpdeskError.invalid("a new asset needs a name")) { try store.createAsset(try Self.changes("{}"), actor: "tess", now: Self.time) }
        // A reopened store with another pattern keeps the tags it gave.
        let reopened = try CollectorStore(path: directory + "/deskside.sqlite")
        #expect(try reopened.asset(id: laptop)?.tag == "HQ-0001")
    }

    @Test func everyFieldIsKeptAndEachChangeIsInTheHistoryWithWho() throws {
        let (store, directory) = try IdentityTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let laptop = try IdentityTests.report(store, "agent-1", CollectorStoreTests.inventory("laptop"))
        let paris = try store.addLocation(name: "Paris", kind: .site, parentId: nil)
        let tower = try store.addLocation(name: "Tower B", kind: .building, parentId: paris.id)
        let room = try store.addLocation(name: "4.12", kind: .room, parentId: tower.id)
        #expect(room.path == "Paris / Tower B / 4.12")
        #expect(throws: HelpdeskError.self) { try store.addLocation(name: "4.13", kind: .room, parentId: paris.id) }
        #expect(throws: HelpdeskError.conflict("there is a location tower b there already")) { try store.addLocation(name: "tower b", kind: .building, parentId: paris.id) }
        try store.updateAsset(id: laptop, try Self.changes("""
            {"locationId": \(room.id), "department": "Finance", "purchaseDate": "2024-03-15", "supplier": "Bechtle", "orderNumber": "PO-1182",
             "cost": "1,299.90", "warrantyMonths": 36, "notes": "spare charger in the drawer", "tags": ["vip", "loaner"], "name": "Jeanne's laptop"}
            """), actor: "tess", now: Self.time)
        let register = try #require(try store.register(assetID: laptop))
        #expect(register.location == "Paris / Tower B / 4.12" && register.department == "Finance" && register.cost == "1299.90")
        #expect(register.warrantyEnds == "2027-03-15" && register.tags == ["vip", "loaner"] && register.name == "Jeanne's laptop")
        #expect(try store.asset(id: laptop)?.location == "Paris / Tower B / 4.12")
        try store.setAssetStatus(id: laptop, .inRepair, actor: "tess", now: Self.time)
        #expect(throws: HelpdeskError.self) { try store.setAssetStatus(id: laptop, .ordered, actor: "tess", now: Self.time) }
        let events = try store.history(assetID: laptop, section: "register", limit: 50, offset: 0).items
        #expect(events.contains { $0.item == "status (by tess)" && $0.oldValue == "deployed" && $0.newValue == "inRepair" })
        #expect(events.contains { $0.item == "cost (by tess)" && $0.oldValue == nil && $0.newValue == "1299.90" })
        #expect(events.contains { $0.item == "locationId (by tess)" && $0.newValue == String(room.id) })
        // An unchanged update writes nothing.
        let count = try store.count("assetEvent")
        try store.updateAsset(id: laptop, try Self.changes(#"{"department": "Finance"}"#), actor: "tess", now: Self.time)
        #expect(try store.count("assetEvent") == count)
        // Filters: by location (a site finds its rooms' assets), status, tag, warranty window.
        var query = CollectorStore.AssetQuery()
        query.locationId = paris.id
        #expect(try store.assets(matching: query).items.map(\.id) == [laptop])
        query = CollectorStore.AssetQuery()
        query.warrantyBefore = try CalendarDate("2027-06-30")
        query.warrantyFrom = try CalendarDate("2027-01-01")
        #expect(try store.assets(matching: query).total == 1)
        query.warrantyFrom = try CalendarDate("2027-04-01")
        #expect(try store.assets(matching: query).total == 0)
        query = CollectorStore.AssetQuery()
        query.status = .inRepair
        query.tagged = "VIP"
        #expect(try store.assets(matching: query).total == 1)
    }

    @Test func categoriesDefineTypedFieldsThatAreCheckedOnInput() throws {
        let (store, directory) = try IdentityTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try store.saveCategory(AssetCategory(name: "phone", auditIntervalDays: 180, fields: [
            CustomField(name: "number", type: .text, required: true), CustomField(name: "carrier", type: .choice, choices: ["Orange", "SFR"]),
        ]))
        #expect(throws: HelpdeskError.unprocessable("field number is required in this category")) {
            try store.createAsset(try Self.changes(#"{"name": "iPhone 15", "category": "phone"}"#), actor: "tess", now: Self.time)
        }
        let phone = try store.createAsset(try Self.changes(#"{"name": "iPhone 15", "category": "phone", "fields": {"number": "+33 6 12", "carrier": "SFR"}}"#),
                                          actor: "tess", now: Self.time)
        #expect(try store.register(assetID: phone)?.fields == ["number": "+33 6 12", "carrier": "SFR"])
        #expect(try store.register(assetID: phone)?.nextAuditDue == CalendarDate(secondsSince1970: Self.time.timeIntervalSince1970).adding(days: 180).description)
        #expect(throws: HelpdeskError.self) { try store.updateAsset(id: phone, try Self.changes(#"{"fields": {"carrier": "Free"}}"#), actor: "tess", now: Self.time) }
        #expect(throws: HelpdeskError.unprocessable("no category tablet (deskside assets categories lists them)")) {
            try store.updateAsset(id: phone, try Self.changes(#"{"category": "tablet"}"#), actor: "tess", now: Self.time)
        }
        #expect(try store.categories().map(\.name) == ["computer", "phone"])
        #expect(try store.categories().first { $0.name == "phone" }?.assetCount == 1)
        // Attached to a computer, never in a loop.
        let dock = try store.createAsset(try Self.changes(#"{"name": "dock", "attachedTo": \#(phone)}"#), actor: "tess", now: Self.time)
        #expect(try store.register(assetID: phone)?.attached == [dock])
        #expect(throws: HelpdeskError.self) { try store.updateAsset(id: phone, try Self.changes(#"{"attachedTo": \#(dock)}"#), actor: "tess", now: Self.time) }
        #expect(throws: HelpdeskError.self) { try store.updateAsset(id: phone, try Self.changes(#"{"attachedTo": \#(phone)}"#), actor: "tess", now: Self.time) }
    }

    @Test func theV17MigrationMovesStatusesIntoTheLifecycleAndTagsEveryAsset() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/deskside.sqlite"
        let old = try DatabaseQueue(path: path)
        try StoreMigrations.migrator.migrate(old, upTo: "v16: starter articles for the built-in fault codes, marked as shipped")
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO agent (id, uuid, certificateFingerprint, enrolledAt) VALUES (1, 'agent-1', 'SHA256:a1', '2026-01-01T00:00:00Z');
                INSERT INTO asset (id, agentId, hostname, status, createdAt, updatedAt) VALUES
                    (7, 1, 'ws-7', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
                    (8, NULL, 'ws-8', 'lost', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
                    (9, NULL, 'ws-9', 'retired', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                INSERT INTO assetEvent (assetId, at, section, item) VALUES (7, '2026-01-01T00:00:00Z', 'agent', 'enrolled');
                """)
        }
        try old.close()
        let store = try CollectorStore(path: path)
        #expect(try [7, 8, 9].map { try store.asset(id: $0)?.status } == ["deployed", "lostOrStolen", "retired"])
        #expect(try [7, 8, 9].map { try store.asset(id: $0)?.tag } == ["DS-00001", "DS-00002", "DS-00003"])
        #expect(try store.history(assetID: 7, section: nil, limit: 10, offset: 0).total == 1)
        let broken = try store.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        #expect(broken.isEmpty)
    }
}
