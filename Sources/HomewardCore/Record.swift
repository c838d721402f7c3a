import Foundation

/// One cell of a row as the source gave it.
public struct RawField: Hashable, Sendable, Codable {
    public var column: String
    public var value: String

    public init(column: String, value: String) {
        self.column = column
        self.value = value
    }
}

/// One source's statement about a person: kept exactly as received, with its parsed form beside it.
///
/// A record is never edited: a correction is a new record. Which person it describes is a link
/// made by the matcher or by an analyst, and can be undone.
public struct Record: Identifiable, Hashable, Sendable {
    public let id: UUID
    public var sourceID: UUID
    /// The person this record is currently linked to, if any.
    public var personID: UUID?
    /// The row of the list it came from, counting the header as row 1, when it came from a list.
    public var rowNumber: Int?
    public var particulars: RecordParticulars
    /// The row as received, column by column, in the source's order and script.
    public var raw: [RawField]
    public var createdAt: Date

    public init(
        id: UUID,
        sourceID: UUID,
        personID: UUID?,
        rowNumber: Int?,
        particulars: RecordParticulars,
        raw: [RawField],
        createdAt: Date
    ) {
        self.id = id
        self.sourceID = sourceID
        self.personID = personID
        self.rowNumber = rowNumber
        self.particulars = particulars
        self.raw = raw
        self.createdAt = createdAt
    }
}

/// What a record says about a person's identity, parsed; any part may be missing.
public struct RecordParticulars: Hashable, Sendable, Codable {
    public var name: PersonName
    public var sex: Sex?
    public var dateOfBirth: PartialDate?
    /// The date of birth as written, kept when it could not be read as a date.
    public var dateOfBirthText: String?
    public var placeOfBirth: String?
    public var citizenship: String?
    public var rank: String?
    public var serviceNumber: String?
    public var unit: String?

    public init(
        name: PersonName,
        sex: Sex? = nil,
        dateOfBirth: PartialDate? = nil,
        dateOfBirthText: String? = nil,
        placeOfBirth: String? = nil,
        citizenship: String? = nil,
        rank: String? = nil,
        serviceNumber: String? = nil,
        unit: String? = nil
    ) {
        self.name = name
        self.sex = sex
        self.dateOfBirth = dateOfBirth
        self.dateOfBirthText = dateOfBirthText
        self.placeOfBirth = placeOfBirth
        self.citizenship = citizenship
        self.rank = rank
        self.serviceNumber = serviceNumber
        self.unit = unit
    }
}

public struct RecordDraft: Hashable, Sendable {
    public var sourceID: UUID
    public var personID: UUID?
    public var rowNumber: Int?
    public var particulars: RecordParticulars
    public var raw: [RawField]

    public init(
        sourceID: UUID,
        personID: UUID? = nil,
        rowNumber: Int? = nil,
        particulars: RecordParticulars,
        raw: [RawField] = []
    ) {
        self.sourceID = sourceID
        self.personID = personID
        self.rowNumber = rowNumber
        self.particulars = particulars
        self.raw = raw
    }
}
