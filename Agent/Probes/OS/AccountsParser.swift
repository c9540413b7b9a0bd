public import DesksideInventory

/// Parses /etc/passwd (passwd(5)) and /etc/group (group(5)). No password hashes are read: those live in
/// /etc/shadow, which the agent never opens.
public enum AccountsParser {
    public static func users(passwd: String) -> [LocalUser] {
        passwd.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 7, !line.hasPrefix("#"), let uid = Int(fields[2]), let gid = Int(fields[3]) else { return nil }
            let gecos = fields[4].split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return LocalUser(login: String(fields[0]), uid: uid, gid: gid, fullName: gecos.isEmpty ? nil : gecos,
                             home: String(fields[5]), shell: String(fields[6]))
        }
    }

    public static func groups(group: String) -> [LocalGroup] {
        group.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, !line.hasPrefix("#"), let gid = Int(fields[2]) else { return nil }
            return LocalGroup(name: String(fields[0]), gid: gid, members: fields[3].split(separator: ",").map(String.init))
        }
    }
}
