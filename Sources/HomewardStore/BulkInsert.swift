import FluentKit
import Foundation
import SQLKit

/// Multi-row INSERTs written with SQLKit, for batches of tens of thousands of rows.
///
/// Fluent's own batch create converts every model through its query representation, and binds
/// optional values through a nested encoder per value: importing a list spent most of its time
/// there. The values bound here are the models' own, converted as the drivers convert them, so
/// the rows are stored exactly as Fluent stores them (the tests read them back through Fluent).
protocol BulkInsertable: Model {
    static var columns: [String] { get }
    var row: [BulkValue] { get }
}

/// One column's value, typed, so that each can be bound the fastest way its driver allows.
enum BulkValue {
    case text(String?)
    case integer(Int?)
    case uuid(UUID?)
    case date(Date?)
    /// Stored as JSON, as Fluent stores a `Codable` field.
    case json((any Encodable & Sendable)?)

    func expression(sqlite: Bool) -> any SQLExpression {
        switch self {
        case .text(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
        case .integer(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
        // SQLite's encoder stores a UUID as its string; binding the string skips the nested encoder.
        case .uuid(let value): value.map { sqlite ? SQLBind($0.uuidString) : SQLBind($0) } ?? SQLLiteral.null
        case .date(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
        case .json(let value): value.map { SQLBind($0) } ?? SQLLiteral.null
        }
    }
}

extension Array where Element: BulkInsertable {
    /// Rows per statement: well under SQLite's 32,766 bound values for the widest table.
    static var rowsPerStatement: Int { 30_000 / Element.columns.count }

    func insert(on database: any Database, sqlite: Bool) async throws {
        let sql = try database.sqlDatabase()
        for chunk in chunked(Self.rowsPerStatement) {
            var insert = sql.insert(into: Element.schema).columns(Element.columns)
            for model in chunk { insert = insert.values(model.row.map { $0.expression(sqlite: sqlite) }) }
            try await insert.run()
        }
    }
}

extension PersonModel: BulkInsertable {
    static let columns = [
        "id", "version", "affiliation", "category", "status", "status_since", "name_language", "surname", "given_names",
        "patronymic", "surname_latin", "given_names_latin", "patronymic_latin", "sex", "date_of_birth", "place_of_birth",
        "citizenship", "dependent_power", "rank", "service_number", "unit", "father_first_name", "mothers_maiden_name",
        "next_of_kin", "created_at", "updated_at",
    ]

    var row: [BulkValue] {
        [
            .uuid(id), .integer(version), .text(affiliation), .text(category), .text(status), .text(statusSince),
            .text(nameLanguage), .text(surname), .text(givenNames), .text(patronymic), .text(surnameLatin),
            .text(givenNamesLatin), .text(patronymicLatin), .text(sex), .text(dateOfBirth), .text(placeOfBirth),
            .text(citizenship), .text(dependentPower), .text(rank), .text(serviceNumber), .text(unit),
            .text(fatherFirstName), .text(mothersMaidenName), .json(nextOfKin), .date(createdAt), .date(updatedAt),
        ]
    }
}

extension RecordModel: BulkInsertable {
    static let columns = [
        "id", "source_id", "person_id", "row_number", "name_language", "surname", "given_names", "patronymic",
        "surname_latin", "sex", "date_of_birth", "date_of_birth_text", "place_of_birth", "citizenship", "rank",
        "service_number", "unit", "raw", "created_at",
    ]

    var row: [BulkValue] {
        [
            .uuid(id), .uuid(sourceID), .uuid(personID), .integer(rowNumber), .text(nameLanguage), .text(surname),
            .text(givenNames), .text(patronymic), .text(surnameLatin), .text(sex), .text(dateOfBirth),
            .text(dateOfBirthText), .text(placeOfBirth), .text(citizenship), .text(rank), .text(serviceNumber),
            .text(unit), .json(raw), .date(createdAt),
        ]
    }
}

extension RecordLinkModel: BulkInsertable {
    static let columns = ["id", "record_id", "person_id", "linked_at", "linked_by", "reason", "undone_at", "undone_by"]

    var row: [BulkValue] {
        [
            .uuid(id), .uuid(recordID), .uuid(personID), .date(linkedAt), .text(linkedBy), .text(reason), .date(undoneAt),
            .text(undoneBy),
        ]
    }
}

extension EventModel: BulkInsertable {
    static let columns = [
        "id", "person_id", "kind", "date", "place", "facility_id", "source_id", "record_id", "credibility", "capture_mode",
        "note", "supersedes", "recorded_at", "recorded_by",
    ]

    var row: [BulkValue] {
        [
            .uuid(id), .uuid(personID), .text(kind), .text(date), .text(place), .uuid(facilityID), .uuid(sourceID),
            .uuid(recordID), .integer(credibility), .text(captureMode), .text(note), .uuid(supersedes),
            .date(recordedAt), .text(recordedBy),
        ]
    }
}
