import FluentKit
import Foundation
import HomewardCore

// Fluent models stay inside the storage layer; everything else sees the Core values they convert to.

final class PersonModel: Model, @unchecked Sendable {
    static let schema = "persons"

    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "affiliation") var affiliation: String
    @Field(key: "category") var category: String
    @Field(key: "status") var status: String
    @OptionalField(key: "status_since") var statusSince: String?
    @Field(key: "name_language") var nameLanguage: String
    @Field(key: "surname") var surname: String
    @OptionalField(key: "given_names") var givenNames: String?
    @OptionalField(key: "patronymic") var patronymic: String?
    // The Latin forms are derived on every write, kept for ordering and search.
    @Field(key: "surname_latin") var surnameLatin: String
    @OptionalField(key: "given_names_latin") var givenNamesLatin: String?
    @OptionalField(key: "patronymic_latin") var patronymicLatin: String?
    @OptionalField(key: "sex") var sex: String?
    @OptionalField(key: "date_of_birth") var dateOfBirth: String?
    @OptionalField(key: "place_of_birth") var placeOfBirth: String?
    @OptionalField(key: "citizenship") var citizenship: String?
    @OptionalField(key: "dependent_power") var dependentPower: String?
    @OptionalField(key: "rank") var rank: String?
    @OptionalField(key: "service_number") var serviceNumber: String?
    @OptionalField(key: "unit") var unit: String?
    @OptionalField(key: "father_first_name") var fatherFirstName: String?
    @OptionalField(key: "mothers_maiden_name") var mothersMaidenName: String?
    @OptionalField(key: "next_of_kin") var nextOfKin: NextOfKin?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

final class SourceModel: Model, @unchecked Sendable {
    static let schema = "sources"

    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "reliability") var reliability: String
    @OptionalField(key: "received_on") var receivedOn: String?
    @OptionalField(key: "reference") var reference: String?
    @OptionalField(key: "notes") var notes: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class FacilityModel: Model, @unchecked Sendable {
    static let schema = "facilities"

    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "location") var location: String?
    @Field(key: "controlled_by") var controlledBy: String
    @OptionalField(key: "notes") var notes: String?

    init() {}
}

final class RecordModel: Model, @unchecked Sendable {
    static let schema = "records"

    @ID(key: .id) var id: UUID?
    @Field(key: "source_id") var sourceID: UUID
    @OptionalField(key: "person_id") var personID: UUID?
    @OptionalField(key: "row_number") var rowNumber: Int?
    @Field(key: "name_language") var nameLanguage: String
    @Field(key: "surname") var surname: String
    @OptionalField(key: "given_names") var givenNames: String?
    @OptionalField(key: "patronymic") var patronymic: String?
    @Field(key: "surname_latin") var surnameLatin: String
    @OptionalField(key: "sex") var sex: String?
    @OptionalField(key: "date_of_birth") var dateOfBirth: String?
    @OptionalField(key: "date_of_birth_text") var dateOfBirthText: String?
    @OptionalField(key: "place_of_birth") var placeOfBirth: String?
    @OptionalField(key: "citizenship") var citizenship: String?
    @OptionalField(key: "rank") var rank: String?
    @OptionalField(key: "service_number") var serviceNumber: String?
    @OptionalField(key: "unit") var unit: String?
    @Field(key: "raw") var raw: RawRow
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A row as received, stored as one JSON document: the PostgreSQL driver would store a bare
/// array as a PostgreSQL array rather than as JSON.
struct RawRow: Codable, Sendable {
    var cells: [RawField]
}

/// Every link a record has had to a person; undoing a link stamps it, never deletes it.
final class RecordLinkModel: Model, @unchecked Sendable {
    static let schema = "record_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "person_id") var personID: UUID
    @Field(key: "linked_at") var linkedAt: Date
    @Field(key: "linked_by") var linkedBy: String
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "undone_at") var undoneAt: Date?
    @OptionalField(key: "undone_by") var undoneBy: String?

    init() {}
}

final class EventModel: Model, @unchecked Sendable {
    static let schema = "events"

    @ID(key: .id) var id: UUID?
    @Field(key: "person_id") var personID: UUID
    @Field(key: "kind") var kind: String
    @OptionalField(key: "date") var date: String?
    @OptionalField(key: "place") var place: String?
    @OptionalField(key: "facility_id") var facilityID: UUID?
    @OptionalField(key: "source_id") var sourceID: UUID?
    @OptionalField(key: "record_id") var recordID: UUID?
    @Field(key: "credibility") var credibility: Int
    @OptionalField(key: "capture_mode") var captureMode: String?
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "supersedes") var supersedes: UUID?
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "recorded_by") var recordedBy: String

    init() {}
}

final class AccessTokenModel: Model, @unchecked Sendable {
    static let schema = "access_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// SHA-256 of the token; the token itself is shown once and never stored.
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// Space-separated `TokenScope`s; nil for tokens made before scopes existed, which could do everything.
    @OptionalField(key: "scopes") var scopes: String?

    init() {}
}

final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(custom: "sequence", generatedBy: .user) var id: Int?
    @Field(key: "at") var at: Date
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @OptionalField(key: "entity_id") var entityID: String?
    @Field(key: "detail") var detail: String
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}
}
