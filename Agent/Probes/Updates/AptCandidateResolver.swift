/// Chooses the candidate version of each installed package the way apt's policy does
/// (apt-pkg/policy.cc, `pkgPolicy::GetCandidateVer`), for the default case without user pins:
/// walk the versions from highest to lowest; a version becomes the preferred one when its priority
/// beats every priority seen so far; stop at the installed version, whose priority is at least 100
/// (the dpkg status file's). A package has an update when the preferred version is not the installed one.
public struct AptCandidateResolver: Sendable {
    /// One version of a package as offered by the lists, with where it can be had.
    public struct Offer: Sendable, Equatable {
        public var version: String
        public var priority: Int
        public var suites: [String]
        public var security: Bool

        public init(version: String, priority: Int, suites: [String], security: Bool) {
            self.version = version
            self.priority = priority
            self.suites = suites
            self.security = security
        }

        /// Folds another file offering the same version into this one.
        mutating func merge(priority other: Int, suite: String?, security isSecurity: Bool) {
            priority = max(priority, other)
            if let suite, !suites.contains(suite) { suites.append(suite) }
            security = security || isSecurity
        }
    }

    /// The priority dpkg's status file gives the installed version.
    public static let statusPriority = 100

    /// The candidate for a package installed at `installed`, given every offer of it; `nil` when the
    /// candidate is the installed version (nothing to upgrade).
    public static func candidate(installed: String, offers: [Offer]) -> Offer? {
        let installedVersion = DebianVersion(installed)
        var versions = offers.map { (DebianVersion($0.version), $0) }
        if !versions.contains(where: { $0.0 == installedVersion }) {
            versions.append((installedVersion, Offer(version: installed, priority: statusPriority, suites: [], security: false)))
        }
        versions.sort { $0.0 > $1.0 }
        var best = 0
        var preferred: Offer?
        for (version, offer) in versions {
            let isInstalled = version == installedVersion
            let priority = isInstalled ? max(offer.priority, statusPriority) : offer.priority
            if priority > best {
                best = priority
                preferred = offer
            }
            if isInstalled && best < 1000 {
                if preferred == nil { preferred = offer }
                break
            }
        }
        // A pin of 1000 or more can make an older version the candidate (a downgrade); apt lists only
        // newer candidates as upgradable.
        guard let preferred, DebianVersion(preferred.version) > installedVersion else { return nil }
        return preferred
    }
}
