import Foundation
import HTTPTypes
import HomewardCore
import HomewardMail
import HomewardStore
import HomewardTestSupport
import NIOCore
import Testing

@testable import HomewardServer

extension WebHarness {
    /// Opens a public form's page and keeps its form token, as a family's browser does.
    func publicForm(_ uri: String, _ browser: inout Browser) async throws -> String {
        let page = try await get(uri, &browser)
        #expect(page.status == .ok)
        return try #require(Self.value(of: "_form", in: page.body))
    }

    /// Posts the inquiry form as `multipart/form-data`, with its documents.
    func postInquiry(
        _ fields: [String: String], documents: [(name: String, bytes: [UInt8])] = [], _ browser: inout Browser
    ) async throws -> Answer {
        try await postMultipart(
            "/inquiries/new", fields: fields, files: documents.map { ("documents", $0.name, $0.bytes) }, browser)
    }

    /// The status check as a family types it.
    func checkStatus(code: String, born: String, _ browser: inout Browser) async throws -> Answer {
        let token = try await publicForm("/inquiries/status", &browser)
        return try await request(
            .post, "/inquiries/status", form: ["_form": token, "caseCode": code, "dateOfBirth": born], browser: &browser)
    }
}

@Suite("Families' pages: the public inquiry, matching and linking, answers and the outbox, the status check")
struct InquiryPagesTests {
    static let hostile = "<script>alert('x')</script>"
    static let pdf = Array("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n".utf8)

    /// What a mother types on the public form about her son.
    static func motherAsks(token: String, surname: String = "Петренко") -> [String: String] {
        [
            "_form": token,
            "sought.name.surname": surname, "sought.name.givenNames": "Сашко", "sought.dateOfBirth": "05.04.1987",
            "sought.lastSeenPlace": "Авдіївка", "sought.circumstances": "Зв'язок зник 12 лютого.\nБільше нічого.",
            "applicant.name.surname": "Петренко", "applicant.name.givenNames": hostile,
            "applicant.dateOfBirth": "08.03.1962", "applicant.relationship": "mother",
            "applicant.email": "hanna@example.org", "consent": "yes", "website": "",
        ]
    }

    static func caseCode(in page: String) throws -> String {
        let start = try #require(page.range(of: "id=\"case-code\">"))
        let rest = page[start.upperBound...]
        return String(rest[..<(rest.firstIndex(of: "<") ?? rest.endIndex)])
    }

    @Test(
        "a relative files on the public page, a liaison links the match, a status change reaches the outbox and the status check",
        arguments: TestBackend.all)
    func fromFilingToAnswer(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            var family = WebHarness.Browser()
            let token = try await web.publicForm("/inquiries/new", &family)
            let filed = try await web.postInquiry(
                Self.motherAsks(token: token), documents: [("свідоцтво.pdf", Self.pdf)], &family)
            #expect(filed.status == .ok, "\(filed.body)")
            let code = try Self.caseCode(in: filed.body)
            #expect(CaseCode.normalised(code) == code)
            // Escaped on the way out, never run.
            #expect(!filed.body.contains(Self.hostile))

            var liaison = try await web.signedIn(.liaison)
            let queue = try await web.get("/inquiries", &liaison)
            #expect(queue.status == .ok)
            #expect(queue.body.contains(code))
            #expect(queue.body.contains("&lt;script&gt;") && !queue.body.contains(Self.hostile))
            let register = web.database.register(actor: "test", clock: { testNow })
            let inquiry = try #require(try await register.inquiries(linked: false, offset: 0, limit: 10).items.first)
            // Kept exactly as typed, line breaks and all.
            #expect(inquiry.applicant.name.givenNames == Self.hostile)
            #expect(inquiry.sought.circumstances == "Зв'язок зник 12 лютого.\nБільше нічого.")
            #expect(inquiry.applicant.language == "uk")

            let page = try await web.get("/inquiries/\(inquiry.id)", &liaison)
            #expect(page.status == .ok)
            #expect(page.body.contains("value=\"\(web.sample.person.uuidString)\""), "the sought person is a candidate")
            #expect(page.body.contains("свідоцтво.pdf"))
            let documents = try await register.documents(of: inquiry.id)
            let download = try await web.get("/inquiries/\(inquiry.id)/documents/\(documents[0].id)", &liaison)
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(Array(download.body.utf8) == Self.pdf)
            var viewer = try await web.signedIn(.viewer)
            #expect(try await web.get("/inquiries/\(inquiry.id)/documents/\(documents[0].id)", &viewer).status == .forbidden)

            // Linked after review: the applicant is owed the person's level at once.
            let linked = try await web.post(
                "/inquiries/\(inquiry.id)/link", ["personId": web.sample.person.uuidString, "version": "1"], &liaison)
            #expect(linked.status == .seeOther)
            var outbox = try await register.outbox(pendingOnly: true, offset: 0, limit: 10).items
            #expect(outbox.map(\.level) == [.noInformation])
            #expect(outbox.first?.recipient == "hanna@example.org")
            #expect(outbox.first?.subject.contains(code) == true)
            // The person's page tells those who answer families who asked; other readers do not see it.
            #expect(try await web.get("/persons/\(web.sample.person)", &liaison).body.contains(code))
            #expect(!(try await web.get("/persons/\(web.sample.person)", &viewer).body.contains(code)))
            // The same stale form again conflicts visibly rather than overwriting.
            let stale = try await web.post("/inquiries/\(inquiry.id)/unlink", ["version": "1"], &liaison)
            #expect(stale.status == .conflict)

            // A registrar records the ICRC's confirmation: the family is owed the new level.
            var registrar = try await web.signedIn(.registrar)
            let event = try await web.post(
                "/persons/\(web.sample.person)/events/new",
                ["kind": "captivity-confirmed", "credibility": "2", "date": "2025-10-01"],
                &registrar)
            #expect(event.status == .seeOther, "\(event.body)")
            outbox = try await register.outbox(pendingOnly: true, offset: 0, limit: 10).items
            // The message the link queued is withdrawn, unsent: the family hears where things stand now.
            #expect(outbox.map(\.level) == [.captivityConfirmed])
            let withdrawn = try await register.outbox(pendingOnly: false, offset: 0, limit: 10).items.filter {
                $0.sentBy == "system:superseded"
            }
            #expect(withdrawn.map(\.level) == [.noInformation])
            let confirmed = try #require(outbox.first)
            let outboxPage = try await web.get("/outbox", &liaison)
            #expect(outboxPage.body.contains(code))
            let sent = try await web.post("/outbox/\(confirmed.id)/sent", ["via": "telephone"], &liaison)
            #expect(sent.status == .seeOther)
            #expect(try await web.post("/outbox/\(confirmed.id)/sent", ["via": "telephone"], &liaison).status == .conflict)

            // The family checks: the level and its explanation, nothing of sources or other people.
            var later = WebHarness.Browser()
            let status = try await web.checkStatus(code: code.lowercased(), born: "1962-03-08", &later)
            #expect(status.status == .ok)
            #expect(status.body.contains("id=\"status-level\">Полон підтверджено МКЧХ<"))
            #expect(!status.body.contains("Список") && !status.body.contains("Миколайович"))
            let wrong = try await web.checkStatus(code: code, born: "1962-08-03", &later)
            #expect(wrong.status == .notFound)
            let unknown = try await web.checkStatus(code: "2222-2222-2", born: "1962-03-08", &later)
            #expect(unknown.status == .notFound)
            // Unknown code and wrong date read the same: the page does not say which was wrong.
            #expect(Self.errorBox(wrong.body) == Self.errorBox(unknown.body))

            let answers = try await register.answers(of: inquiry.id)
            #expect(answers.map(\.channel) == [.telephone, .publicPage])
            let audit = try await web.database.auditEntries(AuditFilter(entity: "inquiry"), offset: 0, limit: 50).items
            #expect(
                Set(audit.map(\.action)).isSuperset(of: [
                    "inquiry.create", "inquiry.view", "inquiry.link", "inquiry.document.view",
                ]))
        }
    }

    static func errorBox(_ page: String) -> String? {
        guard let start = page.range(of: "id=\"status-error\">") else { return nil }
        let rest = page[start.upperBound...]
        return String(rest[..<(rest.firstIndex(of: "<") ?? rest.endIndex)])
    }

    @Test("forged, robotic, malformed and oversized requests are refused and store nothing", arguments: [TestBackend.sqlite])
    func hardenedPublicForm(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            var family = WebHarness.Browser()
            let token = try await web.publicForm("/inquiries/new", &family)
            let register = web.database.register(actor: "test", clock: { testNow })

            // Another site's form carries no token this browser's cookie matches.
            var forged = Self.motherAsks(token: token)
            forged["_form"] = String(repeating: "0", count: 64)
            #expect(try await web.postInquiry(forged, &family).status == .forbidden)
            var elsewhere = WebHarness.Browser()
            #expect(try await web.postInquiry(Self.motherAsks(token: token), &elsewhere).status == .forbidden)

            // A program fills the field people cannot see: thanked, not stored, given no code.
            var robot = Self.motherAsks(token: token)
            robot["website"] = "http://spam.example"
            let dropped = try await web.postInquiry(robot, &family)
            #expect(dropped.status == .ok && !dropped.body.contains("case-code"))

            // Every problem at once, each beside its field; what was typed stays.
            var incomplete = Self.motherAsks(token: token)
            incomplete["consent"] = nil
            incomplete["applicant.email"] = nil
            incomplete["sought.dateOfBirth"] = "31.02.1987"
            let refused = try await web.postInquiry(
                incomplete, documents: [("letter.docx", Array("PK\u{3}\u{4}word".utf8))], &family)
            #expect(refused.status == .unprocessableContent)
            for id in ["consent-error", "applicant-contact-error", "sought-dateOfBirth-error", "documents-error"] {
                #expect(refused.body.contains("id=\"\(id)\""), "no message for \(id)")
            }
            #expect(refused.body.contains("letter.docx не є файлом PDF, JPEG чи PNG."))
            #expect(refused.body.contains("value=\"Авдіївка\""))

            // A body beyond what three documents need is refused before it is read.
            let huge = [UInt8](repeating: 0x25, count: Site.fileInquiry.uploadLimit + 1)
            #expect(
                try await web.postInquiry(Self.motherAsks(token: token), documents: [("big.pdf", huge)], &family).status
                    == .contentTooLarge)
            let tooBig = Array("%PDF-".utf8) + [UInt8](repeating: 0x20, count: KinshipDocument.maximumBytes)
            let oneTooBig = try await web.postInquiry(Self.motherAsks(token: token), documents: [("scan.pdf", tooBig)], &family)
            #expect(oneTooBig.status == .unprocessableContent)
            #expect(try await register.inquiries(linked: nil, offset: 0, limit: 1).total == 0)

            // Five filings an hour from one address; the sixth waits.
            for _ in 0..<5 {
                #expect(try await web.postInquiry(Self.motherAsks(token: token), &family).status == .ok)
            }
            let sixth = try await web.postInquiry(Self.motherAsks(token: token), &family)
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.headers[.retryAfter] != nil)
            #expect(try await register.inquiries(linked: nil, offset: 0, limit: 1).total == 5)
            // Staff at the desk file for families without the public limit.
            var liaison = try await web.signedIn(.liaison)
            let atDesk = try await web.publicForm("/inquiries/new", &liaison)
            let desk = try await web.postInquiry(Self.motherAsks(token: atDesk), &liaison)
            #expect(desk.status == .seeOther)
            #expect(try await register.inquiries(linked: nil, offset: 0, limit: 10).items.contains { $0.channel == .liaison })
        }
    }

    @Test("guessing at codes and dates is cut off, by address and by code", arguments: [TestBackend.sqlite])
    func enumeration(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let register = web.database.register(actor: "test", clock: { testNow })
            let inquiry = try await register.fileInquiry(
                InquiryDraft(
                    applicant: Applicant(
                        name: PersonName(surname: "Петренко", givenNames: "Ганна", language: .ukrainian),
                        dateOfBirth: PartialDate("1962-03-08")!, relationship: .mother, email: "hanna@example.org"),
                    sought: SoughtParticulars(name: PersonName(surname: "Петренко", language: .ukrainian)),
                    consent: true, channel: .publicForm))
            var guesser = WebHarness.Browser()
            // A mistyped code is told apart (its check character), and costs no try against the code.
            let mistyped = try await web.checkStatus(code: "ABCD-EFGH-J", born: "1962-03-08", &guesser)
            #expect(mistyped.status == .unprocessableContent)
            // Five wrong dates against one code, then even the right one waits.
            for day in 1...5 {
                let answer = try await web.checkStatus(code: inquiry.caseCode, born: "1962-03-1\(day)", &guesser)
                #expect(answer.status == .notFound)
            }
            var owner = WebHarness.Browser()
            #expect(try await web.checkStatus(code: inquiry.caseCode, born: "1962-03-08", &owner).status == .tooManyRequests)
            // Ten checks from one address in a quarter of an hour; the eleventh is refused unread.
            for _ in 0..<4 { _ = try await web.checkStatus(code: "2222-2222-2", born: "1962-03-08", &guesser) }
            let refused = try await web.checkStatus(code: "2222-2222-2", born: "1962-03-08", &guesser)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(!refused.body.contains("Trace") && !refused.body.contains(".swift"))
        }
    }

    @Test(
        "a death is never on a page or in a message: the family is asked to contact the bureau", arguments: [TestBackend.sqlite])
    func deathIsToldByStaff(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let register = web.database.register(actor: "test", clock: { testNow })
            var inquiry = try await register.fileInquiry(
                InquiryDraft(
                    applicant: Applicant(
                        name: PersonName(surname: "Петренко", givenNames: "Ганна", language: .ukrainian),
                        dateOfBirth: PartialDate("1962-03-08")!, relationship: .mother, email: "hanna@example.org",
                        language: "en"),
                    sought: SoughtParticulars(name: PersonName(surname: "Петренко", language: .ukrainian)),
                    consent: true, channel: .publicForm))
            inquiry = try await register.linkInquiry(inquiry.id, to: web.sample.person, expectedVersion: inquiry.version)
            _ = try await register.appendEvent(
                to: web.sample.person, EventDraft(kind: .died, date: PartialDate("2025-09-01"), credibility: .confirmed))
            var liaison = try await web.signedIn(.liaison)
            let page = try await web.get("/inquiries/\(inquiry.id)", &liaison)
            #expect(page.body.contains("id=\"level-owed\">Deceased (told by staff only)<"))
            let outbox = Outbox(
                database: web.database, configuration: ServerConfiguration(), deliver: nil, clock: { testNow },
                logger: testLogger())
            let queued = try await outbox.sweep()
            #expect(queued.map(\.level) == [.contactTheBureau])
            let message = try #require(queued.first)
            #expect(message.body.contains("Please contact the bureau's family liaison"))
            #expect(!message.body.lowercased().contains("died") && !message.body.lowercased().contains("death"))
            var family = WebHarness.Browser()
            let status = try await web.checkStatus(code: inquiry.caseCode, born: "1962-03-08", &family)
            #expect(status.body.contains("id=\"status-level\">Будь ласка, зверніться до бюро<"))
        }
    }

    @Test("the outbox e-mails what it can, retries later on failure, and leaves the rest to staff", arguments: TestBackend.all)
    func delivery(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.register(actor: "test", clock: { testNow })
            let person = try await register.createPerson(
                PersonDraft(
                    affiliation: .own, category: .servicemember,
                    identity: PersonIdentity(name: PersonName(surname: "Петренко", language: .ukrainian))))
            // An address the mail server can take, one it never can (not ASCII), and a telephone number.
            for contact in ["hanna@example.org", "мати@пошта.укр", "+380 44 000 00 00"] {
                let isEmail = contact.contains("@")
                let inquiry = try await register.fileInquiry(
                    InquiryDraft(
                        applicant: Applicant(
                            name: PersonName(surname: "Петренко", givenNames: "Ганна", language: .ukrainian),
                            dateOfBirth: PartialDate("1962-03-08")!, relationship: .mother, email: isEmail ? contact : nil,
                            phone: isEmail ? nil : contact),
                        sought: SoughtParticulars(name: PersonName(surname: "Петренко", language: .ukrainian)),
                        consent: true, channel: .publicForm))
                _ = try await register.linkInquiry(inquiry.id, to: person.id, expectedVersion: inquiry.version)
            }
            let mailbox = Mailbox()
            var configuration = ServerConfiguration()
            configuration.publicURL = "https://homeward.bureau.example"
            let bureau = try MailAddress("bureau@example.org")
            let failing = Outbox(
                database: database, configuration: configuration, deliver: { _ in throw MailboxClosed() },
                clock: { testNow }, logger: testLogger())
            #expect(try await failing.sweep().count == 3)
            #expect(try await failing.deliverDue() == (0, 2))
            let tried = try await register.outbox(pendingOnly: true, offset: 0, limit: 5).items.filter { $0.attempts == 1 }
            #expect(tried.count == 2)
            #expect(tried.allSatisfy { $0.lastError?.contains("MailboxClosed") == true })
            #expect(tried.allSatisfy { $0.nextAttemptAt == testNow.addingTimeInterval(120) })
            // Not due yet: nothing is tried again before its time.
            #expect(try await failing.deliverDue() == (0, 0))

            // What the server's SMTP transport would be handed, converted as it converts it.
            let working = Outbox(
                database: database, configuration: configuration,
                deliver: { message in
                    _ = try Outbox.mail(message, from: bureau)
                    await mailbox.keep(message)
                },
                clock: { testNow.addingTimeInterval(121) }, logger: testLogger())
            #expect(try await working.deliverDue() == (1, 1))
            let delivered = await mailbox.messages
            #expect(delivered.map(\.recipient) == ["hanna@example.org"])
            #expect(delivered.first?.body.contains("https://homeward.bureau.example/inquiries/status") == true)
            // An address no mail server will take is not tried again: it waits for staff, with the reason.
            let later = Outbox(
                database: database, configuration: configuration, deliver: { await mailbox.keep($0) },
                clock: { testNow.addingTimeInterval(86_400) }, logger: testLogger())
            #expect(try await later.deliverDue() == (0, 0))
            let waiting = try await register.outbox(pendingOnly: true, offset: 0, limit: 5).items
            #expect(Set(waiting.map(\.recipient)) == ["мати@пошта.укр", "+380 44 000 00 00"])
            #expect(waiting.first { $0.recipient.contains("@") }?.nextAttemptAt == nil)
            let answers = try await register.answers(of: try #require(delivered.first).inquiryID)
            #expect(answers.map(\.channel) == [.email])
        }
    }

    @Test("the rate limiter counts a sliding window per key")
    func rateLimiter() {
        let limiter = RateLimiter(limit: 2, window: 60, capacity: 2)
        let start = testNow
        #expect(limiter.attempt("a", now: start).allowed)
        #expect(limiter.attempt("a", now: start.addingTimeInterval(10)).allowed)
        let third = limiter.attempt("a", now: start.addingTimeInterval(20))
        #expect(!third.allowed && third.retryAfter == 40)
        #expect(limiter.attempt("b", now: start.addingTimeInterval(20)).allowed)
        #expect(limiter.attempt("a", now: start.addingTimeInterval(61)).allowed)
        // A third key past capacity drops those whose window has passed, not those still counting.
        #expect(limiter.attempt("c", now: start.addingTimeInterval(85)).allowed)
        #expect(limiter.attempt("a", now: start.addingTimeInterval(86)).allowed)
        #expect(!limiter.hasRoom("a", now: start.addingTimeInterval(87)))
        // An attempt counted in advance and taken back leaves room again.
        limiter.forget("a", at: start.addingTimeInterval(86))
        #expect(limiter.hasRoom("a", now: start.addingTimeInterval(87)))
    }
}

/// The mail boundary: what would have been sent.
actor Mailbox {
    private(set) var messages: [OutboxMessage] = []
    func keep(_ message: OutboxMessage) { messages.append(message) }
}

struct MailboxClosed: Error {}
