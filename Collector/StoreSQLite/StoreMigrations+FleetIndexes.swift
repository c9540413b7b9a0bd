import GRDB

extension StoreMigrations {
    /// Statements that run for every fault ticket or every few seconds read one index entry, not a
    /// share of the fleet: before, finding a fault code's open storm read every ticket ever opened
    /// for the code (a full scan of `ticket` once ANALYZE had run), counting its recent tickets read
    /// every storm member too, the outbox read every account for a tier's technicians, and the agent
    /// server's sweep every agent for the revoked ones. Partial indexes, so that a ticket's write
    /// touches them only while it can match. Counted with EXPLAIN and SQLite's VM steps on fleets of
    /// 1,000 and 10,000 (docs/ARCHITECTURE.md); QueryPlanTests holds the plans.
    static func fleetIndexMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v20: indexes for the storm lookups, a tier's technicians and revoked agents, flat in the fleet's size") { db in
            try db.execute(sql: """
                CREATE INDEX ticket_fault_recent ON ticket(faultCode, createdAt) WHERE source = 'fault' AND stormId IS NULL;
                CREATE INDEX ticket_storm_open ON ticket(faultCode, id) WHERE source = 'storm' AND status NOT IN ('resolved', 'closed');
                DROP INDEX ticket_storm;
                CREATE INDEX ticket_storm ON ticket(stormId, createdAt) WHERE stormId IS NOT NULL;
                CREATE INDEX ticket_storm_unresolved ON ticket(stormId) WHERE stormId IS NOT NULL AND status NOT IN ('resolved', 'closed');
                CREATE INDEX account_tier_technicians ON account(tier, id) WHERE role = 'technician' AND status = 'active';
                CREATE INDEX account_admins ON account(id) WHERE role = 'admin' AND status = 'active';
                CREATE INDEX agent_revoked ON agent(uuid) WHERE revokedAt IS NOT NULL;
                """)
        }
    }
}
