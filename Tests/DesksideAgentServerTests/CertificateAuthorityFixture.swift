import DesksideAuthority

enum CertificateAuthorityFixture {
    /// A CA that is not the collector's.
    static func other() throws -> CertificateAuthority { try CertificateAuthority.create(commonName: "Impostor CA") }
}
