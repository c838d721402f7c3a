import Foundation

/// Turns an ``OutgoingMail`` into RFC 5322 text that survives any relay.
///
/// Every header line stays within 76 characters and every non-ASCII word travels as an RFC 2047 encoded-word,
/// and the body is base64, so the message is pure 7-bit ASCII: no relay can mangle Cyrillic, rewrap lines or
/// mistake a line of the body for the end of DATA.
enum MessageWriter {
    /// RFC 2047 limits lines that hold encoded-words to 76 characters; plain lines follow the same rule for simplicity.
    static let lineLimit = 76
    /// RFC 2045 limits base64 lines to 76 characters.
    static let base64LineLength = 76

    static func message(for mail: OutgoingMail, date: Date, makeMessageID: () -> String) throws -> String {
        guard !mail.to.isEmpty else { throw MailFormatError("the message has no recipients") }
        let messageID = try mail.messageID.map(validatedMessageID) ?? makeMessageID()
        var lines = [
            "Date: " + rfc5322Date(date),
            folded("From", tokens: mailboxTokens([mail.from], headerName: "From")),
            folded("To", tokens: mailboxTokens(mail.to, headerName: "To")),
            folded("Subject", tokens: unstructuredTokens(mail.subject, headerName: "Subject")),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        lines += base64Lines(Array(withCRLFLineEndings(mail.body).utf8))
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A fresh, globally unique id: a random UUID at the sender's domain, as RFC 5322 suggests.
    static func makeMessageID(domain: some StringProtocol) -> String {
        "<\(UUID().uuidString.lowercased())@\(domain)>"
    }

    /// Accepts an id with or without its angle brackets, but nothing that could end the header line.
    static func validatedMessageID(_ id: String) throws -> String {
        var bare = Substring(id)
        if bare.hasPrefix("<") && bare.hasSuffix(">") && bare.count >= 2 { bare = bare.dropFirst().dropLast() }
        let printable = bare.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && $0 != "<" && $0 != ">" }
        guard printable, bare.filter({ $0 == "@" }).count == 1, !bare.hasPrefix("@"), !bare.hasSuffix("@"),
            bare.utf8.count <= 250
        else {
            throw MailFormatError("the Message-ID \(id.debugDescription) is not of the form <left@right> in printable ASCII")
        }
        return "<\(bare)>"
    }

    // MARK: Headers

    /// Joins tokens with single spaces, folding before a token that would overflow the line.
    static func folded(_ name: String, tokens: [String]) -> String {
        var field = name + ":"
        var lineLength = field.utf8.count
        for (index, token) in tokens.enumerated() {
            if index > 0 && lineLength + 1 + token.utf8.count > lineLimit {
                field += "\r\n"
                lineLength = 0
            }
            field += " " + token
            lineLength += 1 + token.utf8.count
        }
        return field
    }

    /// A subject is one line of meaning: line breaks and controls become spaces instead of failing the send, since
    /// refusing a notification over a stray newline in a case title would help nobody.
    static func unstructuredTokens(_ text: String, headerName: String) -> [String] {
        let flattened = singleLine(text)
        if isSafeASCII(flattened) {
            return flattened.split(separator: " ").map(String.init)
        }
        return encodedWords(flattened, firstWordLength: lineLimit - headerName.utf8.count - 2)
    }

    static func mailboxTokens(_ mailboxes: [MailAddress], headerName: String) -> [String] {
        var tokens: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var mailboxTokens: [String]
            if let name = mailbox.name {
                let firstWordLength = tokens.isEmpty ? lineLimit - headerName.utf8.count - 2 : lineLimit - 1
                mailboxTokens = phraseTokens(name, firstWordLength: firstWordLength) + ["<\(mailbox.address)>"]
            } else {
                mailboxTokens = [mailbox.address]
            }
            if index < mailboxes.count - 1 { mailboxTokens[mailboxTokens.count - 1] += "," }
            tokens += mailboxTokens
        }
        return tokens
    }

    /// A display name as atoms when it can be, a quoted-string when it has specials like `,` or `.`, and encoded-words
    /// when it is not ASCII.
    static func phraseTokens(_ name: String, firstWordLength: Int) -> [String] {
        let flattened = singleLine(name)
        guard isSafeASCII(flattened) else { return encodedWords(flattened, firstWordLength: firstWordLength) }
        let atomSpecials = "!#$%&'*+-/=?^_`{|}~ "
        let isPhraseOfAtoms = flattened.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || atomSpecials.unicodeScalars.contains($0)
        }
        if isPhraseOfAtoms { return flattened.split(separator: " ").map(String.init) }
        let escaped = flattened.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return ["\"\(escaped)\""]
    }

    /// Printable ASCII that no mail reader could take for an encoded-word, with no word too long to fold.
    static func isSafeASCII(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) } && !text.contains("=?")
            && text.split(separator: " ").allSatisfy { $0.utf8.count <= lineLimit - 1 }
    }

    /// Collapses every run of line breaks, controls and spaces into one space.
    static func singleLine(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isLineBreakOrControl(scalar) || scalar == " " || scalar == "\t" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.unicodeScalars.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// RFC 2047 `B` words of at most `wordLength` characters, never splitting a character across two words (readers
    /// decode each word on its own). Readers drop the folding whitespace between adjacent words, so spaces that
    /// belong to the text are encoded inside the words.
    static func encodedWords(_ text: String, firstWordLength: Int, wordLength: Int = lineLimit - 1) -> [String] {
        let prefix = "=?utf-8?B?"
        let suffix = "?="
        func byteBudget(_ length: Int) -> Int {
            // At least one four-byte scalar must fit, whatever the caller asked for.
            max((length - prefix.count - suffix.count) / 4 * 3, 4)
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        var budget = byteBudget(firstWordLength)
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append(prefix + Data(chunk).base64EncodedString() + suffix)
            chunk = []
            budget = byteBudget(wordLength)
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= byteBudget(wordLength) {
                if chunk.count + bytes.count > budget { flush() }
                chunk += bytes
            } else {
                // A grapheme cluster too long for any word (stacked combining marks) is split between its scalars.
                for scalar in character.unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if chunk.count + scalarBytes.count > budget { flush() }
                    chunk += scalarBytes
                }
            }
        }
        flush()
        return words
    }

    /// `Tue, 21 Apr 2026 09:05:03 +0000`: the Gregorian calendar in UTC, and English names written
    /// here, so that no locale or time zone setting of the machine can change it.
    static func rfc5322Date(_ date: Date) -> String {
        let parts = utcCalendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        let time = "\(twoDigits(parts.hour)):\(twoDigits(parts.minute)):\(twoDigits(parts.second))"
        return
            "\(weekdays[(parts.weekday ?? 1) - 1]), \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970) \(time) +0000"
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    // MARK: Body

    /// text/plain must use CRLF in its canonical form, whatever the author's platform wrote.
    static func withCRLFLineEndings(_ text: String) -> String {
        var result = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                result += "\r\n"
                previousWasCR = true
            case "\n":
                if !previousWasCR { result += "\r\n" }
                previousWasCR = false
            default:
                result.unicodeScalars.append(scalar)
                previousWasCR = false
            }
        }
        return result
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: base64LineLength, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        return lines
    }

    // MARK: DATA

    /// The bytes to send after `354`: CRLF line endings, a second `.` before any line that starts with one (so the
    /// server cannot take it for the end of the message), and the terminating `.` line.
    static func dataSection(_ message: String) -> [UInt8] {
        var lines = withCRLFLineEndings(message).components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        var bytes: [UInt8] = []
        for line in lines {
            if line.hasPrefix(".") { bytes.append(UInt8(ascii: ".")) }
            bytes += line.utf8
            bytes += [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
        }
        bytes += Array(".\r\n".utf8)
        return bytes
    }
}
