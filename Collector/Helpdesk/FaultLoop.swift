#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideInventory
import DesksideJSON

/// The fault-to-ticket loop's decisions for one report of one asset, with no I/O: from the faults it
/// reports now, those it reported before and the tickets its fault codes are linked to, what happens to
/// the desk. The store reads these inputs and carries the steps out in the report's transaction, so a
/// ticket exists the moment the report is acknowledged. One ticket per (asset, fault code):
/// - a code that appears opens a ticket when its rule says so, unless the code's ticket is still open;
/// - reported again, it updates that ticket: a count, and a note when it returns or its summary changes;
/// - cleared, the ticket is resolved with a note saying so;
/// - back within the reopen window of that resolution, the same ticket is reopened;
/// - a ticket resolved by hand while the fault persists stays as the technician left it.
public enum FaultLoop {
    /// The ticket one of the asset's fault codes is linked to.
    public struct Link: Sendable, Equatable {
        public var ticketID: Int64
        public var status: TicketStatus
        public var resolvedAt: Date?

        public init(ticketID: Int64, status: TicketStatus, resolvedAt: Date?) {
            self.ticketID = ticketID
            self.status = status
            self.resolvedAt = resolvedAt
        }
    }

    /// A fault the asset reported before this report.
    public struct Reported: Sendable, Equatable {
        public var code: String
        public var summary: String

        public init(code: String, summary: String) {
            self.code = code
            self.summary = summary
        }
    }

    public enum Step: Sendable, Equatable {
        /// The code's ticket is open: count the report, and put `note` on its timeline when there is one.
        case update(code: String, ticketID: Int64, note: String?)
        /// Resolved by hand while the fault persists: count the report, change nothing else.
        case count(code: String)
        /// Back within the reopen window of its resolution: that ticket, reopened.
        case reopen(code: String, ticketID: Int64, reason: String)
        /// A new ticket (`ticket(for:on:rule:)`), filed under a storm's summary when there is one.
        case open(code: String, rule: FaultRule, faults: [Fault])
        /// Cleared: the open ticket is resolved with `notes`.
        case resolve(code: String, ticketID: Int64, notes: String)
    }

    /// The steps for one report, codes in order, appeared and reported codes before cleared ones.
    /// `rule` is asked only for codes that may open or reopen a ticket.
    public static func steps(current: [Fault], previous: [Reported], links: [String: Link], now: Date, settings: FaultLoopSettings,
                             rule: (String) throws -> FaultRule) rethrows -> [Step] {
        let previousCodes = Set(previous.map(\.code))
        let byCode = Dictionary(grouping: current, by: \.code)
        var steps: [Step] = []
        for (code, faults) in byCode.sorted(by: { $0.key < $1.key }) {
            let appeared = !previousCodes.contains(code)
            let summary = faults.map(\.summary).joined(separator: "; ")
            let link = links[code]
            if let link, link.status.isOpen {
                let changed = Set(previous.filter { $0.code == code }.map(\.summary)) != Set(faults.map(\.summary))
                steps.append(.update(code: code, ticketID: link.ticketID,
                                     note: appeared ? "reported again: " + summary : changed ? "now: " + summary : nil))
                continue
            }
            if link != nil, !appeared {
                steps.append(.count(code: code))
                continue
            }
            // A rule switched off opens nothing and reopens nothing from now on.
            let rule = try rule(code)
            guard rule.opensTicket else { continue }
            // Timestamps are kept to the second: a resolution in the window's first second counts.
            let windowStart = (now.timeIntervalSince1970 - Double(settings.reopenWindowDays) * 86400).rounded(.down)
            if let link, let resolvedAt = link.resolvedAt, resolvedAt.timeIntervalSince1970 >= windowStart {
                steps.append(.reopen(code: code, ticketID: link.ticketID, reason: "the fault came back: " + summary))
            } else {
                steps.append(.open(code: code, rule: rule, faults: faults))
            }
        }
        let clearedAt = ISO8601.format(secondsSince1970: now.timeIntervalSince1970)
        for code in previousCodes.subtracting(byCode.keys).sorted() {
            guard let link = links[code], link.status.isOpen else { continue }
            steps.append(.resolve(code: code, ticketID: link.ticketID,
                                  notes: "Resolved automatically: the agent no longer reports \(code) (fault cleared at \(clearedAt))."))
        }
        return steps
    }

    /// What a fault's new ticket says and how it is ranked.
    public struct Ticket: Sendable, Equatable {
        public var title: String
        public var description: String
        public var category: String
        public var impact: Level
        public var urgency: Level
        public var tier: Int
    }

    /// The ticket for `faults` of one code on the machine called `label`: titled with the machine and
    /// what is wrong, the facts in the description, ranked by the rule, one step more urgent for a
    /// critical fault.
    public static func ticket(for faults: [Fault], on label: String, rule: FaultRule) -> Ticket {
        let summary = faults.map(\.summary).joined(separator: "; ")
        let description = faults.map { fault in
            "\(fault.summary)\n" + fault.facts.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
        }.joined(separator: "\n\n")
        return Ticket(title: String("\(label): \(summary)".prefix(200)), description: description, category: rule.category,
                      impact: rule.impact, urgency: rule.urgency(critical: faults.contains { $0.severity == .critical }), tier: rule.tier)
    }
}
