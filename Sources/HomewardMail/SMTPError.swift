/// Why a conversation with the relay ended before the message was accepted.
///
/// Carries the command and the server's own words, because "550 5.1.1 mailbox unavailable" after `RCPT TO` is what
/// an operator needs to see, and ``isTransient`` lets an outbox decide between retrying later and giving up.
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The server answered with a code the conversation cannot continue from; see ``SMTPError/code``.
        case rejected
        /// Security is `.startTLS` but the server's EHLO reply lists no STARTTLS; nothing was sent after EHLO.
        case startTLSNotOffered
        /// A username is configured but the server offers neither AUTH PLAIN nor AUTH LOGIN.
        case authenticationNotOffered
        /// Credentials would have crossed an unencrypted connection to a server that is not declared a plain relay.
        case unencryptedAuthentication
        /// The server's reply did not follow the SMTP grammar, or it spoke before it was asked.
        case protocolViolation
        /// The whole conversation took longer than ``SMTPConfiguration/timeout``.
        case timedOut
        /// The connection could not be opened, was closed by the server, or TLS failed.
        case connectionFailed
    }

    public let kind: Kind
    /// The command being answered, with credentials left out; `nil` for the greeting and for connecting.
    public let command: String?
    /// The three-digit reply code, when the server replied.
    public let code: Int?
    /// The server's reply text (all lines joined by newlines) or an explanation of what went wrong.
    public let text: String

    public init(kind: Kind, command: String?, code: Int? = nil, text: String) {
        self.kind = kind
        self.command = command
        self.code = code
        self.text = text
    }

    /// Worth another try later: a 4xx reply, a timeout or a lost connection. Everything else needs a person.
    public var isTransient: Bool {
        switch kind {
        case .timedOut, .connectionFailed: return true
        case .rejected: return code.map { (400..<500).contains($0) } ?? false
        case .startTLSNotOffered, .authenticationNotOffered, .unencryptedAuthentication, .protocolViolation:
            return false
        }
    }

    public var description: String {
        let during = command.map { "after \($0)" } ?? "before any command"
        switch kind {
        case .rejected:
            return "the SMTP server replied \(code.map(String.init) ?? "?") \(during): \(text)"
        case .startTLSNotOffered:
            return "the SMTP server does not offer STARTTLS, and the configuration requires it"
        case .authenticationNotOffered:
            return "the SMTP server offers no supported AUTH mechanism (PLAIN or LOGIN): \(text)"
        case .unencryptedAuthentication:
            return "refusing to send SMTP credentials over an unencrypted connection"
        case .protocolViolation:
            return "the SMTP server broke the protocol \(during): \(text)"
        case .timedOut:
            return "the SMTP conversation timed out \(during): \(text)"
        case .connectionFailed:
            return "the SMTP connection failed \(during): \(text)"
        }
    }
}
