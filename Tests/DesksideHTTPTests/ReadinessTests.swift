import DesksideHTTP
import NIOConcurrencyHelpers
import Testing

/// `/readyz`: ready only when every listener it expects is up and the database takes a write.
@Suite struct ReadinessTests {
    @Test func readyWhenEveryListenerIsUpAndTheDatabaseWritable() {
        let writable = NIOLockedValueBox(true)
        let readiness = Readiness(listeners: ["agents", "http"], databaseWritable: { writable.withLockedValue { $0 } })
        #expect(!readiness.isReady())
        readiness.listening("http")
        #expect(!readiness.isReady(), "the agents' listener is not up yet")
        readiness.listening("agents")
        #expect(readiness.isReady())
        writable.withLockedValue { $0 = false }
        #expect(!readiness.isReady(), "a database that takes no write")
        writable.withLockedValue { $0 = true }
        readiness.stopped("agents")
        #expect(!readiness.isReady(), "shutting down")
    }
}
