#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideInventory

/// Agent to collector, first on every connection: who is speaking and what the agent last had
/// acknowledged, so that the collector can tell it what to send.
public struct Hello: Codable, Sendable, Equatable {
    public var agentVersion: String
    /// Hash of the last inventory the collector acknowledged, which the agent's next delta is based on.
    public var acknowledgedBase: String?
    /// Highest sequence number the collector acknowledged.
    public var acknowledgedSequence: UInt64?
    /// The agent's clock when it sent `hello`: the collector compares it with its own.
    public var time: Date?
    /// Fingerprints (`SHA256:…`) of the CAs the agent trusts for the collector: the pinned one, and a
    /// next one that `welcome` announced during a CA rollover.
    public var trustedCAs: [String]?

    public init(agentVersion: String, acknowledgedBase: String? = nil, acknowledgedSequence: UInt64? = nil, time: Date? = nil,
                trustedCAs: [String]? = nil) {
        self.agentVersion = agentVersion
        self.acknowledgedBase = acknowledgedBase
        self.acknowledgedSequence = acknowledgedSequence
        self.time = time
        self.trustedCAs = trustedCAs
    }
}

/// Collector to agent, in answer to `hello`: timing, the fault policy, and what the collector holds
/// (the base, and the newest report it stored), so that an agent whose acknowledgement was lost, or
/// whose state was rolled back or lost, resumes where the collector is.
public struct Welcome: Codable, Sendable, Equatable {
    /// Hash of the inventory the collector holds for this agent; `nil` when it holds none (a full
    /// report is due).
    public var base: String?
    public var heartbeatSeconds: Int
    public var reportIntervalSeconds: Int
    public var policy: FaultPolicy
    /// The highest sequence number the collector stored for this agent, and that report's id.
    public var lastSequence: UInt64?
    public var lastReportID: String?
    /// The collector's clock when it sent `welcome`.
    public var time: Date?
    /// The certificate this agent connected with is due for renewal (past two thirds of its lifetime,
    /// or issued by a CA the collector is rolling away from): send `renew` when nothing is in flight.
    public var renewCertificate: Bool?
    /// During a CA rollover, the next CA's certificate, for an agent whose `trustedCAs` lacks it: the
    /// agent trusts it beside the pinned one from then on, so that the collector can switch to it.
    public var nextCACertificatePEM: String?
    /// The collector's task-signing public key (Ed25519, base64), for an agent enrolled before the
    /// collector had one: the session is mutual TLS with the pinned CA, so the agent pins it from here.
    /// An agent that has pinned a key never replaces it.
    public var taskKey: String?

    public init(base: String?, heartbeatSeconds: Int, reportIntervalSeconds: Int, policy: FaultPolicy,
                lastSequence: UInt64? = nil, lastReportID: String? = nil, time: Date? = nil, renewCertificate: Bool? = nil,
                nextCACertificatePEM: String? = nil, taskKey: String? = nil) {
        self.base = base
        self.heartbeatSeconds = heartbeatSeconds
        self.reportIntervalSeconds = reportIntervalSeconds
        self.policy = policy
        self.lastSequence = lastSequence
        self.lastReportID = lastReportID
        self.time = time
        self.renewCertificate = renewCertificate
        self.nextCACertificatePEM = nextCACertificatePEM
        self.taskKey = taskKey
    }
}

/// One report. Every report has an id (stable across resends) and a sequence number (increasing per
/// agent); the collector stores a report once however often it arrives, and never lets an older
/// sequence overwrite a newer one.
public struct Report: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The whole inventory.
        case full
        /// Changes since ``Report/base``.
        case delta
        /// Nothing changed since ``Report/base``; faults and the time are still reported.
        case heartbeat
    }

    public var id: String
    public var sequence: UInt64
    public var kind: Kind
    /// For deltas and heartbeats: the hash of the inventory they build on.
    public var base: String?
    /// Hash of the inventory after this report.
    public var hash: String
    public var collectedAt: Date
    public var inventory: Inventory?
    public var delta: InventoryDelta?
    public var faults: [Fault]
    /// Reports that the agent's spool had to drop while it was offline.
    public var gap: SpoolGap?

    public init(id: String, sequence: UInt64, kind: Kind, base: String?, hash: String, collectedAt: Date,
                inventory: Inventory? = nil, delta: InventoryDelta? = nil, faults: [Fault], gap: SpoolGap? = nil) {
        self.id = id
        self.sequence = sequence
        self.kind = kind
        self.base = base
        self.hash = hash
        self.collectedAt = collectedAt
        self.inventory = inventory
        self.delta = delta
        self.faults = faults
        self.gap = gap
    }
}

/// Reports dropped from a full spool: how many, and the span of sequence numbers.
public struct SpoolGap: Codable, Sendable, Equatable {
    public var droppedReports: Int
    public var firstSequence: UInt64
    public var lastSequence: UInt64

    public init(droppedReports: Int, firstSequence: UInt64, lastSequence: UInt64) {
        self.droppedReports = droppedReports
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
    }
}

/// Collector to agent: the report is committed. Sent only after the store's transaction commits.
public struct Ack: Codable, Sendable, Equatable {
    public var id: String
    public var sequence: UInt64
    /// The report had been stored before (a resend); nothing was written again.
    public var duplicate: Bool

    public init(id: String, sequence: UInt64, duplicate: Bool) {
        self.id = id
        self.sequence = sequence
        self.duplicate = duplicate
    }
}

/// Collector to agent: a delta or heartbeat could not be applied (its base is not what the collector
/// holds); the agent sends a full report instead.
public struct NeedFullReport: Codable, Sendable, Equatable {
    public var id: String
    public var reason: String

    public init(id: String, reason: String) {
        self.id = id
        self.reason = reason
    }
}

/// Either side: a refusal with a stable code; the connection is closed after it.
public struct ErrorMessage: Codable, Sendable, Equatable {
    public var code: String
    public var message: String
    /// From the collector: come back no sooner than this (a quota, a restart, an overload). Agents
    /// wait between this and twice this, at random, so that a fleet told the same does not return at once.
    public var retryAfterSeconds: Int?

    public init(code: String, message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Agent to collector while nothing else is in flight: the liveness heartbeat. It costs the collector
/// no database write (last-seen times are kept in memory and written in batches).
public struct Ping: Codable, Sendable, Equatable {
    public init() {}
}

/// Collector to agent: the answer to ``Ping``.
public struct Pong: Codable, Sendable, Equatable {
    public init() {}
}

/// Agent to collector, on a connection without a client certificate (the only message allowed there):
/// an enrollment token and a certificate signing request. The private key never leaves the agent.
public struct EnrollRequest: Codable, Sendable, Equatable {
    public var token: String
    /// PKCS #10 request, PEM.
    public var csrPEM: String
    public var hostname: String
    public var agentVersion: String

    public init(token: String, csrPEM: String, hostname: String, agentVersion: String) {
        self.token = token
        self.csrPEM = csrPEM
        self.hostname = hostname
        self.agentVersion = agentVersion
    }
}

/// Collector to agent: the agent's identity, a client certificate issued by the collector's CA.
public struct Enrolled: Codable, Sendable, Equatable {
    public var agentID: String
    public var certificatePEM: String
    public var caCertificatePEM: String
    /// The collector's task-signing public key (Ed25519, base64): the agent pins it and runs only
    /// tasks it signed.
    public var taskKey: String?

    public init(agentID: String, certificatePEM: String, caCertificatePEM: String, taskKey: String? = nil) {
        self.agentID = agentID
        self.certificatePEM = certificatePEM
        self.caCertificatePEM = caCertificatePEM
        self.taskKey = taskKey
    }
}

/// Agent to collector, over its authenticated session: a signing request for a new key, to replace
/// the certificate before it expires. The new private key never leaves the agent.
public struct RenewRequest: Codable, Sendable, Equatable {
    /// PKCS #10 request, PEM.
    public var csrPEM: String

    public init(csrPEM: String) { self.csrPEM = csrPEM }
}

/// Collector to agent: the renewed certificate (same agent id), and the CA to trust from now on.
public struct Renewed: Codable, Sendable, Equatable {
    public var certificatePEM: String
    public var caCertificatePEM: String

    public init(certificatePEM: String, caCertificatePEM: String) {
        self.certificatePEM = certificatePEM
        self.caCertificatePEM = caCertificatePEM
    }
}
