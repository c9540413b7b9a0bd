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

extension StoreMigrations {
    /// v10 to v16: provisioning (templates, runs, checklists, scripts), console sessions, the outbox,
    /// machine identity, starter articles.
    static func provisioningAndDeskMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10: templates, onboardings and offboardings, runs and their steps, checklists") { db in
            try db.execute(sql: """
                CREATE TABLE template (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    document TEXT NOT NULL,
                    createdAt TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    updatedBy TEXT NOT NULL
                );
                CREATE TABLE provisioning (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('onboarding', 'offboarding')),
                    accountId INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    templateName TEXT,
                    ticketId INTEGER REFERENCES ticket(id) ON DELETE SET NULL,
                    agentId INTEGER REFERENCES agent(id) ON DELETE SET NULL,
                    passwordHash TEXT,
                    state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'done', 'failed', 'cancelled')),
                    createdBy TEXT NOT NULL,
                    createdAt TEXT NOT NULL,
                    finishedAt TEXT
                );
                CREATE INDEX provisioning_account ON provisioning(accountId);
                CREATE INDEX provisioning_waiting ON provisioning(agentId) WHERE state = 'waiting';
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY,
                    provisioningId INTEGER REFERENCES provisioning(id) ON DELETE CASCADE,
                    templateName TEXT NOT NULL,
                    assetId INTEGER REFERENCES asset(id) ON DELETE SET NULL,
                    state TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'succeeded', 'failed', 'cancelled')),
                    createdAt TEXT NOT NULL,
                    startedAt TEXT,
                    finishedAt TEXT
                );
                CREATE INDEX run_provisioning ON run(provisioningId);
                CREATE INDEX run_asset ON run(assetId);
                CREATE TABLE runStep (
                    id INTEGER PRIMARY KEY,
                    runId INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    name TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    parameters TEXT NOT NULL,
                    required INTEGER NOT NULL CHECK (required IN (0, 1)),
                    retries INTEGER NOT NULL CHECK (retries BETWEEN 0 AND 10),
                    timeoutSeconds INTEGER NOT NULL CHECK (timeoutSeconds BETWEEN 1 AND 3600),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    taskId INTEGER REFERENCES task(id) ON DELETE SET NULL,
                    summary TEXT,
                    startedAt TEXT,
                    finishedAt TEXT,
                    UNIQUE (runId, position)
                );
                CREATE TABLE checklistItem (
                    id INTEGER PRIMARY KEY,
                    provisioningId INTEGER NOT NULL REFERENCES provisioning(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    runStepId INTEGER REFERENCES runStep(id) ON DELETE CASCADE,
                    assetId INTEGER REFERENCES asset(id) ON DELETE CASCADE,
                    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
                    doneBy TEXT,
                    doneAt TEXT,
                    CHECK ((done = 1) = (doneAt IS NOT NULL))
                );
                CREATE INDEX checklistItem_provisioning ON checklistItem(provisioningId, position);
                ALTER TABLE task ADD COLUMN runStepId INTEGER REFERENCES runStep(id) ON DELETE SET NULL;
                ALTER TABLE enrollmentToken ADD COLUMN provisioningId INTEGER REFERENCES provisioning(id) ON DELETE SET NULL;
                """)
        }
        migrator.registerMigration("v11: the script library") { db in
            try db.execute(sql: """
                CREATE TABLE script (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    description TEXT NOT NULL DEFAULT '',
                    body TEXT NOT NULL,
                    createdAt TEXT NOT NULL,
                    updatedAt TEXT NOT NULL,
                    updatedBy TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v12: when the collector stopped waiting for a sent task's result") { db in
            try db.execute(sql: "ALTER TABLE task ADD COLUMN overdueAt TEXT")
        }
        migrator.registerMigration("v13: console sessions end when left unused (idleExpiresAt; NULL for API sessions)") { db in
            try db.execute(sql: "ALTER TABLE staffSession ADD COLUMN idleExpiresAt TEXT")
        }
        migrator.registerMigration("v14: the outbox (notifications by mail and webhook), webhooks, preferences, SLA warnings, mail attachments") { db in
            try db.execute(sql: """
                CREATE TABLE webhook (
                    id INTEGER PRIMARY KEY,
                    url TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
                    secret TEXT NOT NULL CHECK (length(secret) >= 16),
                    events TEXT NOT NULL,
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    createdBy TEXT NOT NULL,
                    createdAt TEXT NOT NULL
                );
                CREATE TABLE notification (
                    id INTEGER PRIMARY KEY,
                    uuid TEXT NOT NULL UNIQUE,
                    eventId TEXT NOT NULL,
                    type TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
                    accountId INTEGER REFERENCES account(id) ON DELETE CASCADE,
                    webhookId INTEGER REFERENCES webhook(id) ON DELETE CASCADE,
                    recipient TEXT NOT NULL,
                    recipientName TEXT NOT NULL DEFAULT '',
                    orderKey TEXT NOT NULL,
                    ticketId INTEGER,
                    body BLOB NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                    nextAttemptAt TEXT NOT NULL,
                    lastError TEXT,
                    createdAt TEXT NOT NULL,
                    sentAt TEXT,
                    CHECK ((channel = 'email') = (accountId IS NOT NULL)),
                    CHECK ((channel = 'webhook') = (webhookId IS NOT NULL)),
                    CHECK ((state = 'sent') = (sentAt IS NOT NULL))
                );
                CREATE INDEX notification_due ON notification(nextAttemptAt) WHERE state = 'pending';
                CREATE INDEX notification_order ON notification(orderKey, id) WHERE state = 'pending';
                CREATE INDEX notification_state ON notification(state, id);
                CREATE TABLE notificationOptOut (
                    accountId INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    type TEXT NOT NULL,
                    PRIMARY KEY (accountId, type)
                ) WITHOUT ROWID;
                CREATE TABLE workerRun (
                    name TEXT PRIMARY KEY,
                    lastRunAt TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE deliveryChannel (
                    name TEXT PRIMARY KEY CHECK (name IN ('email')),
                    openedAt TEXT NOT NULL
                ) WITHOUT ROWID;
                ALTER TABLE ticket ADD COLUMN responseWarned INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE ticket ADD COLUMN resolutionWarned INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE ticketAttachment (
                    id INTEGER PRIMARY KEY,
                    ticketId INTEGER NOT NULL REFERENCES ticket(id) ON DELETE CASCADE,
                    filename TEXT NOT NULL,
                    contentType TEXT NOT NULL,
                    size INTEGER NOT NULL CHECK (size >= 0),
                    data BLOB NOT NULL,
                    createdAt TEXT NOT NULL
                );
                CREATE INDEX ticketAttachment_ticket ON ticketAttachment(ticketId);
                CREATE TABLE inboundMail (
                    messageId TEXT PRIMARY KEY,
                    ticketId INTEGER REFERENCES ticket(id) ON DELETE SET NULL,
                    receivedAt TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v15: what identifies each asset's machine, and which agents held it and why") { db in
            try db.execute(sql: """
                ALTER TABLE asset ADD COLUMN identity TEXT;
                CREATE TABLE assetIdentifier (
                    kind TEXT NOT NULL CHECK (kind IN ('uuid', 'serial', 'mac', 'disk')),
                    value TEXT NOT NULL,
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    PRIMARY KEY (kind, value, assetId)
                ) WITHOUT ROWID;
                CREATE INDEX assetIdentifier_asset ON assetIdentifier(assetId);
                CREATE TABLE assetAgent (
                    id INTEGER PRIMARY KEY,
                    assetId INTEGER NOT NULL REFERENCES asset(id) ON DELETE CASCADE,
                    agentId INTEGER NOT NULL REFERENCES agent(id) ON DELETE CASCADE,
                    since TEXT NOT NULL,
                    until TEXT,
                    rule TEXT CHECK (rule IN ('uuidAndSerial', 'serialAndVendor', 'fixedMAC', 'diskSerial')),
                    reason TEXT NOT NULL
                );
                CREATE INDEX assetAgent_asset ON assetAgent(assetId, id);
                CREATE INDEX assetAgent_agent ON assetAgent(agentId, id);
                INSERT INTO assetAgent (assetId, agentId, since, reason)
                    SELECT asset.id, asset.agentId, agent.enrolledAt, 'its first report (before identities were kept)'
                    FROM asset JOIN agent ON agent.id = asset.agentId;
                """)
            // What the stored hardware sections say, for the assets reported so far.
            let rows = try Row.fetchAll(db, sql: "SELECT assetId, body FROM inventorySection WHERE section = 'hardware'")
            for row in rows {
                guard let hardware = try? JSONCoder.decode(Hardware.self, from: Array(row["body"] as Data)) else { continue }
                try CollectorStore.storeIdentity(MachineIdentity(hardware), assetID: row["assetId"], db: db)
            }
        }
        migrator.registerMigration("v16: starter articles for the built-in fault codes, marked as shipped") { db in
            try db.execute(sql: "ALTER TABLE article ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0")
            try insertStarterArticles(StarterArticle.all, db: db)
        }
    }
}
