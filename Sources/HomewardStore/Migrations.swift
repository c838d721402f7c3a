import FluentKit
import SQLKit

/// The schema's history, in order. Never edit a migration that has shipped: add the next one.
enum Migrations {
    static let all: [any AsyncMigration] = [
        M001CreateRegister(),
        M002CreateAccessAndAudit(),
    ]
}

/// 001: persons, sources, facilities, records and their links, events.
struct M001CreateRegister: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sources")
            .id()
            .field("version", .int, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("reliability", .string, .required)
            .field("received_on", .string)
            .field("reference", .string)
            .field("notes", .string)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema("facilities")
            .id()
            .field("version", .int, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("location", .string)
            .field("controlled_by", .string, .required)
            .field("notes", .string)
            .create()

        try await database.schema("persons")
            .id()
            .field("version", .int, .required)
            .field("affiliation", .string, .required)
            .field("category", .string, .required)
            .field("status", .string, .required)
            .field("status_since", .string)
            .field("name_language", .string, .required)
            .field("surname", .string, .required)
            .field("given_names", .string)
            .field("patronymic", .string)
            .field("surname_latin", .string, .required)
            .field("given_names_latin", .string)
            .field("patronymic_latin", .string)
            .field("sex", .string)
            .field("date_of_birth", .string)
            .field("place_of_birth", .string)
            .field("citizenship", .string)
            .field("dependent_power", .string)
            .field("rank", .string)
            .field("service_number", .string)
            .field("unit", .string)
            .field("father_first_name", .string)
            .field("mothers_maiden_name", .string)
            .field("next_of_kin", .json)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("records")
            .id()
            .field("source_id", .uuid, .required, .references("sources", "id"))
            .field("person_id", .uuid, .references("persons", "id"))
            .field("row_number", .int)
            .field("name_language", .string, .required)
            .field("surname", .string, .required)
            .field("given_names", .string)
            .field("patronymic", .string)
            .field("surname_latin", .string, .required)
            .field("sex", .string)
            .field("date_of_birth", .string)
            .field("date_of_birth_text", .string)
            .field("place_of_birth", .string)
            .field("citizenship", .string)
            .field("rank", .string)
            .field("service_number", .string)
            .field("unit", .string)
            .field("raw", .json, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema("record_links")
            .id()
            .field("record_id", .uuid, .required, .references("records", "id"))
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .field("linked_at", .datetime, .required)
            .field("linked_by", .string, .required)
            .field("reason", .string)
            .field("undone_at", .datetime)
            .field("undone_by", .string)
            .create()

        try await database.schema("events")
            .id()
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .field("kind", .string, .required)
            .field("date", .string)
            .field("place", .string)
            .field("facility_id", .uuid, .references("facilities", "id"))
            .field("source_id", .uuid, .references("sources", "id"))
            .field("record_id", .uuid, .references("records", "id"))
            .field("credibility", .int, .required)
            .field("capture_mode", .string)
            .field("note", .string)
            .field("supersedes", .uuid, .references("events", "id"))
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .string, .required)
            // One correction per event: a second one must correct the first correction.
            .unique(on: "supersedes")
            .create()

        let sql = try database.sqlDatabase()
        for statement in [
            "CREATE INDEX persons_listing ON persons (affiliation, status, category, surname_latin)",
            "CREATE INDEX persons_by_surname ON persons (surname_latin, id)",
            "CREATE INDEX records_by_person ON records (person_id)",
            "CREATE INDEX records_by_source ON records (source_id, row_number)",
            "CREATE INDEX record_links_by_record ON record_links (record_id, linked_at)",
            "CREATE INDEX events_by_person ON events (person_id)",
            "CREATE INDEX events_by_kind ON events (kind, date)",
        ] {
            try await sql.raw(SQLQueryString(stringLiteral: statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["events", "record_links", "records", "persons", "facilities", "sources"] {
            try await database.schema(table).delete()
        }
    }
}

/// 002: personal access tokens and the hash-chained audit log.
struct M002CreateAccessAndAudit: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("access_tokens")
            .id()
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await database.schema("audit_entries")
            .field("sequence", .int64, .identifier(auto: false))
            .field("at", .datetime, .required)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string)
            .field("detail", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_entries").delete()
        try await database.schema("access_tokens").delete()
    }
}
