import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Testing

@testable import HomewardServer

@Suite("Exports: a search as CSV, PFIF, Art. 122 batches, capture cards")
struct ExportPagesTests {
    /// A prisoner we hold, captured at a known place and held in a known camp.
    func prisoner(_ database: HomewardDatabase) async throws -> UUID {
        let register = database.register(actor: "test", clock: { testNow })
        let camp = try await register.createFacility(
            FacilityDraft(name: "Табір № 1", kind: .camp, location: "Львівська область", controlledBy: .own))
        let person = try await register.createPerson(
            PersonDraft(
                affiliation: .adversary, category: .servicemember,
                identity: PersonIdentity(
                    name: PersonName(surname: "Иванов", givenNames: "Сергей", patronymic: "Петрович", language: .russian),
                    dateOfBirth: try PartialDate(year: 1985, month: 3, day: 2), rank: "рядовой", serviceNumber: "РФ-123")))
        _ = try await register.appendEvent(
            to: person.id,
            EventDraft(
                kind: .captured, date: try PartialDate(year: 2024, month: 3, day: 12), place: "Авдіївка", credibility: .confirmed)
        )
        _ = try await register.appendEvent(
            to: person.id,
            EventDraft(
                kind: .heldAt, date: try PartialDate(year: 2024, month: 3, day: 20), facilityID: camp.id, credibility: .confirmed)
        )
        return person.id
    }

    @Test("a search downloads as CSV with what the table shows, and the download is audited")
    func searchCSV() async throws {
        try await withWeb(.sqlite) { web in
            var browser = try await web.signedIn(.analyst)
            let answer = try await web.get("/search/export.csv?q=%D0%9F%D0%B5%D1%82%D1%80%D0%B5%D0%BD%D0%BA%D0%BE", &browser)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(answer.headers[.contentDisposition]?.contains("attachment") == true)
            let lines = answer.body.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines[1].contains("Петренко"))
            let audit = try await web.database.auditEntries(
                AuditFilter(actor: "user:analyst", action: "person.list"), offset: 0, limit: 5)
            #expect(audit.items.contains { $0.detail.contains("as CSV") })
        }
    }

    @Test("Art. 122: who is waiting, a batch kept exactly as made, recorded as sent once")
    func ctaBatch() async throws {
        try await withWeb(.sqlite) { web in
            let person = try await prisoner(web.database)
            var browser = try await web.signedIn(.registrar)
            var page = try await web.get("/notifications/cta", &browser)
            #expect(page.status == .ok)
            #expect(page.body.contains("Иванов Сергей Петрович"))
            #expect(page.body.contains("father&#39;s first name") || page.body.contains("father's first name"))

            let made = try await web.post("/notifications/cta", [:], &browser)
            #expect(made.status == .seeOther)
            let register = web.database.register(actor: "test")
            let batches = try await register.notificationBatches(kind: .ctaArticle122, offset: 0, limit: 5).items
            #expect(batches.count == 1)
            let batch = try #require(batches.first)
            #expect(batch.persons == 1)
            #expect(batch.sentAt == nil)

            let file = try await web.get("/notifications/cta/\(batch.id.uuidString)/file", &browser)
            #expect(file.status == .ok)
            #expect(file.body.contains("Прізвище / Surname"))
            #expect(file.body.contains("Иванов"))
            #expect(file.body.contains("Авдіївка"))
            #expect(file.body.contains("Табір № 1, Львівська область"))
            #expect(Secrets.sha256Hex(bytes: Array(file.body.utf8)) == batch.checksum)

            let named = try await register.notifiedPersons(kind: .ctaArticle122)
            #expect(named[person] != nil && (named[person] ?? nil) == nil, "named in a batch not sent yet")
            page = try await web.get("/notifications/cta", &browser)
            #expect(!page.body.contains("id=\"cta-create\""), "no one waits once everyone is in a batch")
            let sent = try await web.post(
                "/notifications/cta/\(batch.id.uuidString)/sent", ["recipient": "ICRC CTA, Geneva"], &browser)
            #expect(sent.status == .seeOther)
            let again = try await web.post(
                "/notifications/cta/\(batch.id.uuidString)/sent", ["recipient": "ICRC CTA, Geneva"], &browser)
            #expect(again.status == .conflict)
            let notified = try await register.notifiedPersons(kind: .ctaArticle122)
            #expect((notified[person] ?? nil) != nil, "the person's batch was sent")
            #expect(try await register.notificationBatch(batch.id).batch.sentTo == "ICRC CTA, Geneva")
        }
    }

    @Test("the capture card prints in the prisoner's language and ours, with no script allowed")
    func captureCard() async throws {
        try await withWeb(.sqlite) { web in
            let person = try await prisoner(web.database)
            var browser = try await web.signedIn(.viewer)
            let card = try await web.get("/persons/\(person.uuidString)/capture-card", &browser)
            #expect(card.status == .ok)
            #expect(card.body.contains("Иванов"))
            #expect(card.body.contains("Авдіївка"))
            #expect(card.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(!card.body.contains("<script"))
        }
    }

    @Test("PFIF 1.4 of our own people, for the liaison officer only")
    func pfif() async throws {
        try await withWeb(.sqlite) { web in
            var liaison = try await web.signedIn(.liaison)
            let document = try await web.get("/exports/pfif.xml", &liaison)
            #expect(document.status == .ok)
            #expect(document.body.contains("<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">"))
            #expect(document.body.contains("<pfif:family_name>Петренко</pfif:family_name>"))
            var registrar = try await web.signedIn(.registrar)
            #expect(try await web.get("/exports/pfif.xml", &registrar).status == .forbidden)
        }
    }
}
