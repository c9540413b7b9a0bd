#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON

/// What the collector signs: one task for one agent, valid for a while.
public struct TaskEnvelope: Sendable, Equatable {
    public var taskID: String
    public var agentID: String
    public var spec: TaskSpec
    public var issuedAt: Date
    public var expiresAt: Date
    /// Random, so that two tasks with the same content never have the same signed bytes.
    public var nonce: String
    public var timeoutSeconds: Int

    public init(taskID: String, agentID: String, spec: TaskSpec, issuedAt: Date, expiresAt: Date, nonce: String,
                timeoutSeconds: Int = TaskKind.defaultTimeoutSeconds) {
        self.taskID = taskID
        self.agentID = agentID
        self.spec = spec
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.nonce = nonce
        self.timeoutSeconds = timeoutSeconds
    }

    /// The bytes that are signed: compact JSON, members in a fixed order.
    public var payload: [UInt8] {
        JSONSerializer.serialize(.object([
            ("taskID", .string(taskID)), ("agentID", .string(agentID)), ("kind", .string(spec.kind.rawValue)),
            ("parameters", spec.parameters), ("issuedAt", .string(ISO8601.format(secondsSince1970: issuedAt.timeIntervalSince1970))),
            ("expiresAt", .string(ISO8601.format(secondsSince1970: expiresAt.timeIntervalSince1970))),
            ("nonce", .string(nonce)), ("timeoutSeconds", .number(String(timeoutSeconds))),
        ]))
    }

    /// Reads a payload; the parameters are validated as the kind requires.
    public init(payload: [UInt8]) throws(TaskRefusal) {
        let value: JSONValue
        do { value = try JSONParser.parse(payload, limits: .init(maxDepth: 8, maxBytes: 1 << 20, maxElements: 10_000, maxStringBytes: 128 << 10, rejectNUL: true)) } catch {
            throw TaskRefusal(.malformed, "the task is not JSON: \(error.message)")
        }
        guard case .object(let members) = value else { throw TaskRefusal(.malformed, "the task is not a JSON object") }
        func member(_ name: String) -> JSONValue? { members.first { $0.key == name }?.value }
        func string(_ name: String) throws(TaskRefusal) -> String {
            guard case .string(let text)? = member(name) else { throw TaskRefusal(.malformed, "the task has no '\(name)' text") }
            return text
        }
        func date(_ name: String) throws(TaskRefusal) -> Date {
            guard let seconds = ISO8601.parse(try string(name)) else { throw TaskRefusal(.malformed, "the task's '\(name)' is not a date") }
            return Date(timeIntervalSince1970: seconds)
        }
        guard let kind = TaskKind(rawValue: try string("kind")) else { throw TaskRefusal(.unknownKind, "this agent does not know the kind '\(try string("kind"))'") }
        guard case .number(let timeout)? = member("timeoutSeconds"), let seconds = Int(timeout) else {
            throw TaskRefusal(.malformed, "the task has no whole 'timeoutSeconds'")
        }
        do throws(TaskValidationError) {
            try TaskValidation.checkTimeout(seconds)
            spec = try TaskSpec(kind: kind, parameters: member("parameters") ?? .object([]))
        } catch {
            throw TaskRefusal(.invalidParameters, error.description)
        }
        taskID = try string("taskID")
        agentID = try string("agentID")
        issuedAt = try date("issuedAt")
        expiresAt = try date("expiresAt")
        nonce = try string("nonce")
        timeoutSeconds = seconds
    }
}

/// A task as it travels and as the collector stores it: the signed payload (base64) and its
/// Ed25519 signature (base64). `taskID` repeats the payload's, unsigned, so that an agent can say
/// which task it refused even when the payload cannot be trusted or read.
public struct SignedTask: Codable, Sendable, Equatable {
    public var taskID: String
    public var payload: String
    public var signature: String

    public init(taskID: String, payload: String, signature: String) {
        self.taskID = taskID
        self.payload = payload
        self.signature = signature
    }
}

/// Why an agent did not run a task. The codes are stable (logs, the API, tests).
public struct TaskRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable {
        case noTaskKey = "NO_TASK_KEY"
        case badSignature = "BAD_SIGNATURE"
        case malformed = "MALFORMED_TASK"
        case wrongAgent = "WRONG_AGENT"
        case expired = "EXPIRED"
        case replayed = "REPLAYED"
        case notAllowed = "KIND_NOT_ALLOWED"
        case unknownKind = "UNKNOWN_KIND"
        case invalidParameters = "INVALID_PARAMETERS"
        case unsupported = "UNSUPPORTED"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
