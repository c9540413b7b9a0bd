/// Why the help desk refused a request. The HTTP layer maps each case to a status and a stable code.
public enum HelpdeskError: Error, Equatable, Sendable {
    /// The thing does not exist, or the caller may not know that it does (a requester guessing ids).
    case notFound
    /// The caller's role may not do this.
    case forbidden
    /// The request makes no sense as sent (a message says what).
    case invalid(String)
    /// The request conflicts with the current state (a message says what).
    case conflict(String)
}
