import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Testing

@Suite("Inquiries in the store: filed, linked, answered, notified")
struct InquiryStoreTests {
    static func draft(email: String? = "hanna@example.org") -> InquiryDraft {
        InquiryDraft(
            applicant: Applicant(
                name: PersonName(surname: "Петренко", givenNames: "Ганна", language: .ukrainian),
                dateOfBirth: PartialDate("1962-03-08")!, relationship: .mother, email: email, phone: "+380 44 000 00 00"),
            sought: SoughtParticulars(
                name: PersonName(surname: "Петренко", givenNames: "Олександр", patronymic: "Миколайович", language: .ukrainian),
                dateOfBirth: PartialDate("1987-05-04"), lastSeenPlace: "Авдіївка"),
            consent: true, channel: .publicForm)
    }

    @Test(
        "a filed inquiry is answered by level only after code and date of birth, and every answer is kept",
        arguments: TestBackend.all)
    func statusCheck(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister(actor: "public")
            let inquiry = try await register.fileInquiry(Self.draft())
            #expect(CaseCode.normalised(inquiry.caseCode) == inquiry.caseCode)
            let born = PartialDate("1962-03-08")!
            #expect(
                try await register.publicStatus(caseCode: inquiry.caseCode.lowercased(), applicantDateOfBirth: born)
                    == .notInRegister)
            #expect(
                try await register.publicStatus(caseCode: inquiry.caseCode, applicantDateOfBirth: PartialDate("1962-08-03")!)
                    == nil)
            #expect(try await register.publicStatus(caseCode: "2222-2222-2", applicantDateOfBirth: born) == nil)
            #expect(try await register.answers(of: inquiry.id).map(\.channel) == [.publicPage])
            // Stored as typed: a hostile name is kept verbatim, for the pages to escape.
            var hostile = Self.draft()
            hostile.sought.name.surname = "<img src=x onerror=alert(1)>"
            let kept = try await register.fileInquiry(hostile)
            #expect(try await register.inquiry(kept.id).sought.name.surname == "<img src=x onerror=alert(1)>")
        }
    }

    @Test(
        "linking and every later change of status put one notification in the outbox; a death asks to contact the bureau",
        arguments: TestBackend.all)
    func notifications(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister(actor: "user:liaison")
            let person = try await register.createPerson(petrenko())
            var inquiry = try await register.fileInquiry(Self.draft())
            let message: @Sendable (Inquiry, AnswerLevel) -> (subject: String, body: String) = { inquiry, level in
                ("\(inquiry.caseCode): \(level.rawValue)", "level \(level.rawValue)")
            }
            #expect(try await register.queueStatusNotifications(message).isEmpty)
            let auditBefore = try await database.auditEntries(AuditFilter(action: "inquiry.notify"), offset: 0, limit: 5).total
            #expect(auditBefore == 0)

            // Whatever a sweep reads changes the fingerprint the notifications service compares.
            var fingerprint = try await register.notificationFingerprint()
            inquiry = try await register.linkInquiry(inquiry.id, to: person.id, expectedVersion: inquiry.version)
            #expect(try await register.notificationFingerprint() != fingerprint)
            fingerprint = try await register.notificationFingerprint()
            await #expect(throws: StoreError.self) {
                _ = try await register.linkInquiry(inquiry.id, to: nil, expectedVersion: 1)
            }
            var queued = try await register.queueStatusNotifications(message)
            #expect(queued.map(\.level) == [.noInformation])
            #expect(queued.first?.recipient == "hanna@example.org")
            #expect(try await register.queueStatusNotifications(message).isEmpty)

            _ = try await register.appendEvent(to: person.id, event(.captivityConfirmed, "2024-05-01", .confirmed))
            #expect(try await register.notificationFingerprint() != fingerprint)
            // A sweep about other persons does not read this family's inquiry; one about this person does.
            #expect(try await register.queueStatusNotifications(about: [UUID()], message).isEmpty)
            queued = try await register.queueStatusNotifications(about: [person.id], message)
            #expect(queued.map(\.level) == [.captivityConfirmed])
            _ = try await register.appendEvent(to: person.id, event(.died, "2025-01-01", .confirmed))
            queued = try await register.queueStatusNotifications(message)
            #expect(queued.map(\.level) == [.contactTheBureau])
            #expect(!queued[0].body.contains("deceased"))

            // Each newer message withdrew the older one not yet sent: one waits, two are kept as withdrawn.
            #expect(try await register.outbox(pendingOnly: true, offset: 0, limit: 10).total == 1)
            let withdrawn = try await register.outbox(pendingOnly: false, offset: 0, limit: 10).items.filter {
                $0.sentBy == "system:superseded"
            }
            #expect(Set(withdrawn.map(\.level)) == [.noInformation, .captivityConfirmed])
            let sent = try await register.markOutboxSent(queued[0].id, via: .telephone)
            #expect(sent.sentBy == "user:liaison")
            await #expect(throws: StoreError.self) { _ = try await register.markOutboxSent(queued[0].id, via: .email) }
            #expect(try await register.outbox(pendingOnly: true, offset: 0, limit: 10).total == 0)
            #expect(try await register.answers(of: inquiry.id).map(\.channel) == [.telephone])
            #expect(try await register.inquiries(linked: true, offset: 0, limit: 5).total == 1)
        }
    }

    @Test("an inquiry without consent or any way to answer is refused, and nothing is kept", arguments: [TestBackend.sqlite])
    func refused(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister(actor: "public")
            var draft = Self.draft(email: nil)
            draft.applicant.phone = nil
            draft.consent = false
            do {
                _ = try await register.fileInquiry(draft)
                Issue.record("filed")
            } catch let error as ValidationError {
                #expect(error.issues.map(\.field) == ["applicant.contact", "consent"])
            }
            #expect(try await register.inquiries(linked: nil, offset: 0, limit: 5).total == 0)
        }
    }
}
