import FluentKit
import Foundation
import HomewardCore
import SQLKit

/// What the search box knows of one person: every way any record wrote their name, and the
/// particulars the filters select on.
public struct PersonSearchDocument: Sendable, Equatable {
    public var id: UUID
    public var affiliation: Affiliation
    public var category: PersonCategory
    public var status: PersonStatus
    /// The person's own name and the name of every record linked to them, each as
    /// (surname, given names, patronymic).
    public var names: [[String]]
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, from the person and their records.
    public var datesOfBirth: [String]
    public var sourceIDs: [UUID]
    /// For the results list: how the register names the person, and their date of birth.
    public var displayName: String
    public var displayDateOfBirth: String?
}

extension Register {
    /// Every person as the search box sees them; two queries, whatever the register's size.
    public func searchDocuments() async throws -> [PersonSearchDocument] {
        try await searchDocuments(where: nil)
    }

    /// One person as the search box sees them, after a change; nil if there is no such person.
    public func searchDocument(of personID: UUID) async throws -> PersonSearchDocument? {
        try await searchDocuments(where: personID).first
    }

    private func searchDocuments(where personID: UUID?) async throws -> [PersonSearchDocument] {
        let sql = try database.sqlDatabase()
        var persons = sql.select()
            .columns("id", "affiliation", "category", "status", "surname", "given_names", "patronymic", "date_of_birth")
            .from("persons")
        if let personID { persons = persons.where("id", .equal, personID) }
        var documents: [PersonSearchDocument] = []
        var position: [UUID: Int] = [:]
        for row in try await persons.all() {
            let id = try row.decode(column: "id", as: UUID.self)
            let surname = try row.decode(column: "surname", as: String.self)
            let given = try row.decode(column: "given_names", as: String?.self)
            let patronymic = try row.decode(column: "patronymic", as: String?.self)
            let dateOfBirth = try row.decode(column: "date_of_birth", as: String?.self)
            position[id] = documents.count
            documents.append(
                PersonSearchDocument(
                    id: id,
                    affiliation: try decoded(
                        Affiliation.self, try row.decode(column: "affiliation", as: String.self), column: "persons.affiliation"),
                    category: try decoded(
                        PersonCategory.self, try row.decode(column: "category", as: String.self), column: "persons.category"),
                    status: try decoded(
                        PersonStatus.self, try row.decode(column: "status", as: String.self), column: "persons.status"),
                    names: [[surname, given ?? "", patronymic ?? ""]],
                    datesOfBirth: dateOfBirth.map { [$0] } ?? [],
                    sourceIDs: [],
                    displayName: [surname, given, patronymic].compactMap { $0 }.joined(separator: " "),
                    displayDateOfBirth: dateOfBirth
                )
            )
        }
        var records = sql.select()
            .columns("person_id", "source_id", "surname", "given_names", "patronymic", "date_of_birth")
            .from("records")
            .where("person_id", .isNot, SQLLiteral.null)
        if let personID { records = records.where("person_id", .equal, personID) }
        for row in try await records.all() {
            guard let personID = try row.decode(column: "person_id", as: UUID?.self), let index = position[personID] else {
                continue
            }
            let name = [
                try row.decode(column: "surname", as: String.self),
                try row.decode(column: "given_names", as: String?.self) ?? "",
                try row.decode(column: "patronymic", as: String?.self) ?? "",
            ]
            if !documents[index].names.contains(name) { documents[index].names.append(name) }
            if let date = try row.decode(column: "date_of_birth", as: String?.self), !documents[index].datesOfBirth.contains(date)
            {
                documents[index].datesOfBirth.append(date)
            }
            let source = try row.decode(column: "source_id", as: UUID.self)
            if !documents[index].sourceIDs.contains(source) { documents[index].sourceIDs.append(source) }
        }
        return documents
    }
}

extension Register {
    /// Changes whenever anything the search box shows changes: persons added or edited, records
    /// linked or unlinked, events that move a status. A server compares it now and then to notice
    /// changes made by another process (an import, another server).
    public func searchFingerprint() async throws -> String {
        let sql = try database.sqlDatabase()
        let row = try await sql.raw(
            """
            SELECT (SELECT COUNT(*) FROM persons) AS persons, (SELECT MAX(updated_at) FROM persons) AS updated,
                   (SELECT COUNT(*) FROM record_links) AS links, (SELECT COUNT(*) FROM events) AS events
            """
        ).first()
        guard let row else { return "" }
        let updated = try row.decode(column: "updated", as: Date?.self)
        return [
            String(try row.decode(column: "persons", as: Int.self)), updated.map { String($0.timeIntervalSince1970) } ?? "",
            String(try row.decode(column: "links", as: Int.self)), String(try row.decode(column: "events", as: Int.self)),
        ].joined(separator: "|")
    }
}
