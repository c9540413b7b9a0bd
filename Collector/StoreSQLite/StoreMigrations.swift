#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideAssets
import DesksideHelpdesk
import DesksideInventory
import DesksideJSON
import GRDB

/// The collector's schema. Invariants live in the schema (foreign keys, NOT NULL, UNIQUE, CHECK) so
/// that no code path can store what makes no sense. Migrations run when the store opens.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: agents, assets, inventory, packages, history, faults, reports") { db in
            try db.execute(sql: """
                CREATE TABLE agent (
                    id INTEGER PRIMARY KEY,
                    uuid TEXT NOT NULL UNIQUE,
                    certificateFingerprint TEXT NOT NULL UNIQUE,
                    enrolledAt TEXT NOT NULL,
                    revokedAt TEXT,
                    lastSequence INTEGER CHECK (lastSequence >= 0),
                    baseHash TEXT
                );
                CREATE TABLE asset (
                    id INTEGER PRIMARY KEY,
                    agentId INTEGER UNIQUE REFERENCES agent(id) ON DELETE SET NULL,
                    hostname TEXT,
                    serial TEXT,
                    vendor TEXT,
                    model TEXT,
                    osName TEXT,
                    osVersion TEXT,
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inStock', 'retired', 'lost')),
                    createdAt TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    lastReportAt TEXT
                );
                CREATE INDEX asset_hostname ON asset(hostname);
                CREATE INDEX asset_serial ON asset(serial);
                CREATE TABLE inventorySection (
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    section TEXT NOT NULL CHECK (section IN ('hardware', 'os', 'software', 'updates', 'health', 'notes', 'meta')),
                    hash TEXT NOT NULL,
                    body BLOB NOT NULL,
                    PRIMARY KEY (assetId, section)
                ) WITHOUT ROWID;
                CREATE TABLE packageName (
                    id INTEGER PRIMARY KEY,
                    manager TEXT NOT NULL,
                    name TEXT NOT NULL,
                    architecture TEXT NOT NULL,
                    UNIQUE (manager, name, architecture)
                );
                CREATE INDEX packageName_name ON packageName(name);
                CREATE TABLE packageVersion (
                    id INTEGER PRIMARY KEY,
                    packageNameId INTEGER NOT NULL REFERENCES packageName(id),
                    version TEXT NOT NULL,
                    bodyHash TEXT NOT NULL,
                    body BLOB NOT NULL,
                    UNIQUE (packageNameId, version, bodyHash)
                );
                CREATE TABLE assetPackage (
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    packageVersionId INTEGER NOT NULL REFERENCES packageVersion(id),
                    installedAt TEXT,
                    PRIMARY KEY (assetId, packageVersionId)
                ) WITHOUT ROWID;
                CREATE INDEX assetPackage_version ON assetPackage(packageVersionId);
                CREATE TABLE report (
                    id TEXT NOT NULL,
                    agentId INTEGER NOT NULL REFERENCES agent(id) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('full', 'delta', 'heartbeat')),
                    hash TEXT NOT NULL,
                    receivedAt TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'stale')),
                    PRIMARY KEY (agentId, id)
                ) WITHOUT ROWID;
                CREATE INDEX report_agent ON report(agentId, sequence);
                CREATE TABLE assetEvent (
                    id INTEGER PRIMARY KEY,
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    at TEXT NOT NULL,
                    section TEXT NOT NULL,
                    item TEXT NOT NULL,
                    oldValue TEXT,
                    newValue TEXT
                );
                CREATE INDEX assetEvent_asset ON assetEvent(assetId, at);
                CREATE TABLE fault (
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    fingerprint TEXT NOT NULL,
                    code TEXT NOT NULL,
                    severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                    subject TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    facts BLOB NOT NULL,
                    firstSeenAt TEXT NOT NULL,
                    lastSeenAt TEXT NOT NULL,
                    PRIMARY KEY (assetId, fingerprint)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2: enrollment tokens and the audit log") { db in
            try db.execute(sql: """
                CREATE TABLE enrollmentToken (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    secretHash TEXT NOT NULL UNIQUE,
                    reusable INTEGER NOT NULL CHECK (reusable IN (0, 1)),
                    createdAt TEXT NOT NULL,
                    expiresAt TEXT,
                    revokedAt TEXT,
                    useCount INTEGER NOT NULL DEFAULT 0 CHECK (useCount >= 0),
                    CHECK (reusable = 1 OR useCount <= 1)
                );
                CREATE TABLE auditEvent (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused')),
                    detail TEXT NOT NULL
                );
                CREATE INDEX auditEvent_at ON auditEvent(at);
                """)
        }
        migrator.registerMigration("v3: API tokens") { db in
            try db.execute(sql: """
                CREATE TABLE apiToken (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('admin', 'technician', 'auditor', 'requester')),
                    secretHash TEXT NOT NULL UNIQUE,
                    createdAt TEXT NOT NULL,
                    revokedAt TEXT
                );
                """)
        }
        migrator.registerMigration("v4: agents' last contact, assets' owner and last user") { db in
            try db.execute(sql: """
                ALTER TABLE agent ADD COLUMN lastSeenAt TEXT;
                ALTER TABLE asset ADD COLUMN owner TEXT;
                ALTER TABLE asset ADD COLUMN lastUser TEXT;
                DROP INDEX asset_hostname;
                CREATE INDEX asset_hostname ON asset(hostname COLLATE NOCASE);
                """)
        }
        migrator.registerMigration("v5: install times as integers, no package-to-asset index") { db in
            // The reverse index (package version -> assets) made every first report insert 2,000 rows at
            // random places in a second B-tree: measured, 7 to 10 times the cost of the rows themselves.
            // "Which assets have this package" is answered through the primary key instead, one seek
            // per asset (see `assets(matching:)`). Install times are whole seconds (the package digest
            // uses them to the second), stored as integers rather than 20 characters of text.
            try db.execute(sql: """
                CREATE TABLE assetPackageNew (
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    packageVersionId INTEGER NOT NULL REFERENCES packageVersion(id),
                    installedAt INTEGER,
                    PRIMARY KEY (assetId, packageVersionId)
                ) WITHOUT ROWID;
                INSERT INTO assetPackageNew SELECT assetId, packageVersionId, CAST(strftime('%s', installedAt) AS INTEGER) FROM assetPackage;
                DROP TABLE assetPackage;
                ALTER TABLE assetPackageNew RENAME TO assetPackage;
                """)
        }
        migrator.registerMigration("v6: accounts, sessions, tickets, fault tickets, knowledge base") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id INTEGER PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 1 AND 64),
                    name TEXT NOT NULL,
                    email TEXT NOT NULL DEFAULT '',
                    department TEXT NOT NULL DEFAULT '',
                    managerId INTEGER REFERENCES account(id) ON DELETE SET NULL,
                    location TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('onboarding', 'active', 'departed')),
                    role TEXT NOT NULL CHECK (role IN ('requester', 'technician', 'admin', 'auditor')),
                    tier INTEGER CHECK (tier IN (1, 2, 3)),
                    passwordHash TEXT,
                    failedLogins INTEGER NOT NULL DEFAULT 0 CHECK (failedLogins >= 0),
                    lockedUntil TEXT,
                    createdAt TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    CHECK ((role = 'technician') = (tier IS NOT NULL))
                );
                CREATE TABLE staffSession (
                    tokenHash TEXT PRIMARY KEY,
                    accountId INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    createdAt TEXT NOT NULL,
                    expiresAt TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX staffSession_account ON staffSession(accountId);
                ALTER TABLE asset DROP COLUMN owner;
                ALTER TABLE asset ADD COLUMN ownerId INTEGER REFERENCES account(id) ON DELETE SET NULL;
                CREATE INDEX asset_owner ON asset(ownerId);
                CREATE TABLE assetAssignment (
                    id INTEGER PRIMARY KEY,
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    accountId INTEGER REFERENCES account(id) ON DELETE SET NULL,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    note TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX assetAssignment_asset ON assetAssignment(assetId, id);
                CREATE TABLE ticket (
                    id INTEGER PRIMARY KEY,
                    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
                    description TEXT NOT NULL,
                    requesterId INTEGER REFERENCES account(id) ON DELETE SET NULL,
                    category TEXT NOT NULL,
                    impact TEXT NOT NULL CHECK (impact IN ('high', 'medium', 'low')),
                    urgency TEXT NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
                    priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
                    status TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'inProgress', 'waiting', 'resolved', 'closed')),
                    tier INTEGER NOT NULL CHECK (tier IN (1, 2, 3)),
                    assigneeId INTEGER REFERENCES account(id) ON DELETE SET NULL,
                    source TEXT NOT NULL CHECK (source IN ('staff', 'requester', 'fault', 'storm')),
                    faultCode TEXT,
                    stormId INTEGER REFERENCES ticket(id) ON DELETE SET NULL,
                    createdAt TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    firstResponseAt TEXT,
                    responseDueAt TEXT NOT NULL,
                    resolutionDueAt TEXT NOT NULL,
                    responseBreached INTEGER NOT NULL DEFAULT 0 CHECK (responseBreached IN (0, 1)),
                    resolutionBreached INTEGER NOT NULL DEFAULT 0 CHECK (resolutionBreached IN (0, 1)),
                    resolvedAt TEXT,
                    closedAt TEXT,
                    resolution TEXT,
                    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
                    ratingComment TEXT,
                    CHECK (status NOT IN ('resolved', 'closed') OR (resolution IS NOT NULL AND resolvedAt IS NOT NULL))
                );
                CREATE INDEX ticket_queue ON ticket(status, tier, priority);
                -- The open queue in priority order, and its count, without sorting 200,000 tickets.
                CREATE INDEX ticket_open ON ticket(CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, id)
                    WHERE status NOT IN ('resolved', 'closed') AND stormId IS NULL;
                CREATE INDEX agent_lastContact ON agent(coalesce(lastSeenAt, enrolledAt));
                CREATE INDEX ticket_requester ON ticket(requesterId);
                CREATE INDEX ticket_assignee ON ticket(assigneeId);
                CREATE INDEX ticket_storm ON ticket(stormId) WHERE stormId IS NOT NULL;
                CREATE INDEX ticket_fault ON ticket(faultCode, createdAt) WHERE faultCode IS NOT NULL;
                CREATE VIRTUAL TABLE ticketText USING fts5(title, description, content='ticket', content_rowid='id',
                                                            tokenize="unicode61 tokenchars '-._'");
                CREATE TRIGGER ticket_ai AFTER INSERT ON ticket BEGIN
                    INSERT INTO ticketText (rowid, title, description) VALUES (new.id, new.title, new.description);
                END;
                CREATE TRIGGER ticket_ad AFTER DELETE ON ticket BEGIN
                    INSERT INTO ticketText (ticketText, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
                END;
                CREATE TRIGGER ticket_au AFTER UPDATE OF title, description ON ticket BEGIN
                    INSERT INTO ticketText (ticketText, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
                    INSERT INTO ticketText (rowid, title, description) VALUES (new.id, new.title, new.description);
                END;
                CREATE TABLE ticketAsset (
                    ticketId INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    PRIMARY KEY (ticketId, assetId)
                ) WITHOUT ROWID;
                CREATE INDEX ticketAsset_asset ON ticketAsset(assetId);
                CREATE TABLE ticketEvent (
                    id INTEGER PRIMARY KEY,
                    ticketId INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    field TEXT,
                    oldValue TEXT,
                    newValue TEXT,
                    body TEXT,
                    internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1))
                );
                CREATE INDEX ticketEvent_ticket ON ticketEvent(ticketId, id);
                CREATE TABLE faultTicket (
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    code TEXT NOT NULL,
                    ticketId INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
                    lastReportedAt TEXT NOT NULL,
                    reportCount INTEGER NOT NULL DEFAULT 1,
                    PRIMARY KEY (assetId, code)
                ) WITHOUT ROWID;
                CREATE TABLE faultRule (
                    code TEXT PRIMARY KEY,
                    opensTicket INTEGER NOT NULL CHECK (opensTicket IN (0, 1)),
                    category TEXT NOT NULL,
                    impact TEXT NOT NULL CHECK (impact IN ('high', 'medium', 'low')),
                    urgency TEXT NOT NULL CHECK (urgency IN ('high', 'medium', 'low')),
                    tier INTEGER NOT NULL CHECK (tier IN (1, 2, 3))
                ) WITHOUT ROWID;
                ALTER TABLE fault ADD COLUMN source TEXT NOT NULL DEFAULT 'agent' CHECK (source IN ('agent', 'collector'));
                CREATE TABLE article (
                    id INTEGER PRIMARY KEY,
                    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
                    body TEXT NOT NULL,
                    tags TEXT NOT NULL DEFAULT '',
                    categories TEXT NOT NULL DEFAULT '',
                    helpedCount INTEGER NOT NULL DEFAULT 0,
                    createdAt TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    author TEXT NOT NULL
                );
                CREATE TABLE articleFault (
                    articleId INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
                    code TEXT NOT NULL,
                    PRIMARY KEY (code, articleId)
                ) WITHOUT ROWID;
                CREATE VIRTUAL TABLE articleText USING fts5(title, body, tags, categories, content='article', content_rowid='id',
                                                            tokenize='porter unicode61');
                CREATE TRIGGER article_ai AFTER INSERT ON article BEGIN
                    INSERT INTO articleText (rowid, title, body, tags, categories) VALUES (new.id, new.title, new.body, new.tags, new.categories);
                END;
                CREATE TRIGGER article_ad AFTER DELETE ON article BEGIN
                    INSERT INTO articleText (articleText, rowid, title, body, tags, categories) VALUES ('delete', old.id, old.title, old.body, old.tags, old.categories);
                END;
                CREATE TRIGGER article_au AFTER UPDATE ON article BEGIN
                    INSERT INTO articleText (articleText, rowid, title, body, tags, categories) VALUES ('delete', old.id, old.title, old.body, old.tags, old.categories);
                    INSERT INTO articleText (rowid, title, body, tags, categories) VALUES (new.id, new.title, new.body, new.tags, new.categories);
                END;
                CREATE TABLE ticketArticle (
                    ticketId INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
                    articleId INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
                    PRIMARY KEY (ticketId, articleId)
                ) WITHOUT ROWID;
                CREATE TABLE cannedAnswer (
                    id INTEGER PRIMARY KEY,
                    title TEXT NOT NULL UNIQUE CHECK (length(title) BETWEEN 1 AND 200),
                    body TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v7: an agent's previous certificate, valid while a renewal completes") { db in
            try db.execute(sql: """
                ALTER TABLE agent ADD COLUMN previousFingerprint TEXT;
                CREATE UNIQUE INDEX agent_previousFingerprint ON agent(previousFingerprint) WHERE previousFingerprint IS NOT NULL;
                """)
        }
        migrator.registerMigration("v8: for a CA rollover, the CA that issued each agent's certificate and the CAs each agent trusts") { db in
            // certificateIssuer is NULL for certificates issued before this migration: by the CA of that time.
            try db.execute(sql: """
                ALTER TABLE agent ADD COLUMN certificateIssuer TEXT;
                ALTER TABLE agent ADD COLUMN trustedCAs TEXT;
                """)
        }
        migrator.registerMigration("v9: tasks, signed for one agent, with their results") { db in
            // `payload` and `signature` are what the agent receives; the agent checks the signature
            // with the key it pinned, so a row written here by hand is refused there.
            try db.execute(sql: """
                CREATE TABLE task (
                    id INTEGER PRIMARY KEY,
                    uuid TEXT NOT NULL UNIQUE,
                    agentId INTEGER NOT NULL REFERENCES agent(id) ON DELETE CASCADE,
                    assetId INTEGER REFERENCES asset(id) ON DELETE SET NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('account.create', 'account.lock', 'account.groups', 'packages.install', 'packages.remove',
                                                       'updates.apply', 'hostname.set', 'inventory.refresh', 'reboot', 'script.run')),
                    parameters TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    signature TEXT NOT NULL,
                    timeoutSeconds INTEGER NOT NULL CHECK (timeoutSeconds BETWEEN 1 AND 3600),
                    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'succeeded', 'failed', 'timedOut', 'refused', 'unknown', 'expired', 'cancelled')),
                    requestedBy TEXT NOT NULL,
                    createdAt TEXT NOT NULL,
                    expiresAt TEXT NOT NULL,
                    sentAt TEXT,
                    startedAt TEXT,
                    finishedAt TEXT,
                    exitCode INTEGER,
                    summary TEXT,
                    refusal TEXT,
                    changed INTEGER CHECK (changed IN (0, 1)),
                    stdoutTail TEXT,
                    stderrTail TEXT,
                    CHECK ((state IN ('queued', 'sent')) = (finishedAt IS NULL))
                );
                CREATE INDEX task_agent_open ON task(agentId, id) WHERE state IN ('queued', 'sent');
                CREATE INDEX task_asset ON task(assetId, id);
                CREATE INDEX task_state ON task(state, id);
                """)
        }
        provisioningAndDeskMigrations(&migrator)
        registerMigration(&migrator)
        intakeMigration(&migrator)
        fleetIndexMigration(&migrator)
        return migrator
    }

    /// Shipped articles, marked as such, with their fault codes.
    static func insertStarterArticles(_ articles: [StarterArticle], db: Database) throws {
        let now = Timestamp.text(Date())
        for article in articles {
            try db.execute(sql: """
                INSERT INTO article (title, body, tags, categories, author, createdAt, updatedAt, shipped) VALUES (?, ?, ?, ?, 'deskside', ?, ?, 1)
                """, arguments: [article.title, article.body, article.tags.sorted().joined(separator: " "),
                                 article.categories.sorted().joined(separator: " "), now, now])
            let id = db.lastInsertedRowID
            for code in article.faultCodes {
                try db.execute(sql: "INSERT INTO articleFault (articleId, code) VALUES (?, ?)", arguments: [id, code])
            }
        }
    }
}
