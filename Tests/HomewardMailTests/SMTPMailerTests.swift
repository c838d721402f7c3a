import Foundation
import Testing

@testable import HomewardMail

@Suite("SMTP mailer against a scripted server on loopback")
struct SMTPMailerTests {
    static let bureau = try! MailAddress("bureau@homeward.test")

    func configuration(
        port: Int,
        security: SMTPConfiguration.Security = .none,
        username: String? = nil,
        password: String? = nil,
        timeout: Duration = .seconds(5)
    ) -> SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1",
            port: port,
            security: security,
            username: username,
            password: password,
            from: Self.bureau,
            heloName: "client.homeward.test",
            timeout: timeout
        )
    }

    func notification(subject: String = "Your inquiry", body: String = "Hello") throws -> OutgoingMail {
        OutgoingMail(
            from: try MailAddress("noreply@homeward.test", name: "Бюро розшуку"),
            to: [try MailAddress("olena@example.org", name: "Олена Петренко"), try MailAddress("ivan@example.org")],
            subject: subject,
            body: body
        )
    }

    @Test("a plain send carries a Cyrillic subject and body that decode back exactly")
    func plainCyrillicSend() async throws {
        let subject = "Відповідь на ваш запит щодо Петренка Івана Миколайовича — справа HW7K-3MQ2-X"
        let body = "Шановна пані Олено,\n\nза вашим запитом є нові відомості.\nЗ повагою, Бюро"
        let mail = try notification(subject: subject, body: body)
        try await withFakeSMTPServer { server in
            try await SMTPMailer(configuration: configuration(port: server.port)).send(mail)

            #expect(
                server.commands == [
                    "EHLO client.homeward.test",
                    "MAIL FROM:<bureau@homeward.test>",
                    "RCPT TO:<olena@example.org>",
                    "RCPT TO:<ivan@example.org>",
                    "DATA",
                    "QUIT",
                ]
            )
            let message = try #require(server.message)
            #expect(message.subject == subject)
            #expect(message.body == body.replacingOccurrences(of: "\n", with: "\r\n"))
            #expect(message.headers["subject"]?.hasPrefix("=?utf-8?B?") == true)
            #expect(message.decodingEncodedWords(message.headers["from"] ?? "") == "Бюро розшуку <noreply@homeward.test>")
            #expect(
                message.decodingEncodedWords(message.headers["to"] ?? "")
                    == "Олена Петренко <olena@example.org>, ivan@example.org"
            )
            #expect(message.headers["mime-version"] == "1.0")
            #expect(message.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(message.headers["content-transfer-encoding"] == "base64")
            #expect(message.headers["message-id"]?.hasSuffix("@homeward.test>") == true)
            #expect(message.headers["date"]?.hasSuffix("+0000") == true)
            // The whole message is 7-bit and no line is longer than a mail reader expects.
            for line in message.headerLines + message.bodyLines {
                #expect(line.utf8.count <= 76, "\(line)")
                #expect(line.unicodeScalars.allSatisfy { $0.isASCII }, "\(line)")
            }
            #expect(message.bodyLines.dropLast().allSatisfy { $0.count == 76 })
        }
    }

    @Test("body lines that start with a dot arrive intact and never end DATA early")
    func dotStuffing() async throws {
        let body = ".\n.hidden line\n..two dots\nlast"
        try await withFakeSMTPServer { server in
            try await SMTPMailer(configuration: configuration(port: server.port)).send(notification(body: body))
            let message = try #require(server.message)
            #expect(message.body == body.replacingOccurrences(of: "\n", with: "\r\n"))
            #expect(server.commands.last == "QUIT")
        }
    }

    @Test("a multi-line EHLO reply is read as one reply, and an extension on a middle line counts")
    func multiLineEHLO() async throws {
        var script = FakeSMTPServer.Script()
        script.ehlo = "250-fake.test\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME"
        try await withFakeSMTPServer(script) { server in
            let configuration = configuration(port: server.port, username: "bureau", password: "secret")
            try await SMTPMailer(configuration: configuration).send(notification())
            let commands = server.commands
            #expect(commands.count == 7)
            #expect(commands.prefix(3).map { $0.prefix(10) } == ["EHLO clien", "AUTH PLAIN", "MAIL FROM:"])
        }
    }

    @Test("AUTH PLAIN over a plain relay sends the RFC 4616 credentials in base64")
    func authPlain() async throws {
        var script = FakeSMTPServer.Script()
        script.ehlo = "250-fake.test\r\n250 AUTH LOGIN PLAIN"
        try await withFakeSMTPServer(script) { server in
            let configuration = configuration(port: server.port, username: "bureau", password: "p@ss:wörd")
            try await SMTPMailer(configuration: configuration).send(notification())
            #expect(server.commands[1] == "AUTH PLAIN AGJ1cmVhdQBwQHNzOnfDtnJk")
            #expect(server.commands[2] == "MAIL FROM:<bureau@homeward.test>")
        }
    }

    @Test("AUTH LOGIN is used when it is the only mechanism offered")
    func authLogin() async throws {
        var script = FakeSMTPServer.Script()
        script.ehlo = "250-fake.test\r\n250 AUTH=LOGIN"
        try await withFakeSMTPServer(script) { server in
            let configuration = configuration(port: server.port, username: "bureau", password: "secret")
            try await SMTPMailer(configuration: configuration).send(notification())
            #expect(Array(server.commands[1...3]) == ["AUTH LOGIN", "YnVyZWF1", "c2VjcmV0"])
            #expect(server.commands[4] == "MAIL FROM:<bureau@homeward.test>")
        }
    }

    @Test("a refused password names AUTH PLAIN and the code, but never the credentials")
    func authRefused() async throws {
        var script = FakeSMTPServer.Script()
        script.ehlo = "250-fake.test\r\n250 AUTH PLAIN"
        script.replies["AUTH"] = "535 5.7.8 Authentication credentials invalid"
        try await withFakeSMTPServer(script) { server in
            let configuration = configuration(port: server.port, username: "bureau", password: "hunter2")
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration).send(notification())
            }
            #expect(error?.kind == .rejected && error?.code == 535 && error?.command == "AUTH PLAIN")
            let description = error.map(String.init(describing:)) ?? ""
            #expect(!description.contains("hunter2") && !description.contains("AGJ1cmVhdQBodW50ZXIy"))
            #expect(server.commands.last == "QUIT")
        }
    }

    @Test("a username with no AUTH offered fails instead of sending unauthenticated")
    func authNotOffered() async throws {
        try await withFakeSMTPServer { server in
            let configuration = configuration(port: server.port, username: "bureau", password: "secret")
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration).send(notification())
            }
            #expect(error?.kind == .authenticationNotOffered)
            #expect(!server.commands.contains { $0.hasPrefix("MAIL") })
        }
    }

    @Test("a 550 to RCPT TO throws an error that names the code and the command, and no DATA is sent")
    func recipientRejected() async throws {
        var script = FakeSMTPServer.Script()
        script.replies["RCPT"] = "550 5.1.1 <olena@example.org>: Recipient address rejected"
        try await withFakeSMTPServer(script) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration(port: server.port)).send(notification())
            }
            #expect(error?.kind == .rejected)
            #expect(error?.code == 550)
            #expect(error?.command == "RCPT TO:<olena@example.org>")
            #expect(error?.isTransient == false)
            let description = error.map(String.init(describing:)) ?? ""
            #expect(description.contains("550") && description.contains("RCPT TO") && description.contains("rejected"))
            #expect(!server.commands.contains("DATA"))
            #expect(server.commands.last == "QUIT")
        }
    }

    @Test("a 4xx reply is transient, so an outbox knows to retry")
    func temporaryFailure() async throws {
        var script = FakeSMTPServer.Script()
        script.replies["MAIL"] = "451-4.7.1 Greylisted,\r\n451 4.7.1 please try again later"
        try await withFakeSMTPServer(script) { server in
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration(port: server.port)).send(notification())
            }
            #expect(error?.code == 451)
            #expect(error?.text == "4.7.1 Greylisted,\n4.7.1 please try again later")
            #expect(error?.isTransient == true)
        }
    }

    @Test("a server that rejects EHLO is greeted with HELO instead")
    func heloFallback() async throws {
        var script = FakeSMTPServer.Script()
        script.replies["EHLO"] = "502 5.5.2 what?"
        try await withFakeSMTPServer(script) { server in
            try await SMTPMailer(configuration: configuration(port: server.port)).send(notification())
            #expect(
                server.commands.prefix(3) == [
                    "EHLO client.homeward.test", "HELO client.homeward.test", "MAIL FROM:<bureau@homeward.test>",
                ])
        }
    }

    @Test("STARTTLS required but not offered: nothing more than EHLO and QUIT is sent")
    func startTLSNotOffered() async throws {
        var script = FakeSMTPServer.Script()
        script.ehlo = "250-fake.test\r\n250 AUTH PLAIN"
        try await withFakeSMTPServer(script) { server in
            let configuration = configuration(port: server.port, security: .startTLS, username: "bureau", password: "secret")
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration).send(notification())
            }
            #expect(error?.kind == .startTLSNotOffered)
            #expect(server.commands == ["EHLO client.homeward.test", "QUIT"])
        }
    }

    @Test("plaintext slipped in after the STARTTLS reply is refused, not read as if it came over TLS")
    func startTLSInjection() async throws {
        var script = FakeSMTPServer.Script()
        script.ehlo = "250-fake.test\r\n250 STARTTLS"
        script.replies["STARTTLS"] = "220 2.0.0 go ahead\r\n250 2.0.0 injected"
        try await withFakeSMTPServer(script) { server in
            let configuration = configuration(port: server.port, security: .startTLS, timeout: .seconds(5))
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration).send(notification())
            }
            // Both replies travel in one segment, so the reader still holds the injected one when TLS would begin.
            #expect(error?.kind == .protocolViolation)
            #expect(error?.command == "STARTTLS")
            #expect(server.commands == ["EHLO client.homeward.test", "STARTTLS"])
        }
    }

    @Test("implicit TLS against a server speaking plaintext fails as a connection error, with nothing sent in clear")
    func implicitTLSAgainstPlaintext() async throws {
        try await withFakeSMTPServer { server in
            let configuration = configuration(
                port: server.port,
                security: .tls,
                username: "bureau",
                password: "secret",
                timeout: .seconds(5)
            )
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration).send(notification())
            }
            #expect(error?.kind == .connectionFailed)
            #expect(!server.lines.contains { $0.contains("EHLO") || $0.contains("AUTH") || $0.contains("MAIL") })
        }
    }

    @Test("after STARTTLS nothing more travels in clear text, so a server that cannot do TLS never sees the credentials")
    func startTLSWithoutTLS() async throws {
        var script = FakeSMTPServer.Script()
        script.ehlo = "250-fake.test\r\n250-STARTTLS\r\n250 AUTH PLAIN"
        try await withFakeSMTPServer(script) { server in
            let configuration = configuration(
                port: server.port,
                security: .startTLS,
                username: "bureau",
                password: "secret",
                // Long enough for a loaded machine to get through EHLO and STARTTLS before the deadline.
                timeout: .seconds(5)
            )
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration).send(notification())
            }
            // The fake server answers a ClientHello with silence or a plaintext complaint; both end the conversation.
            #expect(error?.kind == .connectionFailed || error?.kind == .timedOut)
            #expect(Array(server.lines.prefix(2)) == ["EHLO client.homeward.test", "STARTTLS"])
            #expect(!server.lines.contains { $0.contains("AUTH") || $0.contains("MAIL") || $0.contains("AGJ1cmVhdQBzZWNyZXQ=") })
        }
    }

    @Test("a server that never replies times out after the configured time and the error says so")
    func silentServerTimesOut() async throws {
        var script = FakeSMTPServer.Script()
        script.greeting = nil
        try await withFakeSMTPServer(script) { server in
            let started = ContinuousClock.now
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration(port: server.port, timeout: .milliseconds(300)))
                    .send(notification())
            }
            let elapsed = ContinuousClock.now - started
            #expect(error?.kind == .timedOut)
            #expect(error?.isTransient == true)
            // Not before the deadline; after it, however late a loaded machine gets round to it.
            #expect(elapsed >= .milliseconds(290) && elapsed < .seconds(30), "\(elapsed)")
        }
    }

    @Test("a server that stops answering mid-conversation times out too, naming the command")
    func stalledServerTimesOut() async throws {
        var script = FakeSMTPServer.Script()
        script.replies["DATA"] = ""
        try await withFakeSMTPServer(script) { server in
            // Long enough for a loaded machine to reach DATA before the deadline.
            let error = await #expect(throws: SMTPError.self) {
                try await SMTPMailer(configuration: configuration(port: server.port, timeout: .seconds(5)))
                    .send(notification())
            }
            #expect(error?.kind == .timedOut)
            #expect(error?.command == "DATA")
        }
    }

    @Test("nothing listening: a connection error, reported as transient")
    func connectionRefused() async throws {
        // Take a free port and close it again, so that nothing listens there.
        let port = try await withFakeSMTPServer { $0.port }
        let error = await #expect(throws: SMTPError.self) {
            try await SMTPMailer(configuration: configuration(port: port)).send(notification())
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isTransient == true)
    }

    @Test("a message that cannot be written safely fails before any connection is made")
    func invalidMessageFailsEarly() async throws {
        try await withFakeSMTPServer { server in
            var mail = try notification()
            mail.messageID = "abc@example.org>\r\nBcc: <evil@example.org"
            await #expect(throws: MailFormatError.self) {
                try await SMTPMailer(configuration: configuration(port: server.port)).send(mail)
            }
            mail.messageID = nil
            mail.to = []
            await #expect(throws: MailFormatError.self) {
                try await SMTPMailer(configuration: configuration(port: server.port)).send(mail)
            }
            #expect(server.lines.isEmpty)
        }
    }
}
