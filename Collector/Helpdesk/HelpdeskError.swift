/// Why the help desk refused a request. The HTTP layer maps each case to a status and a stable code.
public enum HelpdeskError: Error, Equatable, Sendable {
    /// The thing does not exist, or the caller may not know that it does (a requester guessing ids).
    case notFound
    /// The caller's role may not do this.
    case forbidden
    /// The request is malformed: it breaks a rule that the API document states (a message says which).
    case invalid(String)
    /// The request is well formed but names something that cannot be used for it: an account, asset or
    /// article that does not exist, an account that cannot take tickets, a wrong current password.
    /// The document cannot state these; they depend on what is stored.
    case unprocessable(String)
    /// The request conflicts with the current state (a message says what).
    case conflict(String)
}
