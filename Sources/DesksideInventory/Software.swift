#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Installed software, from every package manager found on the machine.
public struct Software: Codable, Sendable, Equatable {
    /// Package managers whose database was found: `dpkg`, `rpm`.
    public var packageManagers: [String]
    /// In canonical order: name, architecture, version, manager (see ``sortPackages()``).
    public var packages: [Package]

    public init(packageManagers: [String] = [], packages: [Package] = []) {
        self.packageManagers = packageManagers
        self.packages = packages
    }

    /// Puts the packages in the one canonical order (name, architecture, version, manager), so that
    /// equal package sets encode, and hash, the same.
    /// Packages that come in that order already (the collector reads them sorted) cost one pass.
    public mutating func sortPackages() {
        let inOrder: (Package, Package) -> Bool = {
            ($0.name, $0.architecture, $0.version, $0.manager) < ($1.name, $1.architecture, $1.version, $1.manager)
        }
        if zip(packages, packages.dropFirst()).contains(where: { inOrder($1, $0) }) { packages.sort(by: inOrder) }
    }
}

/// One installed package.
public struct Package: Codable, Sendable, Equatable, Hashable {
    public var name: String
    /// Full version as the package manager writes it (`[epoch:]upstream[-revision]`).
    public var version: String
    public var architecture: String
    /// Source package it was built from.
    public var source: String?
    /// `dpkg` or `rpm`.
    public var manager: String
    public var installedAt: Date?
    /// Installed size in bytes.
    public var sizeBytes: UInt64?
    /// Debian section or RPM group, e.g. `admin`, `libs`.
    public var section: String?
    /// Maintainer (dpkg) or vendor (rpm).
    public var vendor: String?
    public var summary: String?

    public init(
        name: String, version: String, architecture: String, source: String? = nil, manager: String,
        installedAt: Date? = nil, sizeBytes: UInt64? = nil, section: String? = nil, vendor: String? = nil,
        summary: String? = nil
    ) {
        self.name = name
        self.version = version
        self.architecture = architecture
        self.source = source
        self.manager = manager
        self.installedAt = installedAt
        self.sizeBytes = sizeBytes
        self.section = section
        self.vendor = vendor
        self.summary = summary
    }
}
