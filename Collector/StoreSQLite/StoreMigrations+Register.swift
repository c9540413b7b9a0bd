import GRDB

extension StoreMigrations {
    /// v17: the register beyond what agents report (issue 14). The asset table is rebuilt because its
    /// status CHECK grows into the lifecycle (SQLite cannot alter a CHECK): `active` becomes
    /// `deployed`, `lost` becomes `lostOrStolen`. Tags are given to existing assets when the store
    /// opens, by the configured pattern (`CollectorStore.assignMissingTags`).
    static func registerMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v17: tags, lifecycle, locations, categories with custom fields, purchase and warranty, audits, loans, merges") { db in
            try db.execute(sql: """
                CREATE TABLE location (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('site', 'building', 'room')),
                    parentId INTEGER REFERENCES location(id) ON DELETE RESTRICT,
                    CHECK ((kind = 'site') = (parentId IS NULL))
                );
                CREATE UNIQUE INDEX location_name ON location(coalesce(parentId, 0), name COLLATE NOCASE);
                CREATE TABLE assetCategory (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    auditIntervalDays INTEGER CHECK (auditIntervalDays BETWEEN 1 AND 3650),
                    fields TEXT NOT NULL DEFAULT '[]'
                );
                INSERT INTO assetCategory (id, name) VALUES (1, 'computer');
                CREATE TABLE registerCounter (name TEXT PRIMARY KEY, value INTEGER NOT NULL CHECK (value >= 0)) WITHOUT ROWID;
                CREATE TABLE assetNew (
                    id INTEGER PRIMARY KEY,
                    agentId INTEGER UNIQUE REFERENCES agent(id) ON DELETE SET NULL,
                    tag TEXT UNIQUE COLLATE NOCASE,
                    name TEXT,
                    categoryId INTEGER NOT NULL DEFAULT 1 REFERENCES assetCategory(id) ON DELETE RESTRICT,
                    hostname TEXT,
                    serial TEXT,
                    vendor TEXT,
                    model TEXT,
                    osName TEXT,
                    osVersion TEXT,
                    status TEXT NOT NULL DEFAULT 'deployed'
                        CHECK (status IN ('ordered', 'inStock', 'deployed', 'inRepair', 'retired', 'lostOrStolen', 'disposed')),
                    locationId INTEGER REFERENCES location(id) ON DELETE SET NULL,
                    department TEXT,
                    purchaseDate TEXT,
                    supplier TEXT,
                    orderNumber TEXT,
                    costCents INTEGER CHECK (costCents >= 0),
                    warrantyMonths INTEGER CHECK (warrantyMonths BETWEEN 0 AND 600),
                    warrantyEnd TEXT,
                    warrantyEnds TEXT,
                    notes TEXT NOT NULL DEFAULT '',
                    tags TEXT NOT NULL DEFAULT '[]',
                    fields TEXT NOT NULL DEFAULT '{}',
                    attachedTo INTEGER REFERENCES asset(id) ON DELETE SET NULL CHECK (attachedTo != id),
                    ownerId INTEGER REFERENCES account(id) ON DELETE SET NULL,
                    lastUser TEXT,
                    identity TEXT,
                    createdAt TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    lastReportAt TEXT,
                    lastAuditAt TEXT,
                    lastAuditLocationId INTEGER REFERENCES location(id) ON DELETE SET NULL,
                    mergedInto INTEGER REFERENCES asset(id)
                );
                INSERT INTO assetNew (id, agentId, hostname, serial, vendor, model, osName, osVersion, status, ownerId, lastUser, identity,
                                      createdAt, updatedAt, lastReportAt)
                    SELECT id, agentId, hostname, serial, vendor, model, osName, osVersion,
                           CASE status WHEN 'active' THEN 'deployed' WHEN 'lost' THEN 'lostOrStolen' ELSE status END,
                           ownerId, lastUser, identity, createdAt, updatedAt, lastReportAt FROM asset;
                DROP TABLE asset;
                ALTER TABLE assetNew RENAME TO asset;
                CREATE INDEX asset_hostname ON asset(hostname COLLATE NOCASE);
                CREATE INDEX asset_serial ON asset(serial);
                CREATE INDEX asset_owner ON asset(ownerId);
                CREATE INDEX asset_location ON asset(locationId);
                CREATE INDEX asset_warranty ON asset(warrantyEnds) WHERE warrantyEnds IS NOT NULL;
                CREATE INDEX asset_attached ON asset(attachedTo) WHERE attachedTo IS NOT NULL;
                CREATE TABLE assetAudit (
                    id INTEGER PRIMARY KEY,
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    locationId INTEGER REFERENCES location(id) ON DELETE SET NULL,
                    note TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX assetAudit_asset ON assetAudit(assetId, id);
                CREATE TABLE handover (
                    id INTEGER PRIMARY KEY,
                    accountId INTEGER NOT NULL REFERENCES account(id),
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    note TEXT NOT NULL DEFAULT '',
                    acceptedAt TEXT
                );
                CREATE INDEX handover_account ON handover(accountId, id);
                CREATE TABLE loan (
                    id INTEGER PRIMARY KEY,
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    handoverId INTEGER NOT NULL REFERENCES handover(id),
                    accountId INTEGER NOT NULL REFERENCES account(id),
                    checkedOutAt TEXT NOT NULL,
                    expectedReturn TEXT,
                    checkedInAt TEXT,
                    checkedInBy TEXT
                );
                CREATE UNIQUE INDEX loan_open ON loan(assetId) WHERE checkedInAt IS NULL;
                CREATE INDEX loan_handover ON loan(handoverId);
                CREATE TABLE assetMerge (
                    id INTEGER PRIMARY KEY,
                    survivorId INTEGER NOT NULL REFERENCES asset(id),
                    mergedId INTEGER NOT NULL REFERENCES asset(id),
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    journal TEXT NOT NULL,
                    undoneAt TEXT,
                    undoneBy TEXT
                );
                """)
        }
    }
}
