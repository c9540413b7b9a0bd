/// When a machine that a FusionInventory, GLPI or OCS agent reports counts as silent. Those agents
/// hold no session: they come back on their own schedule (PROLOG_FREQ, GLPI's `expiration`, a day by
/// default), so the help desk's `silentAgentDays` would flag every machine told to come back weekly.
/// Silent is unheard for `silentAgentDays`, or for two periods when those are longer (one missed run
/// is a laptop that was off).
public enum IntakeSchedule {
    public static func silentAfterDays(silentAgentDays: Int, scheduleHours: Int) -> Double {
        max(Double(silentAgentDays), Double(scheduleHours) * 2 / 24)
    }

    /// Whether a machine last heard from `lastContact` seconds since 1970 is silent at `now`.
    public static func isSilent(lastContact: Double, now: Double, silentAgentDays: Int, scheduleHours: Int) -> Bool {
        now - lastContact > silentAfterDays(silentAgentDays: silentAgentDays, scheduleHours: scheduleHours) * 86400
    }
}
