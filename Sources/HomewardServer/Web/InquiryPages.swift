import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Hummingbird

/// The families' pages and the liaison desk: a tracing request filed without an account, the
/// status check by case code, and the staff's queue, matching, answers and outbox.
extension WebApplication {
    // MARK: The public side

    /// The address the rate limits count: the connection's, or the one the proxy in front names.
    func clientAddress(_ page: PageRequest) -> String {
        if configuration.behindProxy, let forwarded = page.request.headers[HTTPField.Name("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            return last
        }
        return page.context.clientAddress
    }

    private func publicFormToken(_ page: PageRequest) -> String { page.anonymousFormToken(cookie: CookieName.publicForm) }

    private func publicFormIsGenuine(_ page: PageRequest) -> Bool {
        page.echoesAnonymousFormToken(cookie: CookieName.publicForm, field: "_form")
    }

    private func publicFormCookie(_ token: String) -> HTTPFields {
        [.setCookie: cookie(CookieName.publicForm, token, maxAge: 4 * 3_600).description]
    }

    /// Whether the viewer files for a family at the desk rather than as a member of the public.
    private func filesForFamilies(_ page: PageRequest) -> Bool { page.viewer?.can(.answerInquiries) ?? false }

    /// Refuses a public form's request over its address's limit before its body is read.
    func admitFiling(_ page: PageRequest) -> Response? {
        guard !filesForFamilies(page) else { return nil }
        let (allowed, retryAfter) = limits.filingAttempts.attempt(clientAddress(page), now: clock())
        return allowed ? nil : tooManyRequests(page, retryAfter: retryAfter)
    }

    func admitStatusCheck(_ page: PageRequest) -> Response? {
        let (allowed, retryAfter) = limits.statusChecks.attempt(clientAddress(page), now: clock())
        return allowed ? nil : tooManyRequests(page, retryAfter: retryAfter)
    }

    private func tooManyRequests(_ page: PageRequest, retryAfter: TimeInterval) -> Response {
        let minutes = max(1, Int((retryAfter / 60).rounded(.up)))
        var response = pages.problem(
            page, status: .tooManyRequests, message: page.t.format("inquiry_too_many", ["minutes": String(minutes)]))
        response.headers[.retryAfter] = String(Int(retryAfter.rounded(.up)))
        return response
    }

    func newInquiryPage(
        _ page: PageRequest, values: FormFields? = nil, errors: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) -> Response {
        let t = page.t
        let form = values ?? FormFields()
        let token = publicFormToken(page)
        func field(_ name: String, _ label: String, required: Bool = false, hint: String? = nil, area: Bool = false) -> [String:
            Any]
        {
            [
                "name": name, "id": name.replacingOccurrences(of: ".", with: "-"), "label": label, "value": form.raw(name),
                "required": required, "hint": hint as Any, "error": errors[name] as Any, "isArea": area,
            ]
        }
        let relationship = form["applicant.relationship"] ?? ""
        return pages.render(
            "inquiry_new",
            [
                "formToken": token, "action": Site.fileInquiry.path, "atDesk": filesForFamilies(page),
                "errorSummary":
                    (errors.isEmpty || errors["form"] != nil
                    ? nil : t.format("form_error_summary", ["count": String(errors.count)])) as Any,
                "formError": errors["form"] as Any,
                "applicantFields": [
                    field("applicant.name.surname", t["field_surname"], required: true),
                    field("applicant.name.givenNames", t["field_givenNames"]),
                    field("applicant.name.patronymic", t["field_patronymic"]),
                    field(
                        "applicant.dateOfBirth", t["inquiry_applicant_born"], required: true,
                        hint: t["inquiry_applicant_born_hint"]),
                ],
                "relationships": Relationship.allCases.map {
                    ["value": $0.rawValue, "label": t["relationship_\($0.rawValue)"], "selected": $0.rawValue == relationship]
                },
                "relationshipError": errors["applicant.relationship"] as Any,
                "contactFields": [
                    field("applicant.email", t["inquiry_email"]),
                    field("applicant.phone", t["inquiry_phone"]),
                    field("applicant.address", t["inquiry_address"]),
                ],
                "contactError": errors["applicant.contact"] as Any,
                "soughtFields": [
                    field("sought.name.surname", t["field_surname"], required: true),
                    field("sought.name.givenNames", t["field_givenNames"]),
                    field("sought.name.patronymic", t["field_patronymic"]),
                    field("sought.dateOfBirth", t["field_dateOfBirth"], hint: t["hint_date"]),
                    field("sought.unit", t["field_unit"]),
                    field("sought.serviceNumber", t["field_serviceNumber"]),
                    field("sought.lastSeenOn", t["inquiry_last_seen_on"], hint: t["hint_date"]),
                    field("sought.lastSeenPlace", t["inquiry_last_seen_place"]),
                    field("sought.circumstances", t["inquiry_circumstances"], area: true),
                ],
                "documentsError": errors["documents"] as Any,
                "documentsHint": t.format(
                    "inquiry_documents_hint",
                    ["count": String(KinshipDocument.maximumCount), "megabytes": String(KinshipDocument.maximumBytes >> 20)]),
                "consentChecked": form["consent"] != nil, "consentError": errors["consent"] as Any,
            ],
            for: page, title: t["inquiry_new_title"], status: status, headers: publicFormCookie(token))
    }

    func fileInquiry(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let form = page.form
        guard publicFormIsGenuine(page) else {
            return newInquiryPage(page, values: form, errors: ["form": t["inquiry_form_expired"]], status: .forbidden)
        }
        // A person does not fill a field they cannot see; a program filling every field does.
        if form["website"] != nil {
            page.context.logger.notice("an inquiry with the hidden field filled was dropped (\(clientAddress(page)))")
            return pages.render("inquiry_filed", ["caseCode": false], for: page, title: t["inquiry_filed_title"])
        }
        var errors: [String: String] = [:]
        let applicantBorn = parseDate(form["applicant.dateOfBirth"], field: "applicant.dateOfBirth", into: &errors, t)
        let soughtBorn = parseDate(form["sought.dateOfBirth"], field: "sought.dateOfBirth", into: &errors, t)
        let lastSeenOn = parseDate(form["sought.lastSeenOn"], field: "sought.lastSeenOn", into: &errors, t)
        if applicantBorn == nil, errors["applicant.dateOfBirth"] == nil { errors["applicant.dateOfBirth"] = t["rule_required"] }
        let relationship = form["applicant.relationship"].flatMap(Relationship.init(rawValue:))
        if relationship == nil { errors["applicant.relationship"] = t["error_choose"] }
        let documents = (page.uploads["documents"] ?? []).map { KinshipDocument(fileName: $0.name, bytes: $0.bytes) }
        func name(_ prefix: String) -> PersonName {
            PersonName(
                surname: form["\(prefix).surname"] ?? "", givenNames: form["\(prefix).givenNames"],
                patronymic: form["\(prefix).patronymic"], detectingLanguageWithFallback: .ukrainian)
        }
        let draft = InquiryDraft(
            applicant: Applicant(
                name: name("applicant.name"), dateOfBirth: applicantBorn ?? PartialDate("1900")!,
                relationship: relationship ?? .other, email: form["applicant.email"], phone: form["applicant.phone"],
                address: form["applicant.address"], language: page.language),
            sought: SoughtParticulars(
                name: name("sought.name"), dateOfBirth: soughtBorn, unit: form["sought.unit"],
                serviceNumber: form["sought.serviceNumber"], lastSeenOn: lastSeenOn, lastSeenPlace: form["sought.lastSeenPlace"],
                circumstances: form["sought.circumstances"]),
            consent: form["consent"] != nil, channel: filesForFamilies(page) ? .liaison : .publicForm)
        do {
            try draft.validate(today: Validator(now: clock()).today, documents: documents)
        } catch {
            for issue in error.issues {
                let field = Self.inquiryField(issue.field)
                let message = Self.describe(issue, documents: documents, t)
                errors[field] = errors[field].map { "\($0) \(message)" } ?? message
            }
        }
        guard errors.isEmpty else {
            return newInquiryPage(page, values: form, errors: errors, status: .unprocessableContent)
        }
        let address = clientAddress(page)
        if !filesForFamilies(page) {
            let (allowed, retryAfter) = limits.filing.attempt(address, now: clock())
            guard allowed else { return tooManyRequests(page, retryAfter: retryAfter) }
        }
        let actor = page.viewer?.actor ?? "public:\(address)"
        let inquiry = try await database.register(actor: actor, clock: clock).fileInquiry(draft, documents: documents)
        if filesForFamilies(page) { return pages.redirect(to: Site.inquiry.link(inquiry.id.uuidString) + "?filed=1") }
        return pages.render(
            "inquiry_filed", ["caseCode": inquiry.caseCode, "statusLink": Site.inquiryStatus.path], for: page,
            title: t["inquiry_filed_title"])
    }

    /// The form field a validation issue belongs to: a kinship document's issue is shown by the
    /// file input, whichever file it is about.
    static func inquiryField(_ field: String) -> String {
        field.hasPrefix("documents") ? "documents" : field
    }

    /// An issue in the page's language; a document's names its file, as the page cannot otherwise say which.
    static func describe(_ issue: ValidationIssue, documents: [KinshipDocument] = [], _ t: Translations) -> String {
        if issue.field.hasPrefix("documents"), t.strings["inquiry_document_\(issue.rule)"] != nil {
            let number = issue.field.dropFirst("documents[".count).prefix { $0.isNumber }
            let file = Int(number).flatMap { documents.indices.contains($0 - 1) ? documents[$0 - 1].fileName : nil } ?? ""
            return t.format(
                "inquiry_document_\(issue.rule)",
                [
                    "file": file, "count": String(KinshipDocument.maximumCount),
                    "megabytes": String(KinshipDocument.maximumBytes >> 20),
                ])
        }
        return t.strings["rule_\(issue.rule)"] ?? issue.message
    }

    func inquiryStatusPage(
        _ page: PageRequest, result: [String: Any]? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let token = publicFormToken(page)
        return pages.render(
            "inquiry_status",
            [
                "formToken": token, "action": Site.checkInquiryStatus.path, "result": result as Any, "error": error as Any,
                "caseCode": page.form.raw("caseCode"), "newLink": Site.newInquiry.path,
            ],
            for: page, title: page.t["inquiry_status_title"], status: status, headers: publicFormCookie(token))
    }

    func checkInquiryStatus(_ page: PageRequest) async throws -> Response {
        let t = page.t
        guard publicFormIsGenuine(page) else {
            return inquiryStatusPage(page, error: t["inquiry_form_expired"], status: .forbidden)
        }
        guard let code = CaseCode.normalised(page.form["caseCode"] ?? "") else {
            return inquiryStatusPage(page, error: t["inquiry_code_mistyped"], status: .unprocessableContent)
        }
        var errors: [String: String] = [:]
        guard let born = parseDate(page.form["dateOfBirth"], field: "dateOfBirth", into: &errors, t) else {
            return inquiryStatusPage(page, error: t["inquiry_status_born_needed"], status: .unprocessableContent)
        }
        let now = clock()
        // Every check counts as failed until it has succeeded, in one step with the limit's test, so
        // guesses sent at once cannot all pass the test before any is counted. A code that failed too
        // often is refused whatever is typed, so guessing dates cannot win.
        let (allowed, retryAfter) = limits.failedChecksOfCode.attempt(code, now: now)
        guard allowed else { return tooManyRequests(page, retryAfter: retryAfter) }
        let register = database.register(actor: "public:\(clientAddress(page))", clock: clock)
        guard let level = try await register.publicStatus(caseCode: code, applicantDateOfBirth: born) else {
            return inquiryStatusPage(page, error: t["inquiry_status_not_found"], status: .notFound)
        }
        limits.failedChecksOfCode.forget(code, at: now)
        return inquiryStatusPage(
            page,
            result: [
                "level": t["answer_level_\(level.rawValue)"], "explanation": t["answer_level_\(level.rawValue)_explain"],
                "levelClass": level.rawValue, "checkedOn": Validator(now: now).today.description,
            ])
    }

    // MARK: The liaison desk

    func inquiriesPage(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let show = page.query("show") ?? "waiting"
        let linked: Bool? = show == "linked" ? true : show == "all" ? nil : false
        let offset = max(0, Int(page.query("offset") ?? "") ?? 0)
        let listing = try await register.inquiries(linked: linked, offset: offset, limit: 50)
        try await register.noteListing(entity: "inquiry", query: "show=\(show) offset=\(offset)")
        let persons = try await register.persons(ids: listing.items.compactMap(\.personID))
        let rows: [[String: Any]] = listing.items.map { inquiry in
            let person = inquiry.personID.flatMap { persons[$0] }
            return [
                "link": Site.inquiry.link(inquiry.id.uuidString), "caseCode": inquiry.caseCode,
                "received": Self.day(inquiry.createdAt), "channel": t["inquiry_channel_\(inquiry.channel.rawValue)"],
                "applicant": inquiry.applicant.name.fullName,
                "relationship": t["relationship_\(inquiry.applicant.relationship.rawValue)"],
                "sought": inquiry.sought.name.fullName, "soughtBorn": inquiry.sought.dateOfBirth?.description ?? "—",
                "person": person.map { $0.identity.name.fullName } as Any,
                "personLink": person.map { Site.person.link($0.id.uuidString) } as Any,
                "status": person.map { t["status_\($0.status.rawValue)"] } as Any,
                "told": inquiry.notifiedLevel.map { t["answer_level_\($0.rawValue)"] } ?? "—",
            ]
        }
        let pending = try await register.outbox(pendingOnly: true, offset: 0, limit: 1).total
        return pages.render(
            "inquiries",
            [
                "rows": rows, "hasRows": !rows.isEmpty,
                "count": t.format("inquiry_count", ["total": t.number(listing.total)]),
                "tabs": ["waiting", "linked", "all"].map {
                    ["label": t["inquiries_\($0)"], "link": "\(Site.inquiries.path)?show=\($0)", "current": $0 == show]
                },
                "next":
                    (listing.offset + listing.limit < listing.total
                    ? "\(Site.inquiries.path)?show=\(show)&offset=\(listing.offset + listing.limit)" : nil) as Any,
                "newLink": Site.newInquiry.path, "outboxLink": Site.outbox.path,
                "outboxCount": t.format("outbox_pending_count", ["count": t.number(pending)]),
            ],
            for: page, title: t["inquiries_title"])
    }

    func inquiryPage(
        _ page: PageRequest, error: String? = nil, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let id = try page.id()
        let inquiry = try await register.inquiry(id)
        try await register.noteView(entity: "inquiry", id: id)
        let applicant = inquiry.applicant
        let sought = inquiry.sought
        let person = try await inquiry.personID.asyncMap { try await register.person($0) }
        let owed = try await register.answerLevel(of: inquiry)
        let candidates = inquiry.personID == nil ? try await matcher.candidates(for: sought) : []
        let documents = try await register.documents(of: id)
        let answers = try await register.answers(of: id)
        func row(_ label: String, _ value: String?) -> [String: Any]? {
            value.map { ["label": label, "value": $0] }
        }
        let inquiryID = id.uuidString
        let applicantRows: [[String: Any]] = [
            row(t["inquiry_applicant_name"], applicant.name.fullName),
            row(t["field_dateOfBirth"], applicant.dateOfBirth.description),
            row(t["inquiry_relationship"], t["relationship_\(applicant.relationship.rawValue)"]),
            row(t["inquiry_email"], applicant.email), row(t["inquiry_phone"], applicant.phone),
            row(t["inquiry_address"], applicant.address),
        ].compactMap { $0 }
        let soughtRows: [[String: Any]] = [
            row(t["field_name"], sought.name.fullName),
            row(t["field_dateOfBirth"], sought.dateOfBirth?.description),
            row(t["field_unit"], sought.unit), row(t["field_serviceNumber"], sought.serviceNumber),
            row(t["inquiry_last_seen_on"], sought.lastSeenOn?.description),
            row(t["inquiry_last_seen_place"], sought.lastSeenPlace),
            row(t["inquiry_circumstances"], sought.circumstances),
        ].compactMap { $0 }
        let notice = notice ?? (page.query("filed") != nil ? t.format("inquiry_filed_at_desk", ["code": inquiry.caseCode]) : nil)
        return pages.render(
            "inquiry",
            [
                "caseCode": inquiry.caseCode, "version": String(inquiry.version), "error": error as Any,
                "notice": notice as Any,
                "received": Self.day(inquiry.createdAt), "channel": t["inquiry_channel_\(inquiry.channel.rawValue)"],
                "consentAt": inquiry.consentAt.formatted(.iso8601),
                "applicant": applicantRows, "sought": soughtRows,
                "documents": documents.map {
                    [
                        "name": $0.fileName, "type": $0.contentType, "size": "\(max(1, $0.byteCount >> 10)) KiB",
                        "link": Site.inquiryDocument.link(inquiryID, $0.id.uuidString),
                    ]
                },
                "hasDocuments": !documents.isEmpty,
                "person": person.map { person in
                    [
                        "name": person.identity.name.fullName, "link": Site.person.link(person.id.uuidString),
                        "born": person.identity.dateOfBirth?.description ?? "—",
                        "status": t["status_\(person.status.rawValue)"],
                        "linkedBy": inquiry.linkedBy ?? "", "linkedAt": inquiry.linkedAt.map(Self.day) ?? "",
                    ]
                } as Any,
                "owed": t["answer_level_\(owed.rawValue)"],
                "told": inquiry.notifiedLevel.map { t["answer_level_\($0.rawValue)"] } ?? "—",
                "owedIsDeath": owed == .deceased,
                "candidates": candidates.map { candidate in
                    [
                        "id": candidate.person.id.uuidString, "name": candidate.person.displayName,
                        "link": Site.person.link(candidate.person.id.uuidString),
                        "born": candidate.person.displayDateOfBirth ?? "—",
                        "status": t["status_\(candidate.person.status.rawValue)"],
                        "affiliation": t["affiliation_\(candidate.person.affiliation.rawValue)"],
                        "probability": candidate.probability.map(percent) ?? t["inquiry_found_by_search"],
                        "reasons": candidate.reasons.filter { $0.weight != 0 }.map {
                            "\(t["field_\($0.field)"]): \(t.strings["level_\($0.level)"] ?? $0.level) \(String(format: "%+.1f", $0.weight))"
                        }.joined(separator: " · "),
                    ]
                },
                "hasCandidates": !candidates.isEmpty,
                "linkAction": Site.linkInquiry.link(inquiryID), "unlinkAction": Site.unlinkInquiry.link(inquiryID),
                "answerAction": Site.answerInquiry.link(inquiryID),
                "levels": AnswerLevel.allCases.map {
                    ["value": $0.rawValue, "label": t["answer_level_\($0.rawValue)"], "selected": $0 == owed]
                },
                "channels": AnswerChannel.allCases.filter { $0 != .publicPage }.map {
                    ["value": $0.rawValue, "label": t["answer_channel_\($0.rawValue)"]]
                },
                "answers": answers.reversed().map {
                    [
                        "at": $0.givenAt.formatted(.iso8601), "level": t["answer_level_\($0.level.rawValue)"],
                        "channel": t["answer_channel_\($0.channel.rawValue)"], "by": $0.givenBy, "note": $0.note ?? "",
                    ]
                },
                "hasAnswers": !answers.isEmpty,
                "backLink": Site.inquiries.path,
            ],
            for: page, title: t.format("inquiry_title", ["code": inquiry.caseCode]), status: status)
    }

    func linkInquiry(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let id = try page.id()
        let chosen = page.form["personId"] ?? page.form["personRef"].flatMap(Self.personID(in:))
        guard let text = chosen, let personID = UUID(uuidString: text) else {
            return try await inquiryPage(page, error: t["inquiry_choose_person"], status: .unprocessableContent)
        }
        return try await changeInquiry(page) {
            try await register(page).linkInquiry(id, to: personID, expectedVersion: Int(page.form["version"] ?? "") ?? 0)
                .personID
        }
    }

    func unlinkInquiry(_ page: PageRequest) async throws -> Response {
        let id = try page.id()
        return try await changeInquiry(page) {
            try await register(page).linkInquiry(id, to: nil, expectedVersion: Int(page.form["version"] ?? "") ?? 0).personID
        }
    }

    /// A person's id as pasted: the id itself, or the address of their page.
    static func personID(in text: String) -> String? {
        text.split(separator: "/").lazy.map(String.init).first { UUID(uuidString: $0) != nil }
    }

    func answerInquiry(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let id = try page.id()
        guard let level = page.form["level"].flatMap(AnswerLevel.init(rawValue:)),
            let channel = page.form["channel"].flatMap(AnswerChannel.init(rawValue:))
        else {
            return try await inquiryPage(page, error: t["error_choose"], status: .unprocessableContent)
        }
        return try await changeInquiry(page) {
            _ = try await register(page).recordAnswer(id, level: level, channel: channel, note: page.form["note"])
            return nil
        }
    }

    /// Runs a change to an inquiry, then queues what linking it to a person made owed; what the
    /// register refuses is shown on the inquiry's page.
    ///
    /// - Parameter change: returns the person the inquiry is now linked to, if any.
    private func changeInquiry(_ page: PageRequest, _ change: () async throws -> UUID?) async throws -> Response {
        let t = page.t
        let linkedPerson: UUID?
        do {
            linkedPerson = try await change()
        } catch let error as ValidationError {
            return try await inquiryPage(
                page, error: error.issues.map { Self.describe($0, t) }.joined(separator: "; "), status: .unprocessableContent)
        } catch StoreError.conflict {
            return try await inquiryPage(page, error: t["inquiry_conflict"], status: .conflict)
        }
        if let linkedPerson { await outbox.sweepAfterChange(about: [linkedPerson]) }
        return pages.redirect(to: Site.inquiry.link(try page.id().uuidString))
    }

    func inquiryDocument(_ page: PageRequest) async throws -> Response {
        guard let text = page.context.parameters.get("document"), let documentID = UUID(uuidString: text) else {
            throw HTTPError(.notFound)
        }
        let (document, bytes) = try await register(page).document(documentID, of: try page.id())
        // Served as a download under a name of our own making: the sender's name and type are not trusted.
        let extensionName = ["application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"][document.contentType] ?? "bin"
        var headers = PageRenderer.pageHeaders
        headers[.contentType] = document.contentType
        headers[.contentDisposition] = "attachment; filename=\"document-\(documentID.uuidString.prefix(8)).\(extensionName)\""
        headers[.contentSecurityPolicy] = "default-src 'none'; sandbox"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func outboxPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let pending = try await register.outbox(pendingOnly: true, offset: 0, limit: 200)
        try await register.noteListing(entity: "outbox", query: "pending")
        func context(_ message: OutboxMessage) -> [String: Any] {
            [
                "id": message.id.uuidString, "recipient": message.recipient, "subject": message.subject, "body": message.body,
                "level": t["answer_level_\(message.level.rawValue)"], "created": message.createdAt.formatted(.iso8601),
                "inquiryLink": Site.inquiry.link(message.inquiryID.uuidString),
                "action": Site.markOutboxSent.link(message.id.uuidString),
                "failure":
                    (message.lastError.map {
                        t.format("outbox_failed", ["attempts": String(message.attempts), "reason": $0])
                    }) as Any,
            ]
        }
        return pages.render(
            "outbox",
            [
                "error": error as Any, "messages": pending.items.map(context), "hasMessages": !pending.items.isEmpty,
                "count": t.format("outbox_pending_count", ["count": t.number(pending.total)]),
                "mailConfigured": outbox.deliver != nil,
                "channels": [AnswerChannel.telephone, .email, .letter, .inPerson].map {
                    ["value": $0.rawValue, "label": t["answer_channel_\($0.rawValue)"]]
                },
                "inquiriesLink": Site.inquiries.path,
            ],
            for: page, title: t["outbox_title"], status: status)
    }

    func markOutboxSent(_ page: PageRequest) async throws -> Response {
        let t = page.t
        guard let channel = page.form["via"].flatMap(AnswerChannel.init(rawValue:)) else {
            return try await outboxPage(page, error: t["error_choose"], status: .unprocessableContent)
        }
        do {
            _ = try await register(page).markOutboxSent(try page.id(), via: channel)
        } catch StoreError.alreadyDone(let what) {
            return try await outboxPage(page, error: what, status: .conflict)
        }
        return pages.redirect(to: Site.outbox.path)
    }

    static func day(_ date: Date) -> String { Validator(now: date).today.description }
}
