import Foundation
import HTTPTypes
import HomewardCore
import HomewardInterop
import HomewardStore
import Hummingbird
import NIOCore

/// What leaves the bureau: a search as a spreadsheet, the register for tracing partners (PFIF), the
/// Art. 122 notifications to the Central Tracing Agency and the capture cards.
extension WebApplication {
    /// The most persons one export from the browser holds; the `homeward export` command has no limit.
    static let exportLimit = 20_000

    // MARK: A search as CSV

    func searchExport(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let text = page.rawQuery("q")
        var facets: [String] = []
        for name in ["affiliation", "status", "category", "source"] {
            if let value = page.query(name) { facets.append("\(name):\(value)") }
        }
        let (_, persons) = try await search.search(text, facets: facets, limit: Self.exportLimit)
        try await register(page).noteListing(
            entity: "person",
            query: "export \(persons.count) persons as CSV: search \"\(text)\""
                + (facets.isEmpty ? "" : " " + facets.joined(separator: " ")))
        var rows: [[String]] = [
            [
                "id", t["field_surname"], t["field_givenNames"], t["field_patronymic"], t["field_dateOfBirth"],
                t["field_status"], t["field_affiliation"], t["field_category"], t["export_other_names"],
            ]
        ]
        for person in persons {
            let name = person.names.first ?? []
            rows.append([
                person.id.uuidString, name.count > 0 ? name[0] : "", name.count > 1 ? name[1] : "",
                name.count > 2 ? name[2] : "", person.displayDateOfBirth ?? "", t["status_\(person.status.rawValue)"],
                t["affiliation_\(person.affiliation.rawValue)"], t["category_\(person.category.rawValue)"],
                person.names.dropFirst().map { $0.filter { !$0.isEmpty }.joined(separator: " ") }.joined(separator: "; "),
            ])
        }
        // A byte order mark, so that spreadsheet programs read the Cyrillic as UTF-8.
        let bytes = TextEncoding.utf8.byteOrderMark + CSVWriter.spreadsheetSafeBytes(for: rows)
        return download(bytes, name: "homeward-search.csv", type: "text/csv; charset=utf-8")
    }

    // MARK: PFIF

    func pfifExport(_ page: PageRequest) async throws -> Response {
        let register = try register(page)
        let affiliation = page.query("affiliation").flatMap(Affiliation.init(rawValue:)) ?? .own
        let dossiers = try await register.dossiers(PersonFilter(affiliation: affiliation), offset: 0, limit: Self.exportLimit)
        try await register.noteListing(
            entity: "person", query: "export \(dossiers.items.count) persons (\(affiliation.rawValue)) as PFIF 1.4")
        let document = try exports(register).pfifExporter.document(for: dossiers.items.map(BureauExports.pfifEntry))
        return download(Array(document.utf8), name: "homeward-pfif-\(affiliation.rawValue).xml", type: "application/xml")
    }

    func exports(_ register: Register) -> BureauExports {
        var exports = BureauExports(register: register)
        exports.bureauName = configuration.bureauName
        exports.recordDomain = configuration.recordDomain
        return exports
    }

    // MARK: Notifications to the Central Tracing Agency

    /// Those we hold and have not notified yet, what their notification lacks, and the batches made.
    func ctaPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let pending = try await exports(register).pendingArticle122()
        let batches = try await register.notificationBatches(kind: .ctaArticle122, offset: 0, limit: 50)
        try await register.noteListing(entity: "person", query: "persons held awaiting Art. 122 notification")
        let timestamp = ISO8601DateFormatter()
        let missing = CTANotificationBatch(entries: pending.entries).missingItems
        return pages.render(
            "notifications",
            [
                "error": error as Any,
                "pendingSummary": t.format("cta_pending", ["count": t.number(pending.entries.count)]),
                "pending": pending.entries.prefix(200).map { entry in
                    [
                        "name": entry.person.identity.name.fullName,
                        "link": Site.person.link(entry.person.id.uuidString),
                        "card": Site.captureCard.link(entry.person.id.uuidString),
                        "status": t["status_\(entry.person.status.rawValue)"],
                        "missing": (missing[entry.person.id] ?? []).map { t["cta_item_\($0.rawValue)"] }
                            .joined(separator: ", "),
                    ] as [String: Any]
                },
                "hasPending": !pending.entries.isEmpty,
                "createAction": Site.createCTABatch.path,
                "batches": batches.items.map { batch in
                    [
                        "created": timestamp.string(from: batch.createdAt), "by": batch.createdBy,
                        "persons": t.number(batch.persons), "file": Site.ctaBatchFile.link(batch.id.uuidString),
                        "fileName": batch.fileName, "checksum": String(batch.checksum.prefix(16)),
                        "sent": batch.sentAt.map {
                            t.format(
                                "cta_sent_on",
                                ["at": timestamp.string(from: $0), "to": batch.sentTo ?? "", "by": batch.sentBy ?? ""])
                        } as Any,
                        "sendAction": Site.markCTASent.link(batch.id.uuidString),
                    ] as [String: Any]
                },
                "hasBatches": !batches.items.isEmpty,
            ],
            for: page, title: t["cta_title"], status: status)
    }

    func createCTABatch(_ page: PageRequest) async throws -> Response {
        guard try await exports(register(page)).makeArticle122Batch(on: Validator(now: clock()).today) != nil else {
            return try await ctaPage(page, error: page.t["cta_nothing_pending"], status: .unprocessableContent)
        }
        return pages.redirect(to: Site.ctaPage.path)
    }

    func ctaBatchFile(_ page: PageRequest) async throws -> Response {
        let register = try register(page)
        let (batch, content, _) = try await register.notificationBatch(try page.id())
        try await register.noteView(entity: "notification", id: batch.id)
        return download(Array(content.utf8), name: batch.fileName, type: "text/csv; charset=utf-8")
    }

    func markCTASent(_ page: PageRequest) async throws -> Response {
        let t = page.t
        guard let recipient = page.form["recipient"] else {
            return try await ctaPage(page, error: t["cta_recipient_required"], status: .unprocessableContent)
        }
        do {
            _ = try await register(page).markNotificationSent(try page.id(), to: recipient)
        } catch StoreError.alreadyDone(let what) {
            return try await ctaPage(page, error: what, status: .conflict)
        }
        return pages.redirect(to: Site.ctaPage.path)
    }

    // MARK: Capture cards

    /// The capture card (GC III Annex IV B), ready to print, in the prisoner's language and ours.
    func captureCard(_ page: PageRequest) async throws -> Response {
        let html = try await exports(register(page)).captureCard(of: try page.id(), on: Validator(now: clock()).today)
        var headers = PageRenderer.pageHeaders
        // The card is one self-contained document with its own print styles and no scripts at all.
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    private func download(_ bytes: [UInt8], name: String, type: String) -> Response {
        var headers = PageRenderer.pageHeaders
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
