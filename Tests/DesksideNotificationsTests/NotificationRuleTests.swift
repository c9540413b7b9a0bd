import DesksideNotifications
import Foundation
import Testing

/// The notification rules on their own: event types and patterns, who is told, the retry schedule,
/// the networks a webhook may reach, and the webhook signature.
@Suite struct NotificationRuleTests {
    @Test(arguments: [
        ("ticket.*", "ticket.opened", true), ("ticket.*", "ticket.sla.breached", true), ("ticket.*", "fault.storm", false),
        ("*", "task.finished", true), ("fault.storm", "fault.storm", true), ("fault.storm", "fault.opened", false),
        ("tick*", "ticket.opened", false), ("ticket.", "ticket.opened", false),
    ])
    func patternsMatchTypes(pattern: String, type: String, matches: Bool) throws {
        #expect(try #require(EventType(rawValue: type)).matches(pattern) == matches)
    }

    @Test func onlyPatternsThatMatchSomethingAreAccepted() {
        #expect(EventType.isPattern("ticket.*") && EventType.isPattern("*") && EventType.isPattern("asset.status"))
        #expect(!EventType.isPattern("tickets.*") && !EventType.isPattern("") && !EventType.isPattern("ticket"))
    }

    static let parties = Recipients.Parties(requesterID: 1, assigneeID: nil, tierTechnicianIDs: [10, 11], adminIDs: [20])

    @Test(arguments: [
        // Opened by the requester: the acknowledgement with the number to reply to, and the queue.
        (EventType.ticketOpened, Int64?(1), [Int64(1), 10, 11]),
        // Opened by the collector (a fault): the requester and the queue.
        (.ticketOpened, nil, [1, 10, 11]),
        // A technician's public comment: the requester and the rest of the queue.
        (.ticketCommented, 10, [1, 11]),
        // The requester's comment: the queue only.
        (.ticketCommented, 1, [10, 11]),
        (.ticketWaiting, 10, [1]),
        (.ticketResolved, 10, [1]),
        (.ticketSLAAtRisk, nil, [10, 11]),
        (.ticketSLABreached, nil, [10, 11]),
        (.faultStorm, nil, [10, 11, 20]),
        (.faultOpened, nil, []),
        (.taskFinished, nil, []),
    ])
    func theRightPeopleAreTold(type: EventType, actor: Int64?, expected: [Int64]) {
        #expect(Recipients.forTicket(type, parties: Self.parties, actorID: actor) == expected)
    }

    @Test func anAssignedTicketTellsItsAssigneeNotTheTier() {
        var parties = Self.parties
        parties.assigneeID = 11
        #expect(Recipients.forTicket(.ticketCommented, parties: parties, actorID: 1) == [11])
        #expect(Recipients.forTicket(.ticketAssigned, parties: parties, actorID: 10) == [11])
        #expect(Recipients.forTicket(.ticketAssigned, parties: parties, actorID: 11) == [], "nobody is told of their own change")
        #expect(Recipients.forTicket(.onboardingStepFinished, parties: parties, actorID: nil) == [1, 11])
        #expect(Recipients.forTicket(.onboardingStepFailed, parties: parties, actorID: nil) == [11])
    }

    @Test(arguments: [
        ("opened", nil, false, false, EventType?.some(.ticketOpened)), ("opened", nil, false, true, .faultStorm),
        ("comment", nil, false, false, .ticketCommented), ("comment", nil, true, false, nil), ("note", nil, true, false, nil),
        ("status", "waiting", false, false, .ticketWaiting), ("status", "closed", false, false, nil),
        ("assigned", "tess", false, false, .ticketAssigned), ("assigned", nil, false, false, nil),
        ("escalated", "2", false, false, .ticketEscalated), ("resolved", "resolved", false, false, .ticketResolved),
        ("reopened", "inProgress", false, false, .ticketReopened), ("priority", "high", false, false, nil), ("rated", "5", false, false, nil),
    ])
    func timelineLinesCauseTheirNotification(kind: String, new: String?, isInternal: Bool, storm: Bool, expected: EventType?) {
        #expect(Recipients.eventType(timelineKind: kind, newValue: new, internal: isInternal, stormSummary: storm) == expected)
        #expect(Recipients.eventType(timelineKind: kind, newValue: new, internal: isInternal, stormSummary: storm, stormMember: true) == nil,
                "a ticket filed under a storm is quiet")
    }

    @Test func failuresAreRetriedForOverAnHourThenGiveUp() throws {
        let policy = RetryPolicy.standard
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var at = start
        var attempts = 1
        while let next = policy.nextAttempt(afterFailures: attempts, at: at) {
            #expect(next > at)
            at = next
            attempts += 1
        }
        #expect(attempts == policy.maxAttempts && attempts >= 5)
        #expect(at.timeIntervalSince(start) >= 3600)
    }

    @Test(arguments: [
        ("127.0.0.1", false), ("127.8.9.10", false), ("::1", false), ("169.254.169.254", false), ("fe80::1", false),
        ("0.0.0.0", false), ("::", false), ("::ffff:127.0.0.1", false), ("224.0.0.1", false),
        ("10.1.2.3", true), ("192.168.1.10", true), ("203.0.113.9", true), ("2001:db8::1", true),
    ])
    func theDefaultAllowListKeepsWebhooksOffThisMachine(address: String, allowed: Bool) throws {
        #expect(NetworkAllowList().allows(try #require(IPAddress.bytes(address))) == allowed)
    }

    @Test func aConfiguredAllowListAllowsOnlyItsNetworks() throws {
        let list = try NetworkAllowList(["127.0.0.0/8", "10.20.0.0/16", "fd00::/8"])
        #expect(list.allows(try #require(IPAddress.bytes("127.0.0.1"))))
        #expect(list.allows(try #require(IPAddress.bytes("10.20.255.1"))))
        #expect(!list.allows(try #require(IPAddress.bytes("10.21.0.1"))))
        #expect(list.allows(try #require(IPAddress.bytes("fd12::1"))))
        #expect(!list.allows(try #require(IPAddress.bytes("2001:db8::1"))))
        #expect(throws: NetworkAllowListError.self) { try NetworkAllowList(["10.0.0.0/33"]) }
        #expect(throws: NetworkAllowListError.self) { try NetworkAllowList(["example.com"]) }
        #expect(NetworkAllowList.Network("10.0.0.0/8")?.description == "10.0.0.0/8")
    }

    @Test func aSignatureHoldsForItsBodyAndTimeOnly() {
        let body = Array(#"{"id":"e1","type":"ticket.opened"}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let header = WebhookSignature.sign(secret: "s3cret", timestamp: 1_800_000_000, body: body)
        #expect(header.hasPrefix("t=1800000000,v1=") && header.count == "t=1800000000,v1=".count + 64)
        #expect(WebhookSignature.verify(header, secret: "s3cret", body: body, now: now))
        #expect(!WebhookSignature.verify(header, secret: "other", body: body, now: now))
        #expect(!WebhookSignature.verify(header, secret: "s3cret", body: body + [32], now: now))
        #expect(!WebhookSignature.verify(header, secret: "s3cret", body: body, now: now + 600), "a replay later than five minutes")
        #expect(!WebhookSignature.verify("t=1800000000,v1=zz", secret: "s3cret", body: body, now: now))
        #expect(!WebhookSignature.verify("", secret: "s3cret", body: body, now: now))
    }
}

@Suite struct DeliveryRateTests {
    @Test func messagesAreSpacedEvenlyAndIdleTimeIsNotSavedUp() {
        var rate = DeliveryRate(perMinute: 120)
        #expect(rate.interval == 0.5)
        #expect(rate.take(at: 100) == 0, "the first goes at once")
        #expect(rate.take(at: 100) == 0.5)
        #expect(abs(rate.take(at: 100.2) - 0.8) < 1e-9, "the third waits for its slot at 101")
        // Quiet for a minute: the next goes at once, the one after it waits a whole interval.
        #expect(rate.take(at: 160) == 0)
        #expect(rate.take(at: 160) == 0.5)
    }

    @Test func aRoundIsAboutTenSecondsWorth() {
        #expect(DeliveryRate().roundSize(limit: 200) == 200)
        #expect(DeliveryRate(perMinute: 30).roundSize(limit: 200) == 5, "Exchange Online's 30 a minute: five per round")
        #expect(DeliveryRate(perMinute: 1).roundSize(limit: 200) == 1)
    }
}
