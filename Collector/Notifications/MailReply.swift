import Foundation
/// What a mail to the desk says in reply to a ticket: the ticket's number from the subject (`[DS-123]`,
/// as our mails carry it) and the new text, without the quoted message below it.
extension InboundMail {
    /// The number in the first `[DS-n]` of the subject.
    public var ticketNumber: Int64? {
        var rest = Substring(subject)
        while let start = rest.range(of: "[DS-") {
            let digits = rest[start.upperBound...].prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, digits.count <= 18, rest[start.upperBound...].dropFirst(digits.count).first == "]" { return Int64(digits) }
            rest = rest[start.upperBound...]
        }
        return nil
    }

    /// The text above the quotation of the message answered: it ends at a line like "On Mon, 7 Dec
    /// 2026, Deskside wrote:", "-----Original Message-----", "From: ..." after a blank line, or the first
    /// line quoted with ">". Whole when nothing looks quoted.
    public var reply: String {
        var kept: [Substring] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let quoteHeader = (trimmed.hasPrefix("On ") && trimmed.hasSuffix("wrote:")) || trimmed.hasPrefix("-----Original Message-----")
                || (trimmed.hasPrefix("From: ") && index > 0 && lines[index - 1].trimmingCharacters(in: .whitespaces).isEmpty)
            if quoteHeader || trimmed.hasPrefix(">") { break }
            kept.append(line)
        }
        let result = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? text.trimmingCharacters(in: .whitespacesAndNewlines) : result
    }
}
