#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The operating system, its identity on the network, and who is using it.
public struct OperatingSystem: Codable, Sendable, Equatable {
    /// `NAME` from os-release, e.g. `Debian GNU/Linux`.
    public var name: String?
    /// `ID` from os-release, e.g. `debian`, `ubuntu`, `fedora`.
    public var id: String?
    /// `VERSION_ID`, e.g. `12`, `22.04`.
    public var version: String?
    /// Point release when the distribution records one (Debian's /etc/debian_version), e.g. `12.11`.
    public var pointRelease: String?
    public var codename: String?
    public var prettyName: String?
    public var kernelName: String?
    public var kernelRelease: String?
    public var kernelVersion: String?
    public var architecture: String?
    public var hostname: String?
    public var fqdn: String?
    public var domain: String?
    public var bootTime: Date?
    public var uptimeSeconds: Int?
    /// IANA name, e.g. `Europe/Paris`.
    public var timezone: String?
    public var dnsServers: [String]
    public var defaultGateway: String?
    /// Sessions open now (utmp).
    public var loggedInUsers: [LoggedInUser]
    /// Accounts in /etc/passwd.
    public var localUsers: [LocalUser]
    /// Groups in /etc/group.
    public var localGroups: [LocalGroup]

    public init(
        name: String? = nil, id: String? = nil, version: String? = nil, pointRelease: String? = nil,
        codename: String? = nil, prettyName: String? = nil, kernelName: String? = nil, kernelRelease: String? = nil,
        kernelVersion: String? = nil, architecture: String? = nil, hostname: String? = nil, fqdn: String? = nil,
        domain: String? = nil, bootTime: Date? = nil, uptimeSeconds: Int? = nil, timezone: String? = nil,
        dnsServers: [String] = [], defaultGateway: String? = nil, loggedInUsers: [LoggedInUser] = [],
        localUsers: [LocalUser] = [], localGroups: [LocalGroup] = []
    ) {
        self.name = name
        self.id = id
        self.version = version
        self.pointRelease = pointRelease
        self.codename = codename
        self.prettyName = prettyName
        self.kernelName = kernelName
        self.kernelRelease = kernelRelease
        self.kernelVersion = kernelVersion
        self.architecture = architecture
        self.hostname = hostname
        self.fqdn = fqdn
        self.domain = domain
        self.bootTime = bootTime
        self.uptimeSeconds = uptimeSeconds
        self.timezone = timezone
        self.dnsServers = dnsServers
        self.defaultGateway = defaultGateway
        self.loggedInUsers = loggedInUsers
        self.localUsers = localUsers
        self.localGroups = localGroups
    }
}

/// A login session from utmp.
public struct LoggedInUser: Codable, Sendable, Equatable {
    public var name: String
    public var terminal: String
    /// Remote host for network logins; empty for local ones.
    public var host: String?
    public var loginTime: Date?

    public init(name: String, terminal: String, host: String? = nil, loginTime: Date? = nil) {
        self.name = name
        self.terminal = terminal
        self.host = host
        self.loginTime = loginTime
    }
}

/// An account from /etc/passwd, or a local account another agent reports (Windows accounts have a
/// security identifier rather than numbers, and no shell).
public struct LocalUser: Codable, Sendable, Equatable {
    public var login: String
    public var uid: Int?
    public var gid: Int?
    public var fullName: String?
    public var home: String?
    public var shell: String?
    /// Windows: the account's security identifier (`S-1-5-21-...`).
    public var sid: String?

    public init(login: String, uid: Int?, gid: Int?, fullName: String? = nil, home: String?, shell: String?, sid: String? = nil) {
        self.login = login
        self.uid = uid
        self.gid = gid
        self.fullName = fullName
        self.home = home
        self.shell = shell
        self.sid = sid
    }
}

/// A group from /etc/group.
public struct LocalGroup: Codable, Sendable, Equatable {
    public var name: String
    /// `nil` for a Windows group (its identifier is a SID, in ``sid``).
    public var gid: Int?
    public var members: [String]
    public var sid: String?

    public init(name: String, gid: Int?, members: [String], sid: String? = nil) {
        self.name = name
        self.gid = gid
        self.members = members
        self.sid = sid
    }
}
