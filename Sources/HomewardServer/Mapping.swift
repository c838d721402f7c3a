import Foundation
import HomewardCore
import HomewardStore

// Translation between the wire types generated from openapi.yaml and the domain's values.
// Wire enums share the domain's raw values, so each maps by raw value; a mismatch is a bug in
// one of the two and fails loudly.

func converted<Target: RawRepresentable, Source: RawRepresentable>(_ value: Source, to _: Target.Type = Target.self) -> Target
where Source.RawValue == String, Target.RawValue == String {
    guard let result = Target(rawValue: value.rawValue) else {
        preconditionFailure("\(Source.self).\(value.rawValue) has no counterpart in \(Target.self)")
    }
    return result
}

/// Reads the parts of a body the schema leaves as strings (dates, ids), collecting every problem.
struct InputReader {
    var issues: [ValidationIssue] = []

    mutating func date(_ text: String?, _ field: String) -> PartialDate? {
        guard let text else { return nil }
        do {
            return try PartialDate(iso: text)
        } catch {
            issues.append(ValidationIssue(field: field, rule: "format", message: error.description))
            return nil
        }
    }

    mutating func id(_ text: String?, _ field: String) -> UUID? {
        guard let text else { return nil }
        guard let id = UUID(uuidString: text) else {
            issues.append(ValidationIssue(field: field, rule: "format", message: "'\(text.prefix(80))' is not an id (a UUID)"))
            return nil
        }
        return id
    }

    mutating func credibility(_ value: Int, _ field: String) -> Credibility {
        guard let credibility = Credibility(rawValue: value) else {
            issues.append(
                ValidationIssue(
                    field: field, rule: "range", message: "must be a grade from 1 (confirmed) to 6 (cannot be judged)"))
            return .cannotBeJudged
        }
        return credibility
    }

    func finish() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues) }
    }
}

/// A path or query id; a malformed one is the request's fault (400).
func pathID(_ text: String, _ name: String) throws -> UUID {
    guard let id = UUID(uuidString: text) else {
        throw BadRequest(issues: [
            ValidationIssue(field: name, rule: "format", message: "'\(text.prefix(80))' is not an id (a UUID)")
        ])
    }
    return id
}

/// Checks paging parameters against the limits the spec states.
func paging(offset: Int?, limit: Int?) throws -> (offset: Int, limit: Int) {
    var issues: [ValidationIssue] = []
    let offset = offset ?? 0
    let limit = limit ?? 50
    if offset < 0 { issues.append(ValidationIssue(field: "offset", rule: "minimum", message: "must be 0 or more")) }
    if !(1...500).contains(limit) {
        issues.append(ValidationIssue(field: "limit", rule: "range", message: "must be from 1 to 500"))
    }
    if !issues.isEmpty { throw BadRequest(issues: issues) }
    return (offset, limit)
}

// MARK: Names and identity

extension PersonName {
    init(_ input: Components.Schemas.NameInput, fallbackLanguage: NameLanguage) {
        if let language = input.language {
            self.init(
                surname: input.surname, givenNames: input.givenNames, patronymic: input.patronymic,
                language: converted(language)
            )
        } else {
            self.init(
                surname: input.surname, givenNames: input.givenNames, patronymic: input.patronymic,
                detectingLanguageWithFallback: fallbackLanguage
            )
        }
    }

    var wire: Components.Schemas.Name {
        let latin = latin
        return .init(
            surname: surname, givenNames: givenNames, patronymic: patronymic, language: converted(language),
            fullName: fullName,
            latin: .init(
                surname: latin.surname, givenNames: latin.givenNames, patronymic: latin.patronymic, fullName: latin.fullName)
        )
    }
}

extension Affiliation {
    /// Shared Cyrillic letters are read as Ukrainian in our people's names, Russian in the adversary's.
    var usualNameLanguage: NameLanguage { self == .own ? .ukrainian : .russian }
}

extension NextOfKin {
    init(_ wire: Components.Schemas.NextOfKin) {
        self.init(name: wire.name, relationship: wire.relationship, address: wire.address, phone: wire.phone)
    }

    var wire: Components.Schemas.NextOfKin {
        .init(name: name, relationship: relationship, address: address, phone: phone)
    }
}

extension PersonIdentity {
    init(_ input: Components.Schemas.IdentityInput, affiliation: Affiliation, reader: inout InputReader) {
        self.init(
            name: PersonName(input.name, fallbackLanguage: affiliation.usualNameLanguage),
            sex: input.sex.map { converted($0) },
            dateOfBirth: reader.date(input.dateOfBirth, "identity.dateOfBirth"),
            placeOfBirth: input.placeOfBirth,
            citizenship: input.citizenship,
            dependentPower: input.dependentPower,
            rank: input.rank,
            serviceNumber: input.serviceNumber,
            unit: input.unit,
            fatherFirstName: input.fatherFirstName,
            mothersMaidenName: input.mothersMaidenName,
            nextOfKin: input.nextOfKin.map(NextOfKin.init)
        )
    }

    var wire: Components.Schemas.Identity {
        .init(
            name: name.wire, sex: sex.map { converted($0) }, dateOfBirth: dateOfBirth?.description,
            placeOfBirth: placeOfBirth, citizenship: citizenship, dependentPower: dependentPower, rank: rank,
            serviceNumber: serviceNumber, unit: unit, fatherFirstName: fatherFirstName,
            mothersMaidenName: mothersMaidenName, nextOfKin: nextOfKin?.wire
        )
    }
}

// MARK: Persons

extension PersonDraft {
    init(
        affiliation: Components.Schemas.Affiliation, category: Components.Schemas.PersonCategory,
        identity: Components.Schemas.IdentityInput
    ) throws {
        var reader = InputReader()
        let affiliation: Affiliation = converted(affiliation)
        let identity = PersonIdentity(identity, affiliation: affiliation, reader: &reader)
        try reader.finish()
        self.init(affiliation: affiliation, category: converted(category), identity: identity)
    }
}

extension Person {
    var wire: Components.Schemas.Person {
        .init(
            id: id.uuidString, version: version, affiliation: converted(affiliation), category: converted(category),
            identity: identity.wire, status: converted(status), createdAt: createdAt, updatedAt: updatedAt
        )
    }
}

extension StatusAssessment {
    var wire: Components.Schemas.StatusEvidence {
        .init(
            status: converted(status),
            decidingEventId: decidingEventID?.uuidString,
            since: since?.description,
            outweighed: outweighed.map {
                .init(eventId: $0.eventID.uuidString, claimed: converted($0.claimed), outweighedBy: $0.outweighedBy.rawValue)
            },
            superseded: superseded.map(\.uuidString).sorted()
        )
    }
}

// MARK: Sources and facilities

extension SourceDraft {
    init(
        kind: Components.Schemas.SourceKind, title: String, reliability: Components.Schemas.Reliability,
        receivedOn: String?, reference: String?, notes: String?
    ) throws {
        var reader = InputReader()
        let receivedOn = reader.date(receivedOn, "receivedOn")
        try reader.finish()
        self.init(
            kind: converted(kind), title: title, reliability: converted(reliability), receivedOn: receivedOn,
            reference: reference, notes: notes
        )
    }
}

extension Source {
    var wire: Components.Schemas.Source {
        .init(
            id: id.uuidString, version: version, kind: converted(kind), title: title, reliability: converted(reliability),
            receivedOn: receivedOn?.description, reference: reference, notes: notes, createdAt: createdAt
        )
    }
}

extension Facility {
    var wire: Components.Schemas.Facility {
        .init(
            id: id.uuidString, version: version, name: name, kind: converted(kind), location: location,
            controlledBy: converted(controlledBy), notes: notes
        )
    }
}

// MARK: Records

extension RecordDraft {
    init(_ input: Components.Schemas.RecordInput) throws {
        var reader = InputReader()
        let sourceID = reader.id(input.sourceId, "sourceId")
        let personID = reader.id(input.personId, "personId")
        let particulars = input.particulars
        let name = PersonName(particulars.name, fallbackLanguage: .ukrainian)
        let dateOfBirth = reader.date(particulars.dateOfBirth, "particulars.dateOfBirth")
        try reader.finish()
        self.init(
            sourceID: sourceID!,
            personID: personID,
            rowNumber: input.rowNumber,
            particulars: RecordParticulars(
                name: name, sex: particulars.sex.map { converted($0) }, dateOfBirth: dateOfBirth,
                dateOfBirthText: particulars.dateOfBirthText, placeOfBirth: particulars.placeOfBirth,
                citizenship: particulars.citizenship, rank: particulars.rank, serviceNumber: particulars.serviceNumber,
                unit: particulars.unit
            ),
            raw: (input.raw ?? []).map { RawField(column: $0.column, value: $0.value) }
        )
    }
}

extension Record {
    var wire: Components.Schemas.Record {
        .init(
            id: id.uuidString, sourceId: sourceID.uuidString, personId: personID?.uuidString, rowNumber: rowNumber,
            particulars: .init(
                name: particulars.name.wire, sex: particulars.sex.map { converted($0) },
                dateOfBirth: particulars.dateOfBirth?.description, dateOfBirthText: particulars.dateOfBirthText,
                placeOfBirth: particulars.placeOfBirth, citizenship: particulars.citizenship, rank: particulars.rank,
                serviceNumber: particulars.serviceNumber, unit: particulars.unit
            ),
            raw: raw.map { .init(column: $0.column, value: $0.value) },
            createdAt: createdAt
        )
    }
}

extension RecordLink {
    var wire: Components.Schemas.RecordLink {
        .init(
            personId: personID.uuidString, linkedAt: linkedAt, linkedBy: linkedBy, reason: reason, undoneAt: undoneAt,
            undoneBy: undoneBy
        )
    }
}

// MARK: Events

extension EventDraft {
    init(_ input: Components.Schemas.EventInput) throws {
        var reader = InputReader()
        let draft = EventDraft(
            kind: converted(input.kind),
            date: reader.date(input.date, "date"),
            place: input.place,
            facilityID: reader.id(input.facilityId, "facilityId"),
            sourceID: reader.id(input.sourceId, "sourceId"),
            recordID: reader.id(input.recordId, "recordId"),
            credibility: reader.credibility(input.credibility, "credibility"),
            captureMode: input.captureMode.map { converted($0) },
            note: input.note,
            supersedes: reader.id(input.supersedes, "supersedes")
        )
        try reader.finish()
        self = draft
    }
}

extension TimelineEntry {
    var wire: Components.Schemas.Event {
        .init(
            id: event.id.uuidString, personId: event.personID.uuidString, kind: converted(event.kind),
            date: event.date?.description, place: event.place, facilityId: event.facilityID?.uuidString,
            sourceId: event.sourceID?.uuidString, recordId: event.recordID?.uuidString,
            credibility: event.credibility.rawValue, captureMode: event.captureMode.map { converted($0) },
            note: event.note, supersedes: event.supersedes?.uuidString, supersededBy: supersededBy?.uuidString,
            recordedAt: event.recordedAt
        )
    }
}
