import Foundation
import HomewardCore

// Rows hold plain strings; a value that no longer parses means the database was edited by hand,
// which is reported rather than papered over.

func decoded<T: RawRepresentable>(_ type: T.Type, _ raw: String, column: String) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: raw) else {
        throw StoreError.internalInconsistency("column \(column) holds '\(raw)', which is not a \(T.self)")
    }
    return value
}

func decodedDate(_ raw: String?, column: String) throws -> PartialDate? {
    guard let raw else { return nil }
    guard let date = PartialDate(raw) else {
        throw StoreError.internalInconsistency("column \(column) holds '\(raw)', which is not a date")
    }
    return date
}

extension PersonModel {
    func apply(_ draft: PersonDraft) {
        affiliation = draft.affiliation.rawValue
        category = draft.category.rawValue
        let identity = draft.identity
        let latin = identity.name.latin
        nameLanguage = identity.name.language.rawValue
        surname = identity.name.surname
        givenNames = identity.name.givenNames
        patronymic = identity.name.patronymic
        surnameLatin = latin.surname
        givenNamesLatin = latin.givenNames
        patronymicLatin = latin.patronymic
        sex = identity.sex?.rawValue
        dateOfBirth = identity.dateOfBirth?.description
        placeOfBirth = identity.placeOfBirth
        citizenship = identity.citizenship
        dependentPower = identity.dependentPower
        rank = identity.rank
        serviceNumber = identity.serviceNumber
        unit = identity.unit
        fatherFirstName = identity.fatherFirstName
        mothersMaidenName = identity.mothersMaidenName
        nextOfKin = identity.nextOfKin
    }

    func person() throws -> Person {
        guard let id else { throw StoreError.internalInconsistency("a person row without id") }
        let identity = PersonIdentity(
            name: PersonName(
                surname: surname, givenNames: givenNames, patronymic: patronymic,
                language: try decoded(NameLanguage.self, nameLanguage, column: "persons.name_language")
            ),
            sex: try sex.map { try decoded(Sex.self, $0, column: "persons.sex") },
            dateOfBirth: try decodedDate(dateOfBirth, column: "persons.date_of_birth"),
            placeOfBirth: placeOfBirth,
            citizenship: citizenship,
            dependentPower: dependentPower,
            rank: rank,
            serviceNumber: serviceNumber,
            unit: unit,
            fatherFirstName: fatherFirstName,
            mothersMaidenName: mothersMaidenName,
            nextOfKin: nextOfKin
        )
        return Person(
            id: id,
            version: version,
            affiliation: try decoded(Affiliation.self, affiliation, column: "persons.affiliation"),
            category: try decoded(PersonCategory.self, category, column: "persons.category"),
            identity: identity,
            status: try decoded(PersonStatus.self, status, column: "persons.status"),
            createdAt: createdAt,
            updatedAt: updatedAt
        )
    }
}

extension SourceModel {
    func apply(_ draft: SourceDraft) {
        kind = draft.kind.rawValue
        title = draft.title
        reliability = draft.reliability.rawValue
        receivedOn = draft.receivedOn?.description
        reference = draft.reference
        notes = draft.notes
    }

    func source() throws -> Source {
        guard let id else { throw StoreError.internalInconsistency("a source row without id") }
        return Source(
            id: id,
            version: version,
            kind: try decoded(SourceKind.self, kind, column: "sources.kind"),
            title: title,
            reliability: try decoded(Reliability.self, reliability, column: "sources.reliability"),
            receivedOn: try decodedDate(receivedOn, column: "sources.received_on"),
            reference: reference,
            notes: notes,
            createdAt: createdAt
        )
    }
}

extension FacilityModel {
    func apply(_ draft: FacilityDraft) {
        name = draft.name
        kind = draft.kind.rawValue
        location = draft.location
        controlledBy = draft.controlledBy.rawValue
        notes = draft.notes
    }

    func facility() throws -> Facility {
        guard let id else { throw StoreError.internalInconsistency("a facility row without id") }
        return Facility(
            id: id,
            version: version,
            name: name,
            kind: try decoded(FacilityKind.self, kind, column: "facilities.kind"),
            location: location,
            controlledBy: try decoded(Affiliation.self, controlledBy, column: "facilities.controlled_by"),
            notes: notes
        )
    }
}

extension RecordModel {
    func apply(_ draft: RecordDraft) {
        sourceID = draft.sourceID
        personID = draft.personID
        rowNumber = draft.rowNumber
        let particulars = draft.particulars
        nameLanguage = particulars.name.language.rawValue
        surname = particulars.name.surname
        givenNames = particulars.name.givenNames
        patronymic = particulars.name.patronymic
        surnameLatin = particulars.name.latin.surname
        sex = particulars.sex?.rawValue
        dateOfBirth = particulars.dateOfBirth?.description
        dateOfBirthText = particulars.dateOfBirthText
        placeOfBirth = particulars.placeOfBirth
        citizenship = particulars.citizenship
        rank = particulars.rank
        serviceNumber = particulars.serviceNumber
        unit = particulars.unit
        raw = RawRow(cells: draft.raw)
    }

    func record() throws -> Record {
        guard let id else { throw StoreError.internalInconsistency("a record row without id") }
        let particulars = RecordParticulars(
            name: PersonName(
                surname: surname, givenNames: givenNames, patronymic: patronymic,
                language: try decoded(NameLanguage.self, nameLanguage, column: "records.name_language")
            ),
            sex: try sex.map { try decoded(Sex.self, $0, column: "records.sex") },
            dateOfBirth: try decodedDate(dateOfBirth, column: "records.date_of_birth"),
            dateOfBirthText: dateOfBirthText,
            placeOfBirth: placeOfBirth,
            citizenship: citizenship,
            rank: rank,
            serviceNumber: serviceNumber,
            unit: unit
        )
        return Record(
            id: id, sourceID: sourceID, personID: personID, rowNumber: rowNumber, particulars: particulars,
            raw: raw.cells, createdAt: createdAt
        )
    }
}

extension EventModel {
    convenience init(_ event: Event, recordedBy: String) {
        self.init()
        id = event.id
        personID = event.personID
        kind = event.kind.rawValue
        date = event.date?.description
        place = event.place
        facilityID = event.facilityID
        sourceID = event.sourceID
        recordID = event.recordID
        credibility = event.credibility.rawValue
        captureMode = event.captureMode?.rawValue
        note = event.note
        supersedes = event.supersedes
        recordedAt = event.recordedAt
        self.recordedBy = recordedBy
    }

    func event() throws -> Event {
        guard let id else { throw StoreError.internalInconsistency("an event row without id") }
        guard let credibility = Credibility(rawValue: credibility) else {
            throw StoreError.internalInconsistency("column events.credibility holds \(self.credibility)")
        }
        return Event(
            id: id,
            personID: personID,
            kind: try decoded(EventKind.self, kind, column: "events.kind"),
            date: try decodedDate(date, column: "events.date"),
            place: place,
            facilityID: facilityID,
            sourceID: sourceID,
            recordID: recordID,
            credibility: credibility,
            captureMode: try captureMode.map { try decoded(CaptureMode.self, $0, column: "events.capture_mode") },
            note: note,
            supersedes: supersedes,
            recordedAt: recordedAt
        )
    }
}
