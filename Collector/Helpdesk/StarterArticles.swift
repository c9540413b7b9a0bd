/// The knowledge base a fresh collector starts with: one article for each fault code Deskside's
/// agent and collector raise, so that the first fault ticket already has a suggestion. Shipped
/// articles are marked (`shipped`) until someone edits them; staff edit, replace or delete them
/// like their own.
public struct StarterArticle: Sendable {
    public var title: String
    public var body: String
    public var tags: [String]
    public var categories: [String]
    public var faultCodes: [String]

    public static let all: [StarterArticle] = [
        StarterArticle(title: "Disk almost full", body: """
            The agent found a file system with little free space (the ticket says which, and how much is left).

            1. See what takes the space: `sudo du -xh --max-depth=2 /home | sort -h | tail -20` (use the mount point from the ticket).
            2. The usual culprits: old downloads, caches (`~/.cache`), container images (`docker system prune`), old kernels and packages (`sudo apt autoremove`), logs (`sudo journalctl --vacuum-size=200M`).
            3. If the user's data has simply grown, plan a larger disk or move data to a share.

            The ticket resolves itself when the agent sees enough free space again.
            """, tags: ["disk", "storage"], categories: ["hardware"], faultCodes: ["disk.space.low"]),
        StarterArticle(title: "A disk reports SMART failure", body: """
            The disk's own health check (SMART) predicts failure or has counted reallocated or pending sectors.

            1. Back up the user's data now: a failing disk can stop at any time.
            2. Check the details: `sudo smartctl -a /dev/DISK` (the disk is named in the ticket).
            3. Replace the disk; under warranty, the vendor usually needs the SMART report.

            After the replacement the asset's history shows the new disk (hardware.changed).
            """, tags: ["disk", "smart", "hardware"], categories: ["hardware"], faultCodes: ["disk.smart.failing"]),
        StarterArticle(title: "Battery worn out", body: """
            The battery holds much less than its design capacity (the ticket gives both figures).

            1. Confirm with the user that the laptop runs out quickly on battery.
            2. Order the replacement part for the model in the asset (vendor and model are on its page); check the warranty first.
            3. Until then, the laptop works on mains power.
            """, tags: ["battery", "laptop"], categories: ["hardware"], faultCodes: ["battery.worn"]),
        StarterArticle(title: "Memory nearly exhausted", body: """
            Available memory stayed low; the machine swaps and feels slow.

            1. See what uses it: `ps aux --sort=-rss | head` or the user's task manager.
            2. A browser with many tabs or a leaking program is the usual cause: restart it.
            3. If the work needs more, the asset's page shows the memory modules and free slots for an upgrade.
            """, tags: ["memory", "performance"], categories: ["hardware"], faultCodes: ["memory.low"]),
        StarterArticle(title: "Reboot required after updates", body: """
            Updates were installed that take effect only after a restart (a new kernel or core library).

            Ask the user to restart at a convenient time, or schedule it. The fault clears with the first report after the restart.
            """, tags: ["updates", "reboot"], categories: ["software"], faultCodes: ["reboot.required"]),
        StarterArticle(title: "Security updates pending", body: """
            Security updates are available and not installed.

            1. Install them: `sudo apt update && sudo apt upgrade` (Debian, Ubuntu) or `sudo dnf upgrade --security` (Fedora).
            2. If automatic updates are meant to be on, check `unattended-upgrades` (`systemctl status unattended-upgrades`).
            3. A restart may follow (reboot.required).
            """, tags: ["updates", "security"], categories: ["software"], faultCodes: ["updates.security.pending"]),
        StarterArticle(title: "A system service failed", body: """
            A systemd unit is in the failed state (named in the ticket).

            1. Read why: `systemctl status UNIT` and `journalctl -u UNIT -b`.
            2. Fix the cause, then `sudo systemctl restart UNIT`; `sudo systemctl reset-failed UNIT` clears a unit that is no longer needed.
            """, tags: ["systemd", "service"], categories: ["software"], faultCodes: ["service.failed"]),
        StarterArticle(title: "An agent has gone silent", body: """
            The collector has not heard from this machine's agent for longer than the policy allows.

            1. Is the machine on, and on the network? Ask its owner (the asset's page names them).
            2. On the machine: `systemctl status deskside-agent` and `journalctl -u deskside-agent`.
            3. A machine that was retired, lost or reinstalled: set its status on the asset's page; a reinstalled one comes back as the same asset when its new agent reports.
            """, tags: ["agent", "network"], categories: ["agent"], faultCodes: ["agent.silent"]),
        StarterArticle(title: "Hardware changed", body: """
            Between two reports, memory went down, a disk was replaced or the serial number changed.

            If it was planned (a repair, an upgrade), note it on the ticket and resolve it. If not, find out who opened the machine: missing memory or a swapped disk can be theft.
            """, tags: ["hardware", "audit"], categories: ["hardware"], faultCodes: ["hardware.changed"]),
        StarterArticle(title: "Two machines use one agent identity", body: """
            A second machine connected with this agent's certificate while the first was connected: the agent's state directory was copied (a cloned disk or VM image).

            Revoke the agent (`deskside-collector agents revoke`), then enroll each machine again; each gets its own certificate.
            """, tags: ["agent", "security", "clone"], categories: ["agent"], faultCodes: ["agent.identity.cloned"]),
        StarterArticle(title: "The machine's clock is wrong", body: """
            The agent's clock differs from the collector's by more than the tolerance: certificates, logs and sign-ins suffer.

            Check time synchronisation: `timedatectl status`; enable it with `sudo timedatectl set-ntp true`, or check the NTP servers the network provides.
            """, tags: ["time", "ntp"], categories: ["software"], faultCodes: ["clock.skewed"]),
        StarterArticle(title: "Two assets claim to be one machine", body: """
            A newly enrolled agent reported the hardware of an asset another agent holds (the ticket says which rule matched: UUID and serial, serial and maker, a built-in MAC address or a fixed disk). Nothing was merged.

            - A cloned VM or a copied disk image: the two are different machines. Give the clone a new system UUID (the hypervisor can) and keep both assets.
            - A machine restored from an image after a reinstall: two agents run on one machine. Revoke the one that should not be there, and merge the assets if needed.

            `deskside assets explain ID` shows each agent of an asset and why it was put there.
            """, tags: ["asset", "identity", "clone"], categories: ["asset"], faultCodes: ["asset.identity.conflict"]),
    ]

    /// For the faults of Windows machines that FusionInventory and GLPI Agent report (docs/interop.md),
    /// added with the intake (schema v18).
    public static let windows: [StarterArticle] = [
        StarterArticle(title: "Antivirus protection is off", body: """
            Windows reports that no antivirus product protects the machine in real time (the ticket names the products).

            1. Ask the user whether they turned it off, and why: a blocked program is a ticket of its own.
            2. On the machine: Windows Security > Virus & threat protection > Manage settings > Real-time protection: On. In PowerShell as administrator: `Set-MpPreference -DisableRealtimeMonitoring $false`.
            3. If a group policy turns it off, check it with `gpresult /h report.html`; a third-party antivirus that expired also turns protection off.

            The ticket resolves itself when the next inventory reports protection on.
            """, tags: ["antivirus", "windows", "security"], categories: ["security"], faultCodes: ["antivirus.disabled"]),
        StarterArticle(title: "Antivirus signatures out of date", body: """
            The antivirus is on but its signatures are old: new threats go unseen.

            1. Update now: Windows Security > Virus & threat protection > Protection updates, or `Update-MpSignature` in PowerShell.
            2. If updates fail, check that the machine reaches Windows Update (or your WSUS server) and its proxy settings.
            """, tags: ["antivirus", "windows", "security"], categories: ["security"], faultCodes: ["antivirus.outdated"]),
        StarterArticle(title: "Windows has stopped installing updates", body: """
            The newest update installed on this Windows machine is older than the policy allows (`hotfixMaxAgeDays`): it has missed Microsoft's monthly updates.

            1. On the machine: Settings > Windows Update; note any error code.
            2. Usual causes: updates paused, a full system drive, a broken update cache (`DISM /Online /Cleanup-Image /RestoreHealth`, then `sfc /scannow`), a WSUS or Intune policy that no longer applies.
            3. Install the latest cumulative update and restart.

            The ticket resolves itself when the next inventory shows a recent update.
            """, tags: ["updates", "windows", "security"], categories: ["security"], faultCodes: ["updates.hotfix.old"]),
    ]
}
