@testable import DesksideStoreSQLite
import DesksideAssets
import DesksideHelpdesk
import DesksideTestSupport
import Foundation
import GRDB
import Testing

/// Physical audits on a real SQLite file: by id, tag or serial; where each was found; the lists of
/// assets overdue for audit and of those found elsewhere than the register says.
@Suite struct AuditTests {
    static let time = CollectorStoreTests.time

    @Test func auditsFindTheAssetByTagOrSerialAndListWhatIsOverdueOrMisplaced() throws {
        let (store, directory) = try IdentityTests.store()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try store.saveCategory(AssetCategory(name: "monitor", auditIntervalDays: 365))
        let site = try store.addLocation(name: "Lyon", kind: .site, parentId: nil)
        let building = try store.addLocation(name: "Main", kind: .building, parentId: site.id)
        let (storeroom, office) = (try store.addLocation(name: "Storeroom", kind: .room, parentId: building.id),
                                   try store.addLocation(name: "Office 3", kind: .room, parentId: building.id))
        let monitors = try (1...3).map { n in
            try store.createAsset(try RegisterTests.changes(#"{"name": "Monitor \#(n)", "category": "monitor", "serial": "CN-\#(n)", "locationId": \#(office.id)}"#),
                                  actor: "tess", now: Self.time)
        }
        let twin = try store.createAsset(try RegisterTests.changes(#"{"name": "Twin", "serial": "cn-3"}"#), actor: "tess", now: Self.time)
        var due = CollectorStore.AssetQuery()
        due.auditDueBy = CollectorStore.today(Self.time).adding(days: 366)
        #expect(try store.assets(matching: due).items.map(\.id) == monitors, "never audited: due a year after entry; the computer category has no interval")

        let later = Self.time.addingTimeInterval(30 * 86400)
        let byTag = try store.auditAsset(.tag("ds-00001"), locationId: office.id, note: "on desk", moveHere: false, actor: "tess", now: later)
        #expect(byTag.assetId == monitors[0] && byTag.location == "Lyon / Main / Office 3" && byTag.registerLocation == nil)
        let bySerial = try store.auditAsset(.serial("CN-2"), locationId: storeroom.id, note: "", moveHere: false, actor: "tess", now: later)
        #expect(bySerial.registerLocation == "Lyon / Main / Office 3", "found elsewhere than the register says")
        #expect(throws: HelpdeskError.conflict("assets \(monitors[2]), \(twin) share the serial CN-3: audit by tag")) {
            try store.auditAsset(.serial("CN-3"), locationId: nil, note: "", moveHere: false, actor: "tess", now: later)
        }
        #expect(throws: HelpdeskError.unprocessable("no asset has the tag NOPE")) {
            try store.auditAsset(.tag("NOPE"), locationId: nil, note: "", moveHere: false, actor: "tess", now: later)
        }
        var misplaced = CollectorStore.AssetQuery()
        misplaced.auditLocationMismatch = true
        #expect(try store.assets(matching: misplaced).items.map(\.id) == [monitors[1]])
        #expect(try store.assets(matching: due).items.map(\.id) == [monitors[2]], "audited ones are due a year after their audit")
        // Moved where it was found: the register agrees, the list empties, the history says who.
        _ = try store.auditAsset(.id(monitors[1]), locationId: storeroom.id, note: "", moveHere: true, actor: "tess", now: later)
        #expect(try store.assets(matching: misplaced).total == 0)
        #expect(try store.register(assetID: monitors[1])?.location == "Lyon / Main / Storeroom")
        #expect(try store.register(assetID: monitors[1])?.nextAuditDue == CollectorStore.today(later).adding(days: 365).description)
        #expect(try store.audits(assetID: monitors[1]).count == 2)
        let events = try store.history(assetID: monitors[1], section: "register", limit: 20, offset: 0).items
        #expect(events.contains { $0.item == "audited (by tess)" && $0.newValue == "Lyon / Main / Storeroom" })
        #expect(events.contains { $0.item == "locationId (by tess)" })
    }
}
