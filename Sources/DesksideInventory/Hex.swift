import Crypto

/// Lowercase hexadecimal text of bytes, for digests and fingerprints.
public enum Hex {
    static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `SHA256:` and the hex SHA-256 of a certificate's DER encoding: how agents pin the collector's
    /// CA, and how the collector knows an agent by its certificate. The one definition both use.
    public static func certificateFingerprint(der: some Sequence<UInt8>) -> String {
        "SHA256:" + encode(SHA256.hash(data: Array(der)))
    }
}
