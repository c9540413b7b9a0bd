import DesksideHelpdesk
import DesksideJSON
import Hummingbird
import NIOCore

/// An API error: a status and a JSON body `{"error": {"code": ..., "message": ...}}`.
struct APIError: Error {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    init(status: HTTPResponse.Status, code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    static let unauthenticated = APIError(status: .unauthorized, code: "UNAUTHENTICATED", message: "a valid API token is required (Authorization: Bearer TOKEN)")
    static let forbidden = APIError(status: .forbidden, code: "FORBIDDEN", message: "your role may not do this")
    static let notFound = APIError(status: .notFound, code: "NOT_FOUND", message: "no such resource")

    static let loginRefused = APIError(status: .unauthorized, code: "LOGIN_REFUSED", message: "unknown username, wrong password, or the account is locked")

    static let tooManySignIns = APIError(status: .tooManyRequests, code: "TOO_MANY_SIGN_INS", message: "too many sign-in attempts; try again in a minute",
                                         retryAfterSeconds: 60)

    /// Sent as `Retry-After`.
    var retryAfterSeconds: Int?

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, code: "BAD_REQUEST", message: message) }

    private struct Body: Encodable {
        var error: Detail
        struct Detail: Encodable {
            var code: String
            var message: String
        }
    }

    var response: Response {
        var response = JSONResponse.make(Body(error: .init(code: code, message: message)), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfterSeconds { response.headers[.retryAfter] = "\(retryAfterSeconds)" }
        return response
    }
}

extension APIError {
    /// The help desk's refusals, each with a stable code.
    init(_ error: HelpdeskError) {
        switch error {
        case .notFound: self = .notFound
        case .forbidden: self = .forbidden
        case .invalid(let message): self = APIError(status: .badRequest, code: "INVALID", message: message)
        case .unprocessable(let message): self = APIError(status: .unprocessableContent, code: "UNPROCESSABLE", message: message)
        case .conflict(let message): self = APIError(status: .conflict, code: "CONFLICT", message: message)
        }
    }
}

enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let bytes = (try? JSONCoder.encode(value)) ?? Array(#"{"error":{"code":"INTERNAL","message":"encoding failed"}}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
