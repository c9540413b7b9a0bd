import CCrypt

/// One-time passwords for new local accounts: made here when staff give none, and hashed here with
/// yescrypt (libcrypt, as Debian's own `passwd` does), so that only the hash goes to the agent and
/// into the database. The plain password is shown once, to the technician who asked.
enum TaskPasswords {
    /// 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var random = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    /// A yescrypt hash (`$y$…`) with a fresh random salt; `nil` if libcrypt fails.
    static func hash(_ password: String) -> String? {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard crypt_gensalt_rn("$y$", 0, nil, 0, &setting, Int32(setting.count)) != nil else { return nil }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            // The work area held the password: cleared before it is freed.
            UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let hashed = crypt_rn(password, setting, data, Int32(MemoryLayout<crypt_data>.size)) else { return nil }
        let text = String(cString: hashed)
        return text.hasPrefix("$y$") ? text : nil
    }
}
