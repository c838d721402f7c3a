import FluentKit
import Foundation
import HomewardCore

/// What the bureau sends that the Conventions require of it.
public enum NotificationKind: String, Sendable, Codable, CaseIterable {
    /// GC III Art. 122: the particulars of prisoners of war we hold, to the ICRC's Central Tracing Agency.
    case ctaArticle122 = "cta-article-122"
}

/// A batch of notifications as it was made: the file exactly as sent, whom it named, and when it
/// went out to whom.
public struct NotificationBatch: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var kind: NotificationKind
    public var createdAt: Date
    public var createdBy: String
    public var persons: Int
    public var fileName: String
    /// SHA-256 of the file's bytes, so a copy can be proved to be the one sent.
    public var checksum: String
    public var sentAt: Date?
    public var sentTo: String?
    public var sentBy: String?
}

extension Register {
    /// Keeps a batch as made, with the persons it names; it is not yet sent.
    public func createNotificationBatch(
        kind: NotificationKind, personIDs: [UUID], fileName: String, content: [UInt8]
    ) async throws -> NotificationBatch {
        guard !personIDs.isEmpty else {
            throw ValidationError([ValidationIssue(field: "persons", rule: "required", message: "names no one")])
        }
        let now = clock()
        let actor = actor
        let checksum = Secrets.sha256Hex(bytes: content)
        return try await write(
            "notification.create", entity: "notification", detail: "\(kind.rawValue): \(personIDs.count) persons, \(fileName)"
        ) { database in
            let known = try await existingPersons(Set(personIDs), on: database)
            if let unknown = personIDs.first(where: { !known.contains($0) }) {
                throw ValidationError([.unknownReference("persons", "person", unknown)])
            }
            let model = NotificationModel()
            model.id = UUID()
            model.kind = kind.rawValue
            model.createdAt = now
            model.createdBy = actor
            model.persons = Set(personIDs).count
            model.fileName = fileName
            model.checksum = checksum
            model.content = String(decoding: content, as: UTF8.self)
            try await model.create(on: database)
            let links = Set(personIDs).map { person in
                let link = NotificationPersonModel()
                link.id = UUID()
                link.notificationID = model.id!
                link.personID = person
                return link
            }
            for chunk in links.chunked(Register.batchChunk) { try await chunk.create(on: database) }
            return (try model.batch(), model.id?.uuidString)
        }
    }

    /// Records that the batch went out; a batch is sent once, so a second record is a conflict.
    public func markNotificationSent(_ id: UUID, to recipient: String) async throws -> NotificationBatch {
        let now = clock()
        let actor = actor
        return try await write("notification.sent", entity: "notification", detail: "sent to \(recipient)") { database in
            guard let model = try await NotificationModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "notification", id: id)
            }
            if let sentAt = model.sentAt {
                throw StoreError.alreadyDone(
                    "notification \(id) was recorded as sent to \(model.sentTo ?? "?") on \(sentAt.formatted(.iso8601))")
            }
            model.sentAt = now
            model.sentTo = recipient
            model.sentBy = actor
            try await model.update(on: database)
            return (try model.batch(), id.uuidString)
        }
    }

    public func notificationBatches(kind: NotificationKind, offset: Int, limit: Int) async throws -> Page<NotificationBatch> {
        let query = NotificationModel.query(on: database).filter(\.$kind == kind.rawValue)
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$createdAt, .descending).offset(offset).limit(limit).all()
        return Page(items: try rows.map { try $0.batch() }, total: total, offset: offset, limit: limit)
    }

    /// The batch and its file exactly as it was made.
    public func notificationBatch(_ id: UUID) async throws -> (batch: NotificationBatch, content: String, personIDs: [UUID]) {
        guard let model = try await NotificationModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "notification", id: id)
        }
        let persons = try await NotificationPersonModel.query(on: database).filter(\.$notificationID == id).all()
        return (try model.batch(), model.content, persons.map(\.personID))
    }

    /// Persons named in a batch of this kind, with when the first batch naming them was sent
    /// (nil while every batch naming them waits to be sent).
    public func notifiedPersons(kind: NotificationKind) async throws -> [UUID: Date?] {
        let batches = try await NotificationModel.query(on: database).filter(\.$kind == kind.rawValue).all()
        var named: [UUID: Date?] = [:]
        for chunk in batches.chunked(Register.batchChunk) {
            let sentAt = Dictionary(chunk.compactMap { model in model.id.map { ($0, model.sentAt) } }) { first, _ in first }
            let links = try await NotificationPersonModel.query(on: database).filter(\.$notificationID ~~ Array(sentAt.keys))
                .all()
            for link in links {
                let sent = sentAt[link.notificationID] ?? nil
                let earlier = named[link.personID] ?? nil
                named[link.personID] = [earlier, sent].compactMap { $0 }.min()
            }
        }
        return named
    }

    private func existingPersons(_ ids: Set<UUID>, on database: any Database) async throws -> Set<UUID> {
        var found = Set<UUID>()
        for chunk in Array(ids).chunked(Register.batchChunk) {
            found.formUnion(try await PersonModel.query(on: database).filter(\._$id ~~ chunk).all().compactMap(\.id))
        }
        return found
    }
}

final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String
    @Field(key: "persons") var persons: Int
    @Field(key: "file_name") var fileName: String
    @Field(key: "checksum") var checksum: String
    @Field(key: "content") var content: String
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "sent_to") var sentTo: String?
    @OptionalField(key: "sent_by") var sentBy: String?

    init() {}

    func batch() throws -> NotificationBatch {
        NotificationBatch(
            id: try requireID(), kind: try decoded(NotificationKind.self, kind, column: "notifications.kind"),
            createdAt: createdAt, createdBy: createdBy, persons: persons, fileName: fileName, checksum: checksum,
            sentAt: sentAt, sentTo: sentTo, sentBy: sentBy)
    }
}

final class NotificationPersonModel: Model, @unchecked Sendable {
    static let schema = "notification_persons"

    @ID(key: .id) var id: UUID?
    @Field(key: "notification_id") var notificationID: UUID
    @Field(key: "person_id") var personID: UUID

    init() {}
}
