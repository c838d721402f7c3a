import FluentKit
import SQLKit

/// The schema's history, in order. Never edit a migration that has shipped: add the next one.
enum Migrations {
    static let all: [any AsyncMigration] = [
        M001CreateRegister(),
        M002CreateAccessAndAudit(),
        M003CreateAccountsAndReview(),
        M004CreateListImports(),
        M005CreateNotifications(),
        M006CreateExchanges(),
        M007CreateInquiries(),
        M008CreateInquiryDocumentsAndDelivery(),
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

/// 003: staff accounts, browser sessions, failed sign-ins, token scopes, and the queue of possible
/// duplicates with the decisions taken on them.
struct M003CreateAccountsAndReview: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("role", .string, .required)
            .field("password_hash", .string, .required)
            .field("totp_secret", .string)
            .field("language", .string, .required)
            .field("created_at", .datetime, .required)
            .field("disabled_at", .datetime)
            .unique(on: "username")
            .create()

        try await database.schema("web_sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("form_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()

        try await database.schema("login_failures")
            .id()
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("at", .datetime, .required)
            .create()

        // Tokens made before scopes existed could do everything; they keep that ("read write").
        try await database.schema("access_tokens")
            .field("scopes", .string)
            .update()

        try await database.schema("match_candidates")
            .id()
            .field("left_record_id", .uuid, .required, .references("records", "id"))
            .field("right_record_id", .uuid, .required, .references("records", "id"))
            .field("probability", .double, .required)
            .field("priority", .double, .required)
            .field("explanation", .string, .required)
            .field("state", .string, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("previous_person_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "left_record_id", "right_record_id")
            .create()

        let sql = try database.sqlDatabase()
        for statement in [
            "CREATE INDEX login_failures_by_username ON login_failures (username, at)",
            "CREATE INDEX login_failures_by_address ON login_failures (address, at)",
            "CREATE INDEX match_candidates_queue ON match_candidates (state, priority)",
            "CREATE INDEX audit_entries_by_entity ON audit_entries (entity, entity_id)",
        ] {
            try await sql.raw(SQLQueryString(stringLiteral: statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["match_candidates", "login_failures", "web_sessions", "users"] {
            try await database.schema(table).delete()
        }
        try await database.schema("access_tokens").deleteField("scopes").update()
    }
}

/// 004: the lists imported, one row per file, so that the same file is never imported twice.
struct M004CreateListImports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("list_imports")
            .id()
            .field("checksum", .string, .required)
            .field("file_name", .string, .required)
            .field("format", .string, .required)
            .field("encoding", .string)
            .field("source_id", .uuid, .required, .references("sources", "id"))
            .field("rows", .int, .required)
            .field("new_persons", .int, .required)
            .field("linked_records", .int, .required)
            .field("review_records", .int, .required)
            .field("imported_at", .datetime, .required)
            .field("imported_by", .string, .required)
            .unique(on: "checksum")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("list_imports").delete()
    }
}

/// 005: what the bureau sent (notification batches to the Central Tracing Agency) and whom each named.
struct M005CreateNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notifications")
            .id()
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("persons", .int, .required)
            .field("file_name", .string, .required)
            .field("checksum", .string, .required)
            .field("content", .string, .required)
            .field("sent_at", .datetime)
            .field("sent_to", .string)
            .field("sent_by", .string)
            .create()
        try await database.schema("notification_persons")
            .id()
            .field("notification_id", .uuid, .required, .references("notifications", "id"))
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .unique(on: "notification_id", "person_id")
            .create()
        try await database.sqlDatabase().raw("CREATE INDEX notification_persons_by_person ON notification_persons (person_id)")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("notification_persons").delete()
        try await database.schema("notifications").delete()
    }
}

/// 006: exchanges (parties, negotiations, list versions, the day's outcomes), the exchange fund's
/// holds, medical findings that bear on repatriation, and the bureau's settings.
struct M006CreateExchanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("exchange_parties")
            .id()
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "name", "role")
            .create()
        try await database.schema("exchanges")
            .id()
            .field("version", .int, .required)
            .field("title", .string, .required)
            .field("counterparty_id", .uuid, .required, .references("exchange_parties", "id"))
            .field("mediator_id", .uuid, .references("exchange_parties", "id"))
            .field("state", .string, .required)
            .field("formula", .string, .required)
            .field("round", .int, .required)
            .field("planned_on", .string)
            .field("held_on", .string)
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("agreed_at", .datetime)
            .field("agreed_by", .string)
            .field("agreed_ours_list_id", .uuid)
            .field("agreed_theirs_list_id", .uuid)
            .field("closed_at", .datetime)
            .field("closed_by", .string)
            .field("source_id", .uuid, .references("sources", "id"))
            .field("cancel_reason", .string)
            .create()
        try await database.schema("exchange_lists")
            .id()
            .field("exchange_id", .uuid, .required, .references("exchanges", "id"))
            .field("round", .int, .required)
            .field("side", .string, .required)
            .field("version", .int, .required)
            .field("proposed_by", .string, .required)
            .field("note", .string)
            .field("persons", .int, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .unique(on: "exchange_id", "side", "version")
            .create()
        try await database.schema("exchange_list_persons")
            .id()
            .field("list_id", .uuid, .required, .references("exchange_lists", "id"))
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .field("position", .int, .required)
            .unique(on: "list_id", "person_id")
            .create()
        try await database.schema("exchange_outcomes")
            .id()
            .field("exchange_id", .uuid, .required, .references("exchanges", "id"))
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .field("side", .string, .required)
            .field("outcome", .string, .required)
            .field("note", .string)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .string, .required)
            .unique(on: "exchange_id", "person_id")
            .create()
        try await database.schema("medical_findings")
            .id()
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .field("condition", .string)
            .field("decision", .string)
            .field("decided_on", .string)
            .field("note", .string)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .string, .required)
            .create()
        try await database.schema("fund_holds")
            .id()
            .field("person_id", .uuid, .required, .references("persons", "id"))
            .field("reason", .string, .required)
            .field("note", .string)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .string, .required)
            .field("lifted_at", .datetime)
            .field("lifted_by", .string)
            .create()
        try await database.schema("bureau_settings")
            .id()
            .field("key", .string, .required)
            .field("value", .string, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .unique(on: "key")
            .create()
        let sql = try database.sqlDatabase()
        for statement in [
            "CREATE INDEX exchange_list_persons_by_person ON exchange_list_persons (person_id)",
            "CREATE INDEX exchange_lists_by_exchange ON exchange_lists (exchange_id, round)",
            "CREATE INDEX medical_findings_by_person ON medical_findings (person_id, recorded_at)",
            "CREATE INDEX fund_holds_by_person ON fund_holds (person_id)",
        ] {
            try await sql.raw(SQLQueryString(stringLiteral: statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "bureau_settings", "fund_holds", "medical_findings", "exchange_outcomes", "exchange_list_persons", "exchange_lists",
            "exchanges", "exchange_parties",
        ] {
            try await database.schema(table).delete()
        }
    }
}

/// 007: families' tracing requests, every answer given to them, and the outbox of notifications.
struct M007CreateInquiries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inquiries")
            .id()
            .field("version", .int, .required)
            .field("case_code", .string, .required)
            .field("channel", .string, .required)
            .field("applicant", .string, .required)
            .field("applicant_date_of_birth", .string, .required)
            .field("sought", .string, .required)
            .field("sought_surname_latin", .string, .required)
            .field("consent_at", .datetime, .required)
            .field("person_id", .uuid, .references("persons", "id"))
            .field("linked_at", .datetime)
            .field("linked_by", .string)
            .field("notified_level", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .unique(on: "case_code")
            .create()
        try await database.schema("inquiry_answers")
            .id()
            .field("inquiry_id", .uuid, .required, .references("inquiries", "id"))
            .field("level", .string, .required)
            .field("channel", .string, .required)
            .field("note", .string)
            .field("given_at", .datetime, .required)
            .field("given_by", .string, .required)
            .create()
        try await database.schema("outbox")
            .id()
            .field("inquiry_id", .uuid, .required, .references("inquiries", "id"))
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("level", .string, .required)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("sent_by", .string)
            .field("via", .string)
            .create()
        let sql = try database.sqlDatabase()
        for statement in [
            "CREATE INDEX inquiries_by_person ON inquiries (person_id)",
            "CREATE INDEX inquiry_answers_by_inquiry ON inquiry_answers (inquiry_id, given_at)",
            "CREATE INDEX outbox_pending ON outbox (sent_at, created_at)",
        ] {
            try await sql.raw(SQLQueryString(stringLiteral: statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["outbox", "inquiry_answers", "inquiries"] { try await database.schema(table).delete() }
    }
}

/// 008: the documents proving kinship that applicants send with an inquiry, and what the outbox
/// needs to send by e-mail: how often a message was tried, why it last failed, when to try again.
struct M008CreateInquiryDocumentsAndDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inquiry_documents")
            .id()
            .field("inquiry_id", .uuid, .required, .references("inquiries", "id"))
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("byte_count", .int, .required)
            .field("sha256", .string, .required)
            .field("content", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        // One column a statement: SQLite adds no more at a time.
        try await database.schema("outbox").field("attempts", .int).update()
        try await database.schema("outbox").field("last_error", .string).update()
        try await database.schema("outbox").field("next_attempt_at", .datetime).update()
        let sql = try database.sqlDatabase()
        try await sql.raw("CREATE INDEX inquiry_documents_by_inquiry ON inquiry_documents (inquiry_id)").run()
    }

    func revert(on database: any Database) async throws {
        for column: FieldKey in ["attempts", "last_error", "next_attempt_at"] {
            try await database.schema("outbox").deleteField(column).update()
        }
        try await database.schema("inquiry_documents").delete()
    }
}
