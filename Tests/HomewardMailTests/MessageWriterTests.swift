import Foundation
import Testing

@testable import HomewardMail

@Suite("Writing the message: headers, encodings and header injection")
struct MessageWriterTests {
    func render(subject: String, body: String = "x", from: MailAddress? = nil) throws -> ReceivedMessage {
        let mail = OutgoingMail(
            from: try from ?? MailAddress("bureau@homeward.test"),
            to: [try MailAddress("olena@example.org")],
            subject: subject,
            body: body,
            messageID: "fixed@homeward.test"
        )
        let text = try MessageWriter.message(for: mail, date: Date(timeIntervalSince1970: 0)) { "<unused@x>" }
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF in \(text.debugDescription)")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "bare CR in \(text.debugDescription)")
        return ReceivedMessage(dataLines: text.components(separatedBy: "\r\n").dropLast())
    }

    @Test(
        "addresses that could inject a header or an SMTP command are refused",
        arguments: [
            "olena@example.org\r\nBcc: evil@example.org", "olena@example.org\n", "olena@example.org\rRCPT TO:<x@y>",
            "<olena@example.org>", "olena@example.org>", "olena@@example.org", "olena@x@example.org", "example.org",
            "@example.org", "olena@", "", "olena petrenko@example.org", "олена@example.org", "olena@example.org\u{0}",
        ]
    )
    func refusedAddresses(address: String) {
        #expect(throws: MailFormatError.self) { try MailAddress(address) }
    }

    @Test("plain addresses, with and without a display name, are accepted")
    func acceptedAddresses() throws {
        let address = try MailAddress("olena.petrenko+case@xn--80ak6aa92e.xn--j1amh", name: "  Олена Петренко ")
        #expect(address.address == "olena.petrenko+case@xn--80ak6aa92e.xn--j1amh")
        #expect(address.name == "Олена Петренко")
        #expect(address.domain == "xn--80ak6aa92e.xn--j1amh")
        #expect(try MailAddress("a@b", name: "  ").name == nil)
    }

    @Test("a display name with a line break is refused")
    func refusedNames() {
        for name in ["Olena\r\nBcc: evil@example.org", "Olena\n", "Olena\u{2028}Bcc: x@y", "Olena\u{85}"] {
            #expect(throws: MailFormatError.self) { try MailAddress("olena@example.org", name: name) }
        }
    }

    @Test("line breaks in a subject are folded into spaces instead of starting a new header")
    func subjectInjection() throws {
        let ascii = try render(subject: "Hello\r\nBcc: evil@example.org\n\nX-Injected: 1")
        #expect(ascii.headers["bcc"] == nil && ascii.headers["x-injected"] == nil)
        #expect(ascii.subject == "Hello Bcc: evil@example.org X-Injected: 1")
        #expect(ascii.headerLines.contains("Subject: Hello Bcc: evil@example.org X-Injected: 1"))

        let cyrillic = try render(subject: "Вітаємо\r\nBcc: evil@example.org")
        #expect(cyrillic.headers["bcc"] == nil)
        #expect(cyrillic.subject == "Вітаємо Bcc: evil@example.org")
        #expect(!cyrillic.headerLines.contains { $0.lowercased().hasPrefix("bcc") })
    }

    @Test("a subject that only looks like an encoded-word is encoded, so readers show it as typed")
    func lookalikeEncodedWord() throws {
        let message = try render(subject: "=?utf-8?B?0J/RgNC40LLRltGC?=")
        #expect(message.headers["subject"]?.hasPrefix("=?utf-8?B?") == true)
        #expect(message.subject == "=?utf-8?B?0J/RgNC40LLRltGC?=")
    }

    @Test("a long ASCII subject is folded at spaces and reads back unchanged")
    func foldedASCIISubject() throws {
        let subject = Array(repeating: "notification", count: 20).joined(separator: " ")
        let message = try render(subject: subject)
        #expect(message.headerLines.count(where: { $0.hasPrefix(" ") }) >= 3)
        #expect(message.headerLines.allSatisfy { $0.utf8.count <= 76 })
        #expect(message.subject == subject)
    }

    @Test("encoded-words never split a character, even a long cluster of combining marks")
    func encodedWordBoundaries() throws {
        let zalgo = "й" + String(repeating: "\u{301}", count: 40)
        let subject = String(repeating: "Ї", count: 70) + zalgo + "🇺🇦👩‍👩‍👧"
        let words = MessageWriter.encodedWords(subject, firstWordLength: 67)
        #expect(words.count > 3)
        #expect(words.allSatisfy { $0.utf8.count <= 75 })
        #expect(words[0].utf8.count <= 67)
        for word in words {
            let bytes = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            #expect(String(validating: bytes, as: UTF8.self) != nil, "a word holds a partial character")
        }
        #expect(try render(subject: subject).subject == subject)
    }

    @Test("display names: atoms as they are, specials quoted, non-ASCII encoded")
    func displayNames() throws {
        #expect(
            MessageWriter.mailboxTokens([try MailAddress("a@b.org", name: "Tracing Bureau")], headerName: "From")
                == ["Tracing", "Bureau", "<a@b.org>"])
        #expect(
            MessageWriter.mailboxTokens([try MailAddress("a@b.org", name: #"Petrenko, O. "Lena""#)], headerName: "From")
                == [#""Petrenko, O. \"Lena\"""#, "<a@b.org>"])
        let message = try render(subject: "s", from: try MailAddress("a@b.org", name: "Бюро"))
        #expect(message.headers["from"]?.hasPrefix("=?utf-8?B?") == true)
        #expect(message.decodingEncodedWords(message.headers["from"]!) == "Бюро <a@b.org>")
    }

    @Test("the body is base64 of CRLF text in 76-character lines, whatever line endings it was written with")
    func bodyEncoding() throws {
        let body = String(repeating: "Рядок тексту\n", count: 20) + "mac\rwindows\r\nend"
        let message = try render(subject: "s", body: body)
        #expect(message.bodyLines.dropLast().allSatisfy { $0.utf8.count == 76 })
        let expected = String(repeating: "Рядок тексту\r\n", count: 20) + "mac\r\nwindows\r\nend"
        #expect(message.body == expected)
    }

    @Test("DATA is dot-stuffed, uses CRLF and ends with a lone dot")
    func dataSection() {
        let bytes = MessageWriter.dataSection("a\r\n.b\r\n.\r\n..c\nlast")
        #expect(String(decoding: bytes, as: UTF8.self) == "a\r\n..b\r\n..\r\n...c\r\nlast\r\n.\r\n")
        #expect(String(decoding: MessageWriter.dataSection("x\r\n"), as: UTF8.self) == "x\r\n.\r\n")
    }

    @Test("Message-IDs are bracketed, and one that could break the header is refused")
    func messageIDs() throws {
        #expect(try MessageWriter.validatedMessageID("case-42@homeward.test") == "<case-42@homeward.test>")
        #expect(try MessageWriter.validatedMessageID("<case-42@homeward.test>") == "<case-42@homeward.test>")
        for bad in ["a@b>\r\nBcc: c@d", "no-at-sign", "two@at@signs", "spa ce@x", "<a@b", "@x", "ід@x"] {
            #expect(throws: MailFormatError.self) { try MessageWriter.validatedMessageID(bad) }
        }
        let generated = MessageWriter.makeMessageID(domain: "homeward.test")
        #expect(try MessageWriter.validatedMessageID(generated) == generated)
    }

    @Test("dates follow RFC 5322 in UTC, leap days and dates before 1970 included")
    func dates() {
        #expect(MessageWriter.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(MessageWriter.rfc5322Date(Date(timeIntervalSince1970: 951_868_799)) == "Tue, 29 Feb 2000 23:59:59 +0000")
        #expect(MessageWriter.rfc5322Date(Date(timeIntervalSince1970: 1_709_210_096.7)) == "Thu, 29 Feb 2024 12:34:56 +0000")
        #expect(MessageWriter.rfc5322Date(Date(timeIntervalSince1970: -86_401)) == "Tue, 30 Dec 1969 23:59:59 +0000")
    }
}

@Suite("Reading replies")
struct SMTPReplyParserTests {
    @Test("a multi-line reply is one reply with all its lines")
    func multiLine() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.consume("250-fake.test") == nil)
        #expect(try parser.consume("250-AUTH PLAIN LOGIN") == nil)
        #expect(try parser.consume("250 STARTTLS") == SMTPReply(code: 250, lines: ["fake.test", "AUTH PLAIN LOGIN", "STARTTLS"]))
        #expect(try parser.consume("221") == SMTPReply(code: 221, lines: [""]))
        let capabilities = Capabilities(ehloReply: SMTPReply(code: 250, lines: ["fake.test", "auth=login plain", "STARTTLS"]))
        #expect(capabilities.offersStartTLS)
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN"])
    }

    @Test("lines that are not SMTP replies are refused", arguments: ["hello", "25 OK", "250_OK", "600 no", "2500 OK"])
    func malformed(line: String) {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPReplyReader.Failure.self) { try parser.consume(line) }
    }

    @Test("a multi-line reply may not change its code halfway")
    func changingCode() throws {
        var parser = SMTPReplyParser()
        _ = try parser.consume("250-first")
        #expect(throws: SMTPReplyReader.Failure.self) { try parser.consume("550 second") }
    }
}
