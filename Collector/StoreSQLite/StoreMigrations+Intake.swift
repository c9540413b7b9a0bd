import DesksideHelpdesk
import GRDB

extension StoreMigrations {
    /// v18: inventories from FusionInventory, GLPI Agent and OCS agents (issue 15): the sources that
    /// may send them (a token in the URL path, stored hashed, and optional Basic credentials) and the
    /// devices each source has heard from, with the asset each device reports for; starter articles for
    /// the Windows machines' faults.
    static func intakeMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v18: intake sources and the devices they report for, articles for Windows machines' faults") { db in
            try db.execute(sql: """
                CREATE TABLE intakeSource (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    tokenHash TEXT NOT NULL UNIQUE,
                    basicUser TEXT,
                    basicSalt BLOB,
                    basicHash TEXT,
                    createdAt TEXT NOT NULL,
                    revokedAt TEXT,
                    CHECK ((basicUser IS NULL) = (basicHash IS NULL) AND (basicHash IS NULL) = (basicSalt IS NULL))
                );
                CREATE TABLE intakeDevice (
                    id INTEGER PRIMARY KEY,
                    sourceId INTEGER NOT NULL REFERENCES intakeSource(id) ON DELETE CASCADE,
                    protocol TEXT NOT NULL CHECK (protocol IN ('xml', 'json')),
                    deviceId TEXT NOT NULL,
                    glpiAgentId TEXT,
                    agentVersion TEXT,
                    assetId INTEGER REFERENCES asset(id) ON DELETE SET NULL,
                    firstSeenAt TEXT NOT NULL,
                    lastSeenAt TEXT NOT NULL,
                    lastInventoryAt TEXT,
                    scheduleHours INTEGER NOT NULL CHECK (scheduleHours BETWEEN 1 AND 8760),
                    conflict TEXT,
                    conflictAt TEXT,
                    UNIQUE (sourceId, deviceId)
                );
                CREATE INDEX intakeDevice_asset ON intakeDevice(assetId);
                """)
            try insertStarterArticles(StarterArticle.windows, db: db)
        }
        migrator.registerMigration("v19: report records by time, for history retention") { db in
            try db.execute(sql: "CREATE INDEX report_received ON report(receivedAt)")
        }
    }
}
