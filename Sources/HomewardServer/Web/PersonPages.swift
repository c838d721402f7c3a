import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Hummingbird

extension WebApplication {
    // MARK: The person page

    func personPage(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let viewer = try page.signedIn
        let register = try register(page)
        let id = try page.id()
        let person = try await register.person(id)
        let assessment = try await register.statusAssessment(of: id)
        let timeline = try await register.timeline(of: id)
        let records = try await register.records(sourceID: nil, personID: id, offset: 0, limit: 500).items
        try await register.noteView(entity: "person", id: id)
        // Who asked after this person is for those who answer families, not for every reader.
        let inquiries = viewer.can(.answerInquiries) ? try await register.inquiries(ofPerson: id) : []

        var sources: [UUID: Source] = [:]
        for sourceID in Set(records.map(\.sourceID) + timeline.compactMap(\.event.sourceID)) {
            sources[sourceID] = try? await register.source(sourceID)
        }
        var facilities: [UUID: Facility] = [:]
        for facilityID in Set(timeline.compactMap(\.event.facilityID)) {
            facilities[facilityID] = try? await register.facility(facilityID)
        }
        func sourceLabel(_ id: UUID?) -> String {
            guard let id, let source = sources[id] else { return "" }
            return source.label
        }

        let identity = person.identity
        let name = identity.name
        let latin = name.language == .latin ? nil : name.latin
        let latinName = latin.map { [$0.surname, $0.givenNames, $0.patronymic].compactMap { $0 }.joined(separator: " ") }
        let nextOfKin = identity.nextOfKin.map {
            [$0.name, $0.relationship, $0.address, $0.phone].compactMap { $0 }.joined(separator: ", ")
        }
        var particulars: [(String, String?)] = [
            ("surname", name.surname), ("givenNames", name.givenNames), ("patronymic", name.patronymic), ("latin", latinName),
        ]
        particulars += [
            ("sex", identity.sex.map { t["sex_\($0.rawValue)"] }), ("dateOfBirth", identity.dateOfBirth?.description),
            ("placeOfBirth", identity.placeOfBirth), ("citizenship", identity.citizenship), ("rank", identity.rank),
        ]
        particulars += [
            ("serviceNumber", identity.serviceNumber), ("unit", identity.unit), ("fatherFirstName", identity.fatherFirstName),
            ("mothersMaidenName", identity.mothersMaidenName), ("nextOfKin", nextOfKin),
        ]
        let identityRows: [[String: Any]] = particulars.compactMap { field, value in
            value.map { ["label": t["field_\(field)"], "value": $0] }
        }

        let decidingEvent = timeline.first { $0.event.id == assessment.decidingEventID }?.event
        let events: [[String: Any]] = timeline.map { entry in
            let event = entry.event
            return [
                "kind": t["event_\(event.kind.rawValue)"],
                "date": event.date?.description ?? t["date_unknown"],
                "place": [event.place, event.facilityID.flatMap { facilities[$0]?.name }].compactMap { $0 }.joined(
                    separator: " · "),
                "source": sourceLabel(event.sourceID),
                "credibility": t["credibility_\(event.credibility.rawValue)"],
                "note": event.note ?? "",
                "superseded": entry.supersededBy != nil || assessment.superseded.contains(event.id),
                "outweighed": assessment.outweighed.contains { $0.eventID == event.id },
                "deciding": event.id == assessment.decidingEventID,
            ]
        }
        let recordRows: [[String: Any]] = records.map { record in
            let particulars = record.particulars
            return [
                "id": record.id.uuidString,
                "source": sourceLabel(record.sourceID),
                "sourceKind": sources[record.sourceID].map { t["source_\($0.kind.rawValue)"] } ?? "",
                "name": particulars.name.fullName,
                "dateOfBirth": particulars.dateOfBirth?.description ?? particulars.dateOfBirthText ?? "",
                "placeOfBirth": particulars.placeOfBirth ?? "",
                "serviceNumber": particulars.serviceNumber ?? "",
                "row": record.rowNumber.map(String.init) ?? "",
                "unlink": Site.unlinkRecord.link(record.id.uuidString),
            ]
        }
        let exchangeKinds: Set<EventKind> = [.exchanged, .repatriated, .released, .refusedRepatriation]
        let exchanges = events.enumerated().filter { exchangeKinds.contains(timeline[$0.offset].event.kind) }.map(\.element)

        return pages.render(
            "person",
            [
                "id": id.uuidString,
                "name": name.fullName,
                "showInquiries": viewer.can(.answerInquiries), "hasInquiries": !inquiries.isEmpty,
                "inquiries": inquiries.map {
                    [
                        "caseCode": $0.caseCode, "link": Site.inquiry.link($0.id.uuidString),
                        "applicant": $0.applicant.name.fullName,
                        "relationship": t["relationship_\($0.applicant.relationship.rawValue)"],
                        "told": $0.notifiedLevel.map { t["answer_level_\($0.rawValue)"] } ?? "—",
                    ]
                },
                "affiliation": t["affiliation_\(person.affiliation.rawValue)"],
                "category": t["category_\(person.category.rawValue)"],
                "status": t["status_\(person.status.rawValue)"],
                "statusClass": person.status.rawValue,
                "since": assessment.since?.description as Any,
                "decidedBy": decidingEvent.map {
                    t.format(
                        "person_status_because",
                        ["event": t["event_\($0.kind.rawValue)"], "date": $0.date?.description ?? t["date_unknown"]])
                } ?? t["person_status_no_event"],
                "outweighedCount": (assessment.outweighed.isEmpty ? nil : assessment.outweighed.count) as Any,
                "identity": identityRows,
                "events": events,
                "records": recordRows,
                "exchanges": exchanges,
                "hasExchanges": !exchanges.isEmpty,
                "editLink": Site.editPerson.link(id.uuidString),
                "captureCardLink": (person.affiliation == .adversary ? Site.captureCard.link(id.uuidString) : nil) as Any,
                "newEventLink": Site.newEvent.link(id.uuidString),
                "newRecordLink": Site.newRecord.link(id.uuidString),
                "canUnlink": viewer.can(.reviewMatches),
            ],
            for: page, title: name.fullName)
    }

    // MARK: Registering and editing a person

    func personForm(
        _ page: PageRequest, person: Person?, values: FormFields? = nil, errors: [String: String] = [:], notice: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let t = page.t
        let identity = person?.identity
        func value(_ name: String, _ stored: String?) -> String { values?.raw(name) ?? stored ?? "" }
        let fields: [FormField] = [
            .select(
                "affiliation", t["field_affiliation"],
                Affiliation.allCases.map { ($0.rawValue, t["affiliation_\($0.rawValue)"]) },
                selected: value("affiliation", person?.affiliation.rawValue), required: true),
            .select(
                "category", t["field_category"], PersonCategory.allCases.map { ($0.rawValue, t["category_\($0.rawValue)"]) },
                selected: value("category", person?.category.rawValue), required: true),
            .text("surname", t["field_surname"], value("surname", identity?.name.surname), required: true),
            .text("givenNames", t["field_givenNames"], value("givenNames", identity?.name.givenNames)),
            .text("patronymic", t["field_patronymic"], value("patronymic", identity?.name.patronymic)),
            .select(
                "sex", t["field_sex"], [("", "—")] + Sex.allCases.map { ($0.rawValue, t["sex_\($0.rawValue)"]) },
                selected: value("sex", identity?.sex?.rawValue)),
            .text(
                "dateOfBirth", t["field_dateOfBirth"], value("dateOfBirth", identity?.dateOfBirth?.description),
                hint: t["hint_date"]),
            .text("placeOfBirth", t["field_placeOfBirth"], value("placeOfBirth", identity?.placeOfBirth)),
            .text("citizenship", t["field_citizenship"], value("citizenship", identity?.citizenship)),
            .text("rank", t["field_rank"], value("rank", identity?.rank)),
            .text("serviceNumber", t["field_serviceNumber"], value("serviceNumber", identity?.serviceNumber)),
            .text("unit", t["field_unit"], value("unit", identity?.unit)),
            .text("fatherFirstName", t["field_fatherFirstName"], value("fatherFirstName", identity?.fatherFirstName)),
            .text("mothersMaidenName", t["field_mothersMaidenName"], value("mothersMaidenName", identity?.mothersMaidenName)),
        ]
        let heading =
            person == nil ? t["person_new_title"] : t.format("person_edit_title", ["name": identity!.name.fullName])
        return renderForm(
            page, heading: heading, action: person.map { Site.updatePerson.link($0.id.uuidString) } ?? Site.createPerson.path,
            fields: fields, errors: errors,
            hidden: person.map { ["version": values?.raw("version") ?? String($0.version)] } ?? [:], notice: notice,
            back: person.map { Site.person.link($0.id.uuidString) } ?? Site.search.path, submit: t["form_save"], status: status)
    }

    func savePerson(_ page: PageRequest, id: UUID?) async throws -> Response {
        let t = page.t
        let form = page.form
        let register = try register(page)
        var errors: [String: String] = [:]
        let dateOfBirth = parseDate(form["dateOfBirth"], field: "dateOfBirth", into: &errors, t)
        let affiliation = Affiliation(rawValue: form["affiliation"] ?? "")
        let category = PersonCategory(rawValue: form["category"] ?? "")
        if affiliation == nil { errors["affiliation"] = t["error_choose"] }
        if category == nil { errors["category"] = t["error_choose"] }
        let current = try await id.asyncMap { try await register.person($0) }
        guard errors.isEmpty, let affiliation, let category else {
            return try await personForm(page, person: current, values: form, errors: errors, status: .unprocessableContent)
        }
        let draft = PersonDraft(
            affiliation: affiliation, category: category,
            identity: PersonIdentity(
                name: PersonName(
                    surname: form["surname"] ?? "", givenNames: form["givenNames"], patronymic: form["patronymic"],
                    detectingLanguageWithFallback: .ukrainian),
                sex: form["sex"].flatMap(Sex.init(rawValue:)), dateOfBirth: dateOfBirth, placeOfBirth: form["placeOfBirth"],
                citizenship: form["citizenship"], dependentPower: current?.identity.dependentPower, rank: form["rank"],
                serviceNumber: form["serviceNumber"], unit: form["unit"], fatherFirstName: form["fatherFirstName"],
                mothersMaidenName: form["mothersMaidenName"], nextOfKin: current?.identity.nextOfKin
            )
        )
        do {
            let saved: Person
            if let id {
                saved = try await register.updatePerson(id, expectedVersion: Int(form["version"] ?? "") ?? 0, draft)
            } else {
                saved = try await register.createPerson(draft)
            }
            try await search.refresh(saved.id)
            return pages.redirect(to: Site.person.link(saved.id.uuidString))
        } catch let error as ValidationError {
            return try await personForm(
                page, person: current, values: form, errors: fieldErrors(error, t), status: .unprocessableContent)
        } catch StoreError.conflict(_, _, let currentVersion) {
            // Keep what this user typed; show that someone else saved first, and what they saved.
            let latest = try await register.person(id!)
            return try await personForm(
                page, person: latest, values: form,
                notice: t.format("error_conflict", ["version": String(currentVersion), "by": try await lastEditor(of: id!)]),
                status: .conflict)
        }
    }

    /// Who last changed a person, from the audit log.
    private func lastEditor(of id: UUID) async throws -> String {
        let entries = try await database.auditEntries(
            AuditFilter(action: "person.update", entity: "person", entityID: id.uuidString), limit: 1)
        return entries.items.first?.actor ?? "—"
    }

    // MARK: Adding an event

    func eventForm(
        _ page: PageRequest, values: FormFields? = nil, errors: [String: String] = [:], status: HTTPResponse.Status = .ok
    )
        async throws -> Response
    {
        let t = page.t
        let register = try register(page)
        let person = try await register.person(try page.id())
        let sources = try await register.sources(kind: nil, offset: 0, limit: 500).items
        let facilities = try await register.facilities(controlledBy: nil, offset: 0, limit: 500).items
        let timeline = try await register.timeline(of: person.id)
        func value(_ name: String, _ fallback: String = "") -> String { values?.raw(name) ?? fallback }
        let fields: [FormField] = [
            .select(
                "kind", t["field_eventKind"], EventKind.allCases.map { ($0.rawValue, t["event_\($0.rawValue)"]) },
                selected: value("kind"), required: true),
            .text("date", t["field_date"], value("date"), hint: t["hint_date"]),
            .text("place", t["field_place"], value("place")),
            .select(
                "facilityId", t["field_facility"], [("", "—")] + facilities.map { ($0.id.uuidString, $0.name) },
                selected: value("facilityId")),
            .select(
                "sourceId", t["field_source"],
                sourceOptions(sources),
                selected: value("sourceId")),
            .select(
                "credibility", t["field_credibility"],
                Credibility.allCases.map { (String($0.rawValue), t["credibility_\($0.rawValue)"]) },
                selected: value("credibility", "3"), required: true),
            .select(
                "captureMode", t["field_captureMode"],
                [("", "—")] + CaptureMode.allCases.map { ($0.rawValue, t["capture_\($0.rawValue)"]) },
                selected: value("captureMode")),
            .select(
                "supersedes", t["field_supersedes"],
                [("", "—")]
                    + timeline.filter { $0.supersededBy == nil }.map {
                        ($0.event.id.uuidString, "\(t["event_\($0.event.kind.rawValue)"]) \($0.event.date?.description ?? "")")
                    },
                selected: value("supersedes"), hint: t["hint_supersedes"]),
            .area("note", t["field_note"], value("note")),
        ]
        return renderForm(
            page, heading: t.format("event_new_title", ["name": person.identity.name.fullName]),
            action: Site.createEvent.link(person.id.uuidString), fields: fields, errors: errors,
            back: Site.person.link(person.id.uuidString), submit: t["form_add_event"], status: status)
    }

    func saveEvent(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let form = page.form
        let personID = try page.id()
        var errors: [String: String] = [:]
        let date = parseDate(form["date"], field: "date", into: &errors, t)
        let kind = EventKind(rawValue: form["kind"] ?? "")
        let credibility = Int(form["credibility"] ?? "").flatMap(Credibility.init(rawValue:))
        if kind == nil { errors["kind"] = t["error_choose"] }
        if credibility == nil { errors["credibility"] = t["error_choose"] }
        func id(_ name: String) -> UUID? {
            guard let text = form[name] else { return nil }
            guard let id = UUID(uuidString: text) else {
                errors[name] = t["error_choose"]
                return nil
            }
            return id
        }
        let facilityID = id("facilityId")
        let sourceID = id("sourceId")
        let supersedes = id("supersedes")
        guard errors.isEmpty, let kind, let credibility else {
            return try await eventForm(page, values: form, errors: errors, status: .unprocessableContent)
        }
        let draft = EventDraft(
            kind: kind, date: date, place: form["place"], facilityID: facilityID, sourceID: sourceID, credibility: credibility,
            captureMode: form["captureMode"].flatMap(CaptureMode.init(rawValue:)), note: form["note"], supersedes: supersedes)
        do {
            _ = try await register(page).appendEvent(to: personID, draft)
        } catch let error as ValidationError {
            return try await eventForm(page, values: form, errors: fieldErrors(error, t), status: .unprocessableContent)
        }
        try await search.refresh(personID)
        await outbox.sweepAfterChange(about: [personID])
        return pages.redirect(to: Site.person.link(personID.uuidString))
    }

    // MARK: Keeping a record

    func recordForm(
        _ page: PageRequest, values: FormFields? = nil, errors: [String: String] = [:], status: HTTPResponse.Status = .ok
    )
        async throws -> Response
    {
        let t = page.t
        let register = try register(page)
        let person = try await register.person(try page.id())
        let sources = try await register.sources(kind: nil, offset: 0, limit: 500).items
        func value(_ name: String) -> String { values?.raw(name) ?? "" }
        let fields: [FormField] = [
            .select(
                "sourceId", t["field_source"],
                sourceOptions(sources),
                selected: value("sourceId"), required: true),
            .text("surname", t["field_surname"], value("surname"), required: true, hint: t["hint_as_written"]),
            .text("givenNames", t["field_givenNames"], value("givenNames")),
            .text("patronymic", t["field_patronymic"], value("patronymic")),
            .text("dateOfBirth", t["field_dateOfBirth"], value("dateOfBirth"), hint: t["hint_date"]),
            .text("placeOfBirth", t["field_placeOfBirth"], value("placeOfBirth")),
            .text("rank", t["field_rank"], value("rank")),
            .text("serviceNumber", t["field_serviceNumber"], value("serviceNumber")),
            .text("unit", t["field_unit"], value("unit")),
        ]
        return renderForm(
            page, heading: t.format("record_new_title", ["name": person.identity.name.fullName]),
            action: Site.createRecord.link(person.id.uuidString), fields: fields, errors: errors,
            back: Site.person.link(person.id.uuidString), submit: t["form_add_record"], status: status)
    }

    func saveRecord(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let form = page.form
        let personID = try page.id()
        var errors: [String: String] = [:]
        let dateOfBirth = parseDate(form["dateOfBirth"], field: "dateOfBirth", into: &errors, t)
        let sourceID = form["sourceId"].flatMap(UUID.init(uuidString:))
        if sourceID == nil { errors["sourceId"] = t["error_choose"] }
        guard errors.isEmpty, let sourceID else {
            return try await recordForm(page, values: form, errors: errors, status: .unprocessableContent)
        }
        let names = ["surname", "givenNames", "patronymic", "dateOfBirth", "placeOfBirth", "rank", "serviceNumber", "unit"]
        let draft = RecordDraft(
            sourceID: sourceID, personID: personID,
            particulars: RecordParticulars(
                name: PersonName(
                    surname: form["surname"] ?? "", givenNames: form["givenNames"], patronymic: form["patronymic"],
                    detectingLanguageWithFallback: .ukrainian),
                dateOfBirth: dateOfBirth, dateOfBirthText: form["dateOfBirth"], placeOfBirth: form["placeOfBirth"],
                rank: form["rank"], serviceNumber: form["serviceNumber"], unit: form["unit"]
            ),
            // Typed by hand, the record as received is what was typed.
            raw: names.compactMap { name in form[name].map { RawField(column: name, value: $0) } }
        )
        do {
            _ = try await register(page).createRecord(draft)
        } catch let error as ValidationError {
            return try await recordForm(page, values: form, errors: fieldErrors(error, t), status: .unprocessableContent)
        }
        try await search.refresh(personID)
        return pages.redirect(to: Site.person.link(personID.uuidString))
    }

    // MARK: Form helpers

    /// The shared data-entry page: the fields with their messages beside them, a summary of what
    /// needs attention, the hidden values the form must carry back.
    func renderForm(
        _ page: PageRequest, heading: String, action: String, fields: [FormField], errors: [String: String],
        hidden: [String: String] = [:], notice: String? = nil, back: String, submit: String, status: HTTPResponse.Status
    ) -> Response {
        let t = page.t
        return pages.render(
            "form",
            [
                "heading": heading,
                "action": action,
                "fields": fields.map { $0.context(error: errors[$0.name]) },
                "hidden": hidden.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
                "notice": notice as Any,
                "errorSummary": (errors.isEmpty ? nil : t.format("form_error_summary", ["count": String(errors.count)])) as Any,
                "back": back,
                "submit": submit,
            ],
            for: page, title: heading, status: status)
    }

    /// A date as an operator types it: 1987, 1987-05, 1987-05-04 or 04.05.1987.
    func parseDate(_ text: String?, field: String, into errors: inout [String: String], _ t: Translations) -> PartialDate? {
        guard let text else { return nil }
        var iso = text
        let dotted = text.split(separator: ".")
        if dotted.count == 3 {
            iso = "\(dotted[2])-\(dotted[1].count == 1 ? "0" : "")\(dotted[1])-\(dotted[0].count == 1 ? "0" : "")\(dotted[0])"
        }
        do {
            return try PartialDate(iso: iso)
        } catch {
            errors[field] = t["error_date"]
            return nil
        }
    }

    /// The register's validation issues by form field ("identity.name.surname" is the form's
    /// "surname"), in the user's language where the rule has a translation.
    func fieldErrors(_ error: ValidationError, _ t: Translations) -> [String: String] {
        var errors: [String: String] = [:]
        for issue in error.issues {
            let field = issue.field.split(separator: ".").last.map(String.init) ?? issue.field
            let message = t.strings["rule_\(issue.rule)"] ?? issue.message
            errors[field] = errors[field].map { "\($0); \(message)" } ?? message
        }
        return errors
    }
}

/// A choice of sources for a form, with "none" first.
func sourceOptions(_ sources: [Source]) -> [(String, String)] {
    [("", "—")] + sources.map { ($0.id.uuidString, $0.label) }
}

extension Source {
    /// How pages name a source: its title and its reliability grade, "Список … (C)".
    var label: String { "\(title) (\(reliability.rawValue))" }
}

/// One field of a form, as the shared form template draws it.
struct FormField {
    enum Kind { case text, select, area }

    let kind: Kind
    let name: String
    let label: String
    let value: String
    var options: [(String, String)] = []
    var required = false
    var hint: String?

    static func text(_ name: String, _ label: String, _ value: String, required: Bool = false, hint: String? = nil) -> FormField {
        FormField(kind: .text, name: name, label: label, value: value, required: required, hint: hint)
    }

    static func area(_ name: String, _ label: String, _ value: String) -> FormField {
        FormField(kind: .area, name: name, label: label, value: value)
    }

    static func select(
        _ name: String, _ label: String, _ options: [(String, String)], selected: String, required: Bool = false,
        hint: String? = nil
    ) -> FormField {
        FormField(kind: .select, name: name, label: label, value: selected, options: options, required: required, hint: hint)
    }

    func context(error: String?) -> [String: Any] {
        [
            "name": name, "label": label, "value": value, "required": required, "hint": hint as Any, "error": error as Any,
            "isText": kind == .text, "isSelect": kind == .select, "isArea": kind == .area,
            "options": options.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == value] },
        ]
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
