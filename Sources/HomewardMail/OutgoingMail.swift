/// One plain-text message, as the bureau writes it; the SMTP and MIME details are the transport's business.
public struct OutgoingMail: Sendable, Hashable {
    /// The visible author. The envelope sender (where bounces go) is ``SMTPConfiguration/from`` instead, because a
    /// relay usually lets an account send only as its own address.
    public var from: MailAddress
    public var to: [MailAddress]
    /// Line breaks are folded into single spaces when the message is written, so a subject built from user input
    /// can never start a new header.
    public var subject: String
    /// Plain text in any script; sent as UTF-8 in base64, so line length and non-ASCII text need no care.
    public var body: String
    /// Lets a caller that retries keep one identity for the message, so a receiver can drop duplicates.
    /// With or without angle brackets; `nil` makes up a fresh one on every send.
    public var messageID: String?

    public init(from: MailAddress, to: [MailAddress], subject: String, body: String, messageID: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
    }
}

/// Lets the server send notifications without knowing about SMTP, and tests replace delivery with a recorder.
public protocol MailTransport: Sendable {
    /// Returns once a relay has taken responsibility for the message.
    func send(_ mail: OutgoingMail) async throws
}
