#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideHelpdesk
public import DesksideAssets
public import DesksideInventory
import DesksideJSON
public import DesksideProtocol
import GRDB

/// The collector's database: one SQLite file in WAL mode, opened through GRDB, with writes named after
/// what they do, each one transaction. Only this module imports GRDB; the rest of the collector speaks
/// in the model's types, so that another store (PostgreSQL) can stand behind the same interface.
public final class CollectorStore: Sendable {
    let pool: DatabasePool
    /// Ids of package versions already in the dictionary, so that a report of known packages needs no lookups.
    let versions = PackageVersionCache()
    /// Service levels and the fault loop's settings, which the store applies inside its transactions.
    public let helpdesk: HelpdeskSettings
    /// The register's tag pattern and warranty notice.
    public let register: RegisterSettings

    /// The database file.
    public let path: String
    /// The copy of the database made before this open migrated it, if it did.
    public let backupBeforeMigration: String?

    /// A database written by a newer Deskside: this version does not know some of its migrations,
    /// and refuses it rather than run on a schema it does not understand.
    public struct NewerDatabase: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var unknown: [String]
        public var description: String {
            "the database \(path) was written by a newer version of Deskside (it has \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")), which this version does not know): run that version, or restore a backup made with this one"
        }
    }

    /// Why a write was refused.
    public enum StoreError: Error, Equatable {
        case unknownAgent(String)
        case revokedAgent(String)
        /// Sequence numbers are stored as SQLite integers (signed 64-bit).
        case sequenceOutOfRange(UInt64)
        /// The inventory does not hash to what the report says.
        case hashMismatch
    }

    /// How far a commit is on disk when the write returns, and so when an agent is told its report
    /// is stored.
    public enum Durability: String, Codable, Sendable {
        /// `synchronous=FULL`: the WAL is synced at every commit; an acknowledged report survives
        /// an operating-system crash or a power cut, not only a crash of the collector.
        case full
        /// `synchronous=NORMAL` (SQLite's WAL default): synced at checkpoints only; the last commits
        /// before a power cut can vanish after the agents deleted them from their spools.
        case normal
    }

    /// Opens (creating and migrating when needed) the database at `path`.
    public init(path: String, helpdesk: HelpdeskSettings = HelpdeskSettings(), register: RegisterSettings = RegisterSettings(),
                durability: Durability = .full) throws {
        self.helpdesk = helpdesk
        self.register = register
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)

        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets NORMAL on the writer when it turns WAL on; only the writer commits.
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(synchronous)") }
        let migrator = StoreMigrations.migrator
        let (applied, superseded) = try pool.read { db in (try migrator.completedMigrations(db), try migrator.hasBeenSuperseded(db)) }
        if superseded {
            let unknown = try pool.read { db in try migrator.appliedIdentifiers(db).subtracting(migrator.migrations) }
            throw NewerDatabase(path: path, unknown: unknown.sorted())
        }
        // A schema change on a database with data: a copy first (each migration then runs in a
        // transaction of its own).
        backupBeforeMigration = !applied.isEmpty && applied.count < migrator.migrations.count
            ? try Self.backupBeforeMigrating(pool, path: path, lastApplied: applied.last) : nil
        try migrator.migrate(pool)
        try assignMissingTags()
    }

    // MARK: - Agents

    /// Registers an agent without an enrollment token (tests and tools; agents enroll through
    /// `enrollAgent`).
    public func registerAgent(uuid: String, certificateFingerprint: String, at time: Date) throws {
        try pool.write { db in
            try db.run("INSERT INTO agent (uuid, certificateFingerprint, enrolledAt) VALUES (?, ?, ?)",
                           arguments: [uuid, certificateFingerprint, Timestamp.text(time)])
        }
    }

    // MARK: - Reports

    /// What became of a report.
    public enum ReportOutcome: Sendable, Equatable {
        /// Committed; the asset and the history events it produced.
        case stored(assetID: Int64, events: Int)
        /// The same report id was stored before: nothing written.
        case duplicate
        /// An older sequence than one already stored: kept as received, the inventory not overwritten.
        case stale
        /// The report builds on a base the store no longer holds (another report moved it meanwhile).
        case baseMoved
    }

    /// Stores an agent's inventory as of one report, in one transaction: the sections that changed,
    /// the package diff against the normalized package tables (never delete-and-reinsert), one history
    /// event per change, the current faults. Idempotent by report id; an older sequence never
    /// overwrites a newer inventory.
    /// - Parameter expectedHash: the hash the report claims; the store hashes the inventory while it
    ///   prepares its rows and throws `hashMismatch` when they differ.
    /// - Parameter isConnected: whether an agent is connected now, for matching a new agent's first
    ///   report to an asset another agent holds (`placeAgent`).
    public func record(agentUUID: String, reportID: String, sequence: UInt64, kind: Report.Kind, inventory: Inventory,
                       expectedHash: String? = nil, faults: [Fault], gap: SpoolGap? = nil,
                       receivedAt: Date, isConnected: (String) -> Bool = { _ in false }) throws -> ReportOutcome {
        let prepared = PreparedInventory(inventory)
        let combined = prepared.hash.combined
        if let expectedHash, combined != expectedHash { throw StoreError.hashMismatch }
        var discovered: [PackageVersionCache.Key: Int64] = [:]
        let outcome = try pool.write { db -> ReportOutcome in
            let now = Timestamp.text(receivedAt)
            let agent: Admitted
            switch try Self.admit(db, agentUUID: agentUUID, reportID: reportID, sequence: sequence, kind: kind, hash: combined,
                                  expectedBase: nil, now: now) {
            case .refused(let outcome): return outcome
            case .admitted(let admitted): agent = admitted
            }
            let identity = MachineIdentity(inventory.hardware)
            let assetID = try agent.assetID ?? placeAgent(agent, uuid: agentUUID, identity: identity, hostname: inventory.os.hostname,
                                                                 isConnected: isConnected, db: db, at: receivedAt)
            if try Self.storeIdentity(identity, assetID: assetID, db: db), agent.assetID != nil {
                try checkTwins(identity, assetID: assetID, agent: agent.id, isConnected: isConnected, db: db, at: receivedAt)
            }
            var events: Int
            (events, discovered) = try writeInventory(prepared, faults: faults, assetID: assetID, db: db, at: receivedAt)
            events += try Self.recordGap(gap, assetID: assetID, db: db, now: now)
            try Self.accept(db, agent: agent, reportID: reportID, kind: kind, hash: combined, now: now)
            return .stored(assetID: assetID, events: events)
        }
        versions.remember(discovered)
        return outcome
    }

    /// An inventory with each package encoded and hashed once, for both the inventory's hash and its rows.
    struct PreparedInventory {
        var inventory: Inventory
        var packages: [(Package, InventoryWriter.StoredPackage)]
        var sum = PackageSetDigest()
        var hash: InventoryHash

        init(_ inventory: Inventory) {
            self.inventory = inventory
            packages = inventory.software.packages.map { ($0, InventoryWriter.StoredPackage($0)) }
            for (_, stored) in packages { sum.add(stored.digest) }
            hash = InventoryHash(inventory, software: sum.softwareHash(packageManagers: inventory.software.packageManagers))
        }
    }

    /// Writes a whole inventory on its asset (the changed sections, the package diff, their history
    /// events), the asset's summary, the owner from the last user, a hardware change and the faults;
    /// returns the events written and the package versions looked up, for the cache once committed.
    func writeInventory(_ prepared: PreparedInventory, faults: [Fault], assetID: Int64, db: Database,
                        at receivedAt: Date) throws -> (events: Int, discovered: [PackageVersionCache.Key: Int64]) {
        let inventory = prepared.inventory
        let now = Timestamp.text(receivedAt)
        let writer = InventoryWriter(db: db, assetID: assetID, at: now, versions: versions)
        var events = try writer.write(inventory, packages: prepared.packages, sum: prepared.sum, hash: prepared.hash)
        // The asset's summary first: tickets the faults open are titled with its hostname.
        try db.run("""
            UPDATE asset SET hostname = ?, serial = ?, vendor = ?, model = ?, osName = ?, osVersion = ?, lastUser = ?, updatedAt = ?, lastReportAt = ?
            WHERE id = ?
            """, arguments: [inventory.os.hostname, inventory.hardware.system.serial, inventory.hardware.system.vendor,
                             inventory.hardware.system.model, inventory.os.name, inventory.os.version,
                             inventory.os.loggedInUsers.first?.name, now, Timestamp.text(inventory.collectedAt), assetID])
        try Self.ownerFromLastUser(db, asset: assetID, lastUser: inventory.os.loggedInUsers.first?.name, settings: helpdesk, now: receivedAt)
        try reportHardwareChange(writer.hardwareChange, assetID: assetID, db: db, at: receivedAt)
        events += try replaceFaults(faults, assetID: assetID, db: db, at: receivedAt)
        return (events, writer.discovered)
    }

    /// Stores a heartbeat report: the inventory is unchanged, so only the faults, the time of
    /// collection (in the meta section) and the sequence are written; no other section is read.
    public func recordHeartbeat(agentUUID: String, reportID: String, sequence: UInt64, base: String, faults: [Fault], gap: SpoolGap?,
                                collectedAt: Date, receivedAt: Date) throws -> ReportOutcome {
        try pool.write { db in
            let now = Timestamp.text(receivedAt)
            let agent: Admitted
            switch try Self.admit(db, agentUUID: agentUUID, reportID: reportID, sequence: sequence, kind: .heartbeat, hash: base,
                                  expectedBase: base, now: now) {
            case .refused(let outcome): return outcome
            case .admitted(let admitted): agent = admitted
            }
            guard let assetID = agent.assetID else { return .baseMoved }
            try InventoryWriter(db: db, assetID: assetID, at: now, versions: versions).updateCollectedAt(collectedAt)
            var events = try replaceFaults(faults, assetID: assetID, db: db, at: receivedAt)
            events += try Self.recordGap(gap, assetID: assetID, db: db, now: now)
            try db.run("UPDATE asset SET lastReportAt = ? WHERE id = ?", arguments: [Timestamp.text(collectedAt), assetID])
            try Self.accept(db, agent: agent, reportID: reportID, kind: .heartbeat, hash: base, now: now)
            return .stored(assetID: assetID, events: events)
        }
    }

    /// What became of a delta applied in place.
    public enum DeltaResult: Sendable, Equatable {
        case recorded(ReportOutcome)
        /// The delta does not lead to its target from the stored inventory: a full report is needed.
        case mismatch
    }

    /// Stores a delta report by applying it to the stored inventory in place (see
    /// `InventoryWriter.apply`), in one transaction with the usual checks; rolled back whole when the
    /// result does not hash to the delta's target.
    public func recordDelta(agentUUID: String, reportID: String, sequence: UInt64, delta: InventoryDelta, faults: [Fault], gap: SpoolGap?,
                            receivedAt: Date) throws -> DeltaResult {
        var discovered: [PackageVersionCache.Key: Int64] = [:]
        do {
            let outcome = try pool.write { db -> ReportOutcome in
                let now = Timestamp.text(receivedAt)
                let agent: Admitted
                switch try Self.admit(db, agentUUID: agentUUID, reportID: reportID, sequence: sequence, kind: .delta, hash: delta.target,
                                      expectedBase: delta.base, now: now) {
                case .refused(let outcome): return outcome
                case .admitted(let admitted): agent = admitted
                }
                guard let assetID = agent.assetID else { return .baseMoved }
                let writer = InventoryWriter(db: db, assetID: assetID, at: now, versions: versions)
                let applied = try writer.apply(delta)
                discovered = writer.discovered
                if let os = delta.os {
                    try db.run("UPDATE asset SET hostname = ?, osName = ?, osVersion = ?, lastUser = ? WHERE id = ?",
                                   arguments: [os.hostname, os.name, os.version, os.loggedInUsers.first?.name, assetID])
                    try Self.ownerFromLastUser(db, asset: assetID, lastUser: os.loggedInUsers.first?.name, settings: helpdesk, now: receivedAt)
                }
                if let hardware = delta.hardware {
                    let identity = MachineIdentity(hardware)
                    if try Self.storeIdentity(identity, assetID: assetID, db: db) {
                        try checkTwins(identity, assetID: assetID, agent: agent.id, isConnected: { _ in false }, db: db, at: receivedAt)
                    }
                    try db.run("UPDATE asset SET serial = ?, vendor = ?, model = ? WHERE id = ?",
                                   arguments: [hardware.system.serial, hardware.system.vendor, hardware.system.model, assetID])
                }
                try reportHardwareChange(writer.hardwareChange, assetID: assetID, db: db, at: receivedAt)
                var events = applied
                events += try replaceFaults(faults, assetID: assetID, db: db, at: receivedAt)
                events += try Self.recordGap(gap, assetID: assetID, db: db, now: now)
                try db.run("UPDATE asset SET updatedAt = ?, lastReportAt = ? WHERE id = ?",
                               arguments: [now, Timestamp.text(delta.collectedAt), assetID])
                try Self.accept(db, agent: agent, reportID: reportID, kind: .delta, hash: delta.target, now: now)
                return .stored(assetID: assetID, events: events)
            }
            versions.remember(discovered)
            return .recorded(outcome)
        } catch is InventoryWriter.DeltaMismatch {
            return .mismatch
        }
    }

    /// An agent whose report may be written.
    struct Admitted {
        var id: Int64
        var sequence: Int64
        /// The agent's asset; `nil` before its first stored report.
        var assetID: Int64?
    }

    enum Admission {
        case admitted(Admitted)
        case refused(ReportOutcome)
    }

    /// The checks before any report is written, inside its transaction: a known, unrevoked agent; a
    /// report id not seen before; a sequence newer than the newest stored (an older one is recorded as
    /// stale and changes nothing); the base the report builds on still the stored one.
    private static func admit(_ db: Database, agentUUID: String, reportID: String, sequence: UInt64, kind: Report.Kind, hash: String,
                              expectedBase: String?, now: String) throws -> Admission {
        guard let agent = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT agent.id, agent.revokedAt, agent.lastSequence, agent.baseHash, asset.id AS assetId
            FROM agent LEFT JOIN asset ON asset.agentId = agent.id WHERE agent.uuid = ?
            """), arguments: [agentUUID]) else {
            throw StoreError.unknownAgent(agentUUID)
        }
        let agentID: Int64 = agent["id"]
        guard (agent["revokedAt"] as String?) == nil else { throw StoreError.revokedAgent(agentUUID) }
        guard let sequence = Int64(exactly: sequence) else { throw StoreError.sequenceOutOfRange(sequence) }
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM report WHERE agentId = ? AND id = ?"), arguments: [agentID, reportID]) == true {
            return .refused(.duplicate)
        }
        if let lastSequence = agent["lastSequence"] as Int64?, sequence <= lastSequence {
            try db.run("INSERT INTO report (id, agentId, sequence, kind, hash, receivedAt, outcome) VALUES (?, ?, ?, ?, ?, ?, 'stale')",
                           arguments: [reportID, agentID, sequence, kind.rawValue, hash, now])
            return .refused(.stale)
        }
        if let expectedBase, (agent["baseHash"] as String?) != expectedBase { return .refused(.baseMoved) }
        return .admitted(Admitted(id: agentID, sequence: sequence, assetID: agent["assetId"]))
    }

    /// Marks the report stored and moves the agent's sequence and base.
    private static func accept(_ db: Database, agent: Admitted, reportID: String, kind: Report.Kind, hash: String, now: String) throws {
        try db.run("UPDATE agent SET lastSequence = ?, baseHash = ? WHERE id = ?", arguments: [agent.sequence, hash, agent.id])
        try db.run("INSERT INTO report (id, agentId, sequence, kind, hash, receivedAt, outcome) VALUES (?, ?, ?, ?, ?, ?, 'stored')",
                       arguments: [reportID, agent.id, agent.sequence, kind.rawValue, hash, now])
    }

    /// Reports the agent's spool had to drop while it was offline: the history says so.
    private static func recordGap(_ gap: SpoolGap?, assetID: Int64, db: Database, now: String) throws -> Int {
        guard let gap else { return 0 }
        try db.run("INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'agent', 'spool gap', NULL, ?)",
                       arguments: [assetID, now, "\(gap.droppedReports) report(s) lost while offline (sequences \(gap.firstSequence)-\(gap.lastSequence))"])
        return 1
    }

    func createAsset(for agentID: Int64?, db: Database, now: String) throws -> Int64 {
        try db.run("INSERT INTO asset (agentId, tag, createdAt, updatedAt) VALUES (?, ?, ?, ?)",
                   arguments: [agentID, try Self.nextTag(db, pattern: register.pattern), now, now])
        let id = db.lastInsertedRowID
        try Outbox(db).webhookNotice(.assetCreated, actor: Principal.system.actor, assetID: id, details: [:], at: now)
        return id
    }

    /// Makes the asset's agent-reported faults the reported set (a fault that appears or clears is a
    /// history event), then runs the fault-to-ticket loop on what changed, in the same transaction.
    private func replaceFaults(_ faults: [Fault], assetID: Int64, db: Database, at date: Date) throws -> Int {
        let now = Timestamp.text(date)
        let current = Set(faults.map(\.fingerprint))
        let stored = try Row.fetchAll(db.cachedStatement(sql: "SELECT fingerprint, code, subject, severity, summary FROM fault WHERE assetId = ? AND source = 'agent'"),
                                      arguments: [assetID]).map {
            StoredFault(fingerprint: $0["fingerprint"], code: $0["code"], subject: $0["subject"], severity: $0["severity"], summary: $0["summary"])
        }
        if faults.isEmpty && stored.isEmpty { return 0 }
        let storedFingerprints = Set(stored.map(\.fingerprint))
        let record = try db.cachedStatement(sql: "INSERT INTO assetEvent (assetId, at, section, item, oldValue, newValue) VALUES (?, ?, 'faults', ?, ?, ?)")
        var events = 0
        for fault in stored where !current.contains(fault.fingerprint) {
            try db.run("DELETE FROM fault WHERE assetId = ? AND fingerprint = ?", arguments: [assetID, fault.fingerprint])
            try record.execute(arguments: [assetID, now, "\(fault.code) \(fault.subject)", fault.severity, nil])
            events += 1
        }
        for fault in faults where !storedFingerprints.contains(fault.fingerprint) {
            try record.execute(arguments: [assetID, now, "\(fault.code) \(fault.subject)", nil, fault.severity.rawValue])
            events += 1
        }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO fault (assetId, fingerprint, code, severity, subject, summary, facts, firstSeenAt, lastSeenAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (assetId, fingerprint) DO UPDATE SET severity = excluded.severity, summary = excluded.summary,
                facts = excluded.facts, lastSeenAt = excluded.lastSeenAt
            """)
        for fault in faults {
            try upsert.execute(arguments: [assetID, fault.fingerprint, fault.code, fault.severity.rawValue, fault.subject, fault.summary,
                                           Data(try JSONCoder.encode(fault.facts)), now, now])
        }
        try FaultTicketLoop(db: db, assetID: assetID, date: date, settings: helpdesk).run(current: faults, previous: stored)
        return events
    }

    /// A hardware change opens (or updates) the asset's `hardware.changed` ticket. It is an event,
    /// not a state: nothing clears it, a technician resolves the ticket.
    private func reportHardwareChange(_ fault: Fault?, assetID: Int64, db: Database, at date: Date) throws {
        guard let fault else { return }
        try Self.faultEvent(db, assetID: assetID, at: Timestamp.text(date), item: fault.code, old: nil, new: fault.summary)
        try FaultTicketLoop(db: db, assetID: assetID, date: date, settings: helpdesk).run(current: [fault], previous: [])
    }

    // MARK: - Reads

    /// The agent's last stored base hash and sequence, and whether it is revoked.
    public func agentState(uuid: String) throws -> (base: String?, sequence: UInt64?, revoked: Bool)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT baseHash, lastSequence, revokedAt FROM agent WHERE uuid = ?"), arguments: [uuid]) else { return nil }
            let sequence = row["lastSequence"] as Int64?
            return (row["baseHash"], sequence.map { UInt64(max(0, $0)) }, (row["revokedAt"] as String?) != nil)
        }
    }

    /// The asset's inventory as last stored, rebuilt from its sections and packages; the base a delta
    /// is applied to.
    /// Without `packages`, the software section names the package managers only (see ``packages(assetID:nameContains:limit:offset:)``).
    public func inventory(assetID: Int64, packages: Bool = true) throws -> Inventory? {
        try pool.read { db in try InventoryWriter(db: db, assetID: assetID, at: "", versions: versions).read(packages: packages) }
    }

    /// The asset of an agent.
    public func assetID(agentUUID: String) throws -> Int64? {
        try pool.read { db in try Self.assetID(agentUUID: agentUUID, db: db) }
    }

    /// One change in an asset's history.
    public struct AssetEvent: Codable, Sendable, Equatable {
        public var at: String
        public var section: String
        public var item: String
        public var oldValue: String?
        public var newValue: String?

        init(_ row: Row) {
            at = row["at"]
            section = row["section"]
            item = row["item"]
            oldValue = row["oldValue"]
            newValue = row["newValue"]
        }
    }

    /// The asset's whole history, oldest first.
    public func history(assetID: Int64) throws -> [AssetEvent] {
        try pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT at, section, item, oldValue, newValue FROM assetEvent WHERE assetId = ? ORDER BY id"),
                             arguments: [assetID]).map(AssetEvent.init)
        }
    }

    /// `PRAGMA integrity_check` and foreign-key check; empty when the database is sound.
    public func integrityProblems() throws -> [String] {
        try pool.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { "foreign key: \($0)" }
            return integrity + foreignKeys
        }
    }

    /// Counts rows of a table (for tests and statistics).
    func count(_ table: String) throws -> Int {
        precondition(["asset", "location", "agent", "packageName", "packageVersion", "assetPackage", "report", "assetEvent", "fault", "inventorySection"].contains(table))
        return try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

/// Timestamps as stored: RFC 3339 text in UTC, which sorts as time does.
enum Timestamp {
    static func text(_ date: Date) -> String { ISO8601.format(secondsSince1970: date.timeIntervalSince1970) }

    /// A stored time that is not RFC 3339 (a damaged or hand-edited database).
    struct Unreadable: Error, CustomStringConvertible {
        var text: String
        var description: String { "a stored time is not RFC 3339: \(text)" }
    }

    static func date(_ text: String) throws -> Date {
        guard let seconds = ISO8601.parse(text) else { throw Unreadable(text: text) }
        return Date(timeIntervalSince1970: seconds)
    }
}

extension Database {
    /// Runs one statement through GRDB's per-connection statement cache: the report path runs the
    /// same few dozen statements thousands of times a second, and preparing them each time cost more
    /// than running them.
    func run(_ sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

// Fetches through the same cache. Preparing a statement is most of what a small query costs here:
// SQLite parses and resolves it, and GRDB's authorizer records every column it reads (a profile of
// the onboarding benchmark had 30 % of the collector's CPU in preparing statements, 4 % in running
// them). Only for SQL whose text comes from the code, so that the cache stays bounded.
extension FetchableRecord {
    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension Row {
    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
