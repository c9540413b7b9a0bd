#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import Hummingbird

/// The console's session: the secret of a sign-in session (the same kind the API's bearer tokens
/// are) in a cookie that scripts cannot read (HttpOnly), that no other site's page sends
/// (SameSite=Strict), and that travels only over TLS when the console is served over TLS. Forms
/// carry a token derived from the secret, so a page that did not come from the console cannot post.
public struct ConsoleSession: Sendable {
    public static let cookieName = "deskside_session"

    /// Whether the console is served over TLS (the cookie is then `Secure`).
    public var secure: Bool

    public init(secure: Bool) { self.secure = secure }

    /// The cookie that holds `secret` for `maxAge` seconds.
    func cookie(secret: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.cookieName, value: secret, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The cookie that removes the session from the browser.
    var clearing: Cookie {
        Cookie(name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The secret a request presents, when its shape is one the collector issues.
    static func secret(_ request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, (8...256).contains(value.utf8.count),
              value.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) }) else { return nil }
        return value
    }

    /// The form token of the session holding `secret`.
    static func formToken(secret: String) -> String {
        SHA256.hash(data: Array("deskside-console-form\n\(secret)".utf8)).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }

    /// Whether `token` is the form token of `secret`, compared in constant time.
    static func checks(_ token: String, secret: String) -> Bool {
        let expected = Array(formToken(secret: secret).utf8), given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
