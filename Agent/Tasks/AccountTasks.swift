import DesksideFiles
import DesksideInventory
import DesksideProbes
import DesksideTasks

/// `account.create`, `account.lock` and `account.groups` with shadow's tools (`useradd`, `usermod`,
/// `groupadd`, `chpasswd -e`, `chage`, `passwd -S`), on the task root (`--root`). Each reads the
/// accounts first and changes only what differs, so running one again is a success that changed
/// nothing.
struct AccountTasks {
    let session: TaskSession

    private var users: [String: LocalUser] {
        let text = DurableFile.read(session.hostPath("/etc/passwd"), limit: 16 << 20).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Dictionary(AccountsParser.users(passwd: text).map { ($0.login, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private var groups: [LocalGroup] {
        let text = DurableFile.read(session.hostPath("/etc/group"), limit: 16 << 20).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return AccountsParser.groups(group: text)
    }

    /// The supplementary groups `username` is a member of.
    private func memberships(of username: String) -> Set<String> {
        Set(groups.filter { $0.members.contains(username) }.map(\.name))
    }

    /// Creates the groups of `names` that do not exist; says which.
    private func ensureGroups(_ names: [String]) throws(TaskSession.Stop) -> [String] {
        let existing = Set(groups.map(\.name))
        let missing = names.filter { !existing.contains($0) }
        for name in missing { try session.run("groupadd", session.rootOption() + ["--", name]) }
        return missing
    }

    /// `passwd -S`'s second field: `L` locked, `P` usable password, `NP` none.
    private func passwordState(_ username: String) throws(TaskSession.Stop) -> String {
        let outcome = try session.run("passwd", session.rootOption() + ["-S", "--", username])
        let fields = String(decoding: outcome.standardOutput, as: UTF8.self).split(separator: " ")
        return fields.count > 1 ? String(fields[1]) : "?"
    }

    private func setPassword(_ username: String, hash: String) throws(TaskSession.Stop) {
        // The hash goes through standard input: it is in no argument list or environment.
        try session.run("chpasswd", session.rootOption() + ["-e"], input: Array("\(username):\(hash)\n".utf8))
    }

    func create(_ account: AccountCreate) throws(TaskSession.Stop) -> TaskDone {
        var changes: [String] = []
        let created = try ensureGroups(account.groups)
        if !created.isEmpty { changes.append("created group\(created.count > 1 ? "s" : "") \(created.joined(separator: ", "))") }
        let isNew = users[account.username] == nil
        if isNew {
            var arguments = session.rootOption() + ["--create-home", "--home-dir", account.homeDirectory, "--shell", account.shell]
            if !account.fullName.isEmpty { arguments += ["--comment", account.fullName] }
            if !account.groups.isEmpty { arguments += ["--groups", account.groups.joined(separator: ",")] }
            try session.run("useradd", arguments + ["--", account.username])
            changes.append("created user \(account.username)" + (account.groups.isEmpty ? "" : " in \(account.groups.joined(separator: ", "))"))
        } else {
            let missing = account.groups.filter { !memberships(of: account.username).contains($0) }
            if !missing.isEmpty {
                try session.run("usermod", session.rootOption() + ["--append", "--groups", missing.joined(separator: ","), "--", account.username])
                changes.append("added \(account.username) to \(missing.joined(separator: ", "))")
            }
        }
        switch account.password {
        case .locked:
            break
        case .hash(let hash):
            try setPassword(account.username, hash: hash)
            changes.append("set the password")
        case .oneTime(let hash):
            // Only on an account that has no usable password yet: running the task again must not
            // undo the password the person chose.
            let usable = isNew ? false : try passwordState(account.username) == "P"
            if !usable {
                try setPassword(account.username, hash: hash)
                try session.run("chage", session.rootOption() + ["--lastday", "0", "--", account.username])
                changes.append("set a one-time password, to be changed at first sign-in")
            }
        }
        if changes.isEmpty {
            return TaskDone(summary: "user \(account.username) already exists" + (account.groups.isEmpty ? "" : " with groups \(account.groups.joined(separator: ", "))"),
                            changed: false)
        }
        return TaskDone(summary: changes.joined(separator: "; "), changed: true)
    }

    func lock(_ lock: AccountLock) throws(TaskSession.Stop) -> TaskDone {
        guard users[lock.username] != nil else { return TaskDone(summary: "there is no user \(lock.username) here; nothing to lock", changed: false) }
        if try passwordState(lock.username) == "L", try accountExpired(lock.username) {
            return TaskDone(summary: "user \(lock.username) is already locked", changed: false)
        }
        // Locks the password and expires the account, so that no key or other sign-in works either.
        try session.run("usermod", session.rootOption() + ["--lock", "--expiredate", "1", "--", lock.username])
        return TaskDone(summary: "locked user \(lock.username)", changed: true)
    }

    private func accountExpired(_ username: String) throws(TaskSession.Stop) -> Bool {
        let outcome = try session.run("chage", session.rootOption() + ["--list", "--iso8601", "--", username])
        let lines = String(decoding: outcome.standardOutput, as: UTF8.self).split(separator: "\n")
        guard let line = lines.first(where: { $0.hasPrefix("Account expires") }), let value = line.split(separator: ":").last else { return false }
        return value.trimmingWhitespace() == "1970-01-02"
    }

    func setGroups(_ change: AccountGroups) throws(TaskSession.Stop) -> TaskDone {
        guard users[change.username] != nil else { throw .failed("there is no user \(change.username) on this machine") }
        let current = memberships(of: change.username)
        guard current != Set(change.groups) else {
            return TaskDone(summary: "user \(change.username) is already in exactly " + (change.groups.isEmpty ? "no supplementary group" : change.groups.joined(separator: ", ")),
                            changed: false)
        }
        let created = try ensureGroups(change.groups)
        try session.run("usermod", session.rootOption() + ["--groups", change.groups.joined(separator: ","), "--", change.username])
        let removed = current.subtracting(change.groups).sorted()
        var summary = "user \(change.username) is now in " + (change.groups.isEmpty ? "no supplementary group" : change.groups.joined(separator: ", "))
        if !removed.isEmpty { summary += " (removed from \(removed.joined(separator: ", ")))" }
        if !created.isEmpty { summary += " (created \(created.joined(separator: ", ")))" }
        return TaskDone(summary: summary, changed: true)
    }
}
