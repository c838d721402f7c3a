/// A mailbox that is safe to put into an SMTP command and a message header.
///
/// Validation happens once, here, so that nothing a family typed into a form can smuggle a second
/// header (`Bcc:`) or a second SMTP command into the conversation with the relay.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The addr-spec, `local@domain`, without angle brackets.
    public let address: String
    /// The display name; encoded as RFC 2047 words when it is not plain ASCII.
    public let name: String?

    /// Throws ``MailFormatError`` for anything that could break out of `<…>` in `RCPT TO` or out of the header line.
    ///
    /// Addresses must be ASCII: internationalised mailboxes need the SMTPUTF8 extension, which this client does not
    /// speak. A Cyrillic domain works in its punycode form (`xn--…`).
    public init(_ address: String, name: String? = nil) throws {
        self.address = try Self.validatedAddress(address)
        self.name = try name.flatMap(Self.validatedName)
    }

    public var description: String {
        guard let name else { return address }
        return "\(name) <\(address)>"
    }

    /// The part after the `@`, used to make up Message-IDs and a default HELO name.
    public var domain: Substring {
        address[address.index(after: address.firstIndex(of: "@")!)...]
    }

    /// RFC 5321 caps a path at 256 octets including the brackets, so 254 for the address itself.
    private static let maximumLength = 254

    private static func validatedAddress(_ address: String) throws -> String {
        func refuse(_ problem: String) -> MailFormatError {
            MailFormatError("the e-mail address \(address.debugDescription) \(problem)")
        }
        if address.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw refuse("contains a line break")
        }
        if address.contains("<") || address.contains(">") {
            throw refuse("contains an angle bracket")
        }
        if address.isEmpty { throw MailFormatError("the e-mail address is empty") }
        if !address.unicodeScalars.allSatisfy(\.isASCII) {
            throw refuse("is not ASCII (write a non-Latin domain in its xn-- form)")
        }
        if address.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            throw refuse("contains a space or a control character")
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw refuse("must contain exactly one @") }
        guard !parts[0].isEmpty, !parts[1].isEmpty else { throw refuse("needs text on both sides of the @") }
        guard address.utf8.count <= maximumLength else { throw refuse("is longer than \(maximumLength) characters") }
        return address
    }

    private static func validatedName(_ name: String) throws -> String? {
        if name.unicodeScalars.contains(where: isLineBreakOrControl) {
            throw MailFormatError("the display name \(name.debugDescription) contains a line break or a control character")
        }
        let trimmed = name.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// Line breaks in any of their Unicode spellings, and other controls a header must never carry.
func isLineBreakOrControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return scalar != "\t"
    default: return false
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// Input that would have produced a malformed or injectable message; the description names the culprit.
public struct MailFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
