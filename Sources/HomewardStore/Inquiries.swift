import FluentKit
import Foundation
import HomewardCore

/// How an answer reached the applicant.
public enum AnswerChannel: String, Sendable, Codable, CaseIterable {
    /// The public status page, after the case code and the applicant's date of birth.
    case publicPage = "public-page"
    case email
    case telephone
    case inPerson = "in-person"
    case letter
}

/// A family's tracing request, with the person it is linked to once liaison staff decide.
public struct Inquiry: Identifiable, Hashable, Sendable {
    public var id: UUID
    public var version: Int
    public var caseCode: String
    public var channel: InquiryChannel
    public var applicant: Applicant
    public var sought: SoughtParticulars
    public var consentAt: Date
    public var personID: UUID?
    public var linkedAt: Date?
    public var linkedBy: String?
    /// The level the applicant was last told of, by any channel or notification.
    public var notifiedLevel: AnswerLevel?
    public var createdAt: Date
    public var createdBy: String
}

/// One answer given to an applicant: what level, how, by whom.
public struct InquiryAnswer: Hashable, Sendable {
    public var inquiryID: UUID
    public var level: AnswerLevel
    public var channel: AnswerChannel
    public var note: String?
    public var givenAt: Date
    public var givenBy: String
}

/// A notification owed to an applicant, waiting in the outbox until it is sent.
public struct OutboxMessage: Identifiable, Hashable, Sendable {
    public var id: UUID
    public var inquiryID: UUID
    /// The e-mail address, or the telephone number or postal address when there is none.
    public var recipient: String
    public var subject: String
    public var body: String
    public var level: AnswerLevel
    public var createdAt: Date
    public var sentAt: Date?
    public var sentBy: String?
    public var via: AnswerChannel?
    /// How often sending by e-mail was tried, and why the last try failed.
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date?
}

/// A document an applicant sent with an inquiry, as staff see it listed; its bytes are read one
/// at a time, and each reading is audited.
public struct InquiryDocument: Identifiable, Hashable, Sendable {
    public var id: UUID
    public var inquiryID: UUID
    public var fileName: String
    public var contentType: String
    public var byteCount: Int
    public var sha256: String
    public var createdAt: Date
}

extension Register {
    /// Files a tracing request under a fresh case code. Nothing about the sought person is
    /// answered yet: the applicant is told only that the request was received.
    ///
    /// The documents proving kinship are stored with it, in the same transaction: an inquiry is
    /// never kept without the documents it came with.
    public func fileInquiry(
        _ draft: InquiryDraft, documents: [KinshipDocument] = [],
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
    )
        async throws -> Inquiry
    {
        try draft.validate(today: today, documents: documents)
        let now = clock()
        let actor = actor
        let applicant = try Self.json(draft.applicant)
        let sought = try Self.json(draft.sought)
        return try await write("inquiry.create", entity: "inquiry", detail: draft.channel.rawValue) { database in
            var code = CaseCode.make(random)
            while try await InquiryModel.query(on: database).filter(\.$caseCode == code).first() != nil {
                code = CaseCode.make(random)
            }
            let model = InquiryModel()
            model.id = UUID()
            model.version = 1
            model.caseCode = code
            model.channel = draft.channel.rawValue
            model.applicant = applicant
            model.applicantDateOfBirth = draft.applicant.dateOfBirth.description
            model.sought = sought
            model.soughtSurnameLatin = draft.sought.name.latin.surname
            model.consentAt = now
            model.notifiedLevel = AnswerLevel.notInRegister.rawValue
            model.createdAt = now
            model.createdBy = actor
            try await model.create(on: database)
            for document in documents {
                let row = InquiryDocumentModel()
                row.id = UUID()
                row.inquiryID = try model.requireID()
                row.fileName = document.fileName
                row.contentType = document.contentType ?? "application/octet-stream"
                row.byteCount = document.bytes.count
                row.sha256 = Secrets.sha256Hex(bytes: document.bytes)
                row.content = Data(document.bytes)
                row.createdAt = now
                try await row.create(on: database)
            }
            return (try model.inquiry(), model.id?.uuidString)
        }
    }

    /// The documents sent with an inquiry, without their bytes.
    public func documents(of inquiryID: UUID) async throws -> [InquiryDocument] {
        try await InquiryDocumentModel.query(on: database).filter(\.$inquiryID == inquiryID)
            .field(\.$id).field(\.$inquiryID).field(\.$fileName).field(\.$contentType).field(\.$byteCount)
            .field(\.$sha256).field(\.$createdAt)
            .sort(\.$createdAt).sort(\.$id).all().map { try $0.document() }
    }

    /// One document with its bytes; the reading is audited, as a certificate is personal data.
    public func document(_ id: UUID, of inquiryID: UUID) async throws -> (InquiryDocument, [UInt8]) {
        guard let model = try await InquiryDocumentModel.find(id, on: database), model.inquiryID == inquiryID else {
            throw StoreError.notFound(entity: "document", id: id)
        }
        try await write("inquiry.document.view", entity: "inquiry", detail: "document \(id)") { _ in
            ((), inquiryID.uuidString)
        }
        return (try model.document(), Array(model.content))
    }

    public func inquiry(_ id: UUID) async throws -> Inquiry {
        guard let model = try await InquiryModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "inquiry", id: id)
        }
        return try model.inquiry()
    }

    /// Inquiries, the newest first; `linked` selects those linked to a person (true) or waiting (false).
    public func inquiries(linked: Bool?, offset: Int, limit: Int) async throws -> Page<Inquiry> {
        var query = InquiryModel.query(on: database)
        if let linked { query = linked ? query.filter(\.$personID != nil) : query.filter(\.$personID == nil) }
        let total = try await query.copy().count()
        let models = try await query.sort(\.$createdAt, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        return Page(items: try models.map { try $0.inquiry() }, total: total, offset: offset, limit: limit)
    }

    /// The inquiries linked to a person: the families to tell when their status changes.
    public func inquiries(ofPerson personID: UUID) async throws -> [Inquiry] {
        try await InquiryModel.query(on: database).filter(\.$personID == personID).sort(\.$createdAt).sort(\.$id).all()
            .map { try $0.inquiry() }
    }

    /// Links the inquiry to the person liaison staff recognised (nil undoes the link).
    public func linkInquiry(_ id: UUID, to personID: UUID?, expectedVersion: Int) async throws -> Inquiry {
        let now = clock()
        let actor = actor
        return try await write(
            personID == nil ? "inquiry.unlink" : "inquiry.link", entity: "inquiry", detail: personID.map { "person \($0)" } ?? ""
        ) { database in
            let version = try await claimVersion(
                table: "inquiries", entity: "inquiry", id: id, expected: expectedVersion, on: database)
            guard let model = try await InquiryModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "inquiry", id: id)
            }
            if let personID, try await PersonModel.find(personID, on: database) == nil {
                throw ValidationError([.unknownReference("personId", "person", personID)])
            }
            model.version = version
            model.personID = personID
            model.linkedAt = personID == nil ? nil : now
            model.linkedBy = personID == nil ? nil : actor
            try await model.update(on: database)
            return (try model.inquiry(), id.uuidString)
        }
    }

    /// The level the applicant is owed now, from the linked person's derived status.
    public func answerLevel(of inquiry: Inquiry) async throws -> AnswerLevel {
        guard let personID = inquiry.personID else { return .notInRegister }
        return AnswerLevel.level(for: try await person(personID).status)
    }

    /// Records an answer given outside the pages (by telephone, in person, by letter, by e-mail).
    public func recordAnswer(_ inquiryID: UUID, level: AnswerLevel, channel: AnswerChannel, note: String?) async throws
        -> InquiryAnswer
    {
        var validator = Validator(today: today)
        validator.text(note, "note", maxLength: Validator.maxLongTextLength)
        try validator.finish()
        let now = clock()
        let actor = actor
        return try await write("inquiry.answer", entity: "inquiry", detail: "\(level.rawValue) by \(channel.rawValue)") {
            database in
            guard let model = try await InquiryModel.find(inquiryID, on: database) else {
                throw StoreError.notFound(entity: "inquiry", id: inquiryID)
            }
            let answer = try await Self.keepAnswer(
                inquiryID, level: level, channel: channel, note: note, at: now, by: actor, on: database)
            model.notifiedLevel = level.rawValue
            try await model.update(on: database)
            return (answer, inquiryID.uuidString)
        }
    }

    public func answers(of inquiryID: UUID) async throws -> [InquiryAnswer] {
        try await InquiryAnswerModel.query(on: database).filter(\.$inquiryID == inquiryID).sort(\.$givenAt).all()
            .map { try $0.answer() }
    }

    /// The public status check: the level a page may show, when the case code and the applicant's
    /// date of birth both match; nil otherwise, without saying which did not.
    ///
    /// The answer given is recorded, under the public page's name.
    public func publicStatus(caseCode: String, applicantDateOfBirth: PartialDate) async throws -> AnswerLevel? {
        guard let code = CaseCode.normalised(caseCode),
            let model = try await InquiryModel.query(on: database).filter(\.$caseCode == code).first(),
            model.applicantDateOfBirth == applicantDateOfBirth.description
        else { return nil }
        let inquiry = try model.inquiry()
        let level = try await answerLevel(of: inquiry).forPublic
        let now = clock()
        let actor = actor
        try await write("inquiry.status-check", entity: "inquiry", detail: level.rawValue) { database in
            _ = try await Self.keepAnswer(
                inquiry.id, level: level, channel: .publicPage, note: nil, at: now, by: actor, on: database)
            return ((), inquiry.id.uuidString)
        }
        return level
    }

    /// Puts a notification in the outbox for every linked inquiry whose person's level is no longer
    /// the one the applicant was last told, and remembers the level told.
    ///
    /// It reads the statuses as they are, whatever changed them (an event, a list, an exchange), so
    /// no path of change can forget to notify. A death is never written in a notification: the
    /// message asks the applicant to contact the bureau, and staff tell them.
    ///
    /// - Parameter personIDs: the persons a change touched, when the caller knows them: only their
    ///   families' inquiries are read. Nil reads every linked inquiry.
    public func queueStatusNotifications(
        about personIDs: [UUID]? = nil,
        _ message: @escaping @Sendable (Inquiry, AnswerLevel) -> (subject: String, body: String)
    ) async throws -> [OutboxMessage] {
        // Most sweeps find nothing to say; they should not write an audit entry each time.
        guard try await !inquiriesOwedNotification(about: personIDs).isEmpty else { return [] }
        let now = clock()
        return try await writing("inquiry.notify", entity: "outbox") { register in
            let database = register.database
            var queued: [OutboxMessage] = []
            for (model, level) in try await register.inquiriesOwedNotification(about: personIDs) {
                let inquiry = try model.inquiry()
                // A family is told where things stand now: an older message not yet sent is withdrawn
                // (kept, marked why), so no one rings them twice with news already overtaken.
                for older in try await OutboxModel.query(on: database).filter(\.$inquiryID == inquiry.id)
                    .filter(\.$sentAt == nil).all()
                {
                    older.sentAt = now
                    older.sentBy = "system:superseded"
                    older.lastError = "superseded by a later notification"
                    older.nextAttemptAt = nil
                    try await older.update(on: database)
                }
                let text = message(inquiry, level.forPublic)
                let row = OutboxModel()
                row.id = UUID()
                row.inquiryID = inquiry.id
                row.recipient =
                    inquiry.applicant.email ?? inquiry.applicant.phone ?? inquiry.applicant.address ?? "—"
                row.subject = text.subject
                row.body = text.body
                row.level = level.forPublic.rawValue
                row.createdAt = now
                try await row.create(on: database)
                model.notifiedLevel = level.rawValue
                try await model.update(on: database)
                queued.append(try row.message())
            }
            return (queued, nil)
        }
    }

    /// Changes whenever something a sweep reads may have changed: a person's status (an event, a
    /// link of records, an edit), an inquiry's link, an answer given. A sweep that finds it as it
    /// was after the last one has nothing to queue.
    public func notificationFingerprint() async throws -> String {
        let row = try await database.sqlDatabase().raw(
            """
            SELECT (SELECT COUNT(*) FROM inquiries) AS inquiries, (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM inquiries) AS versions,
                   (SELECT COUNT(*) FROM inquiry_answers) AS answers
            """
        ).first()
        let counts = try ["inquiries", "versions", "answers"].map { try row?.decode(column: $0, as: Int?.self) ?? 0 }
        return try await searchFingerprint() + "|" + counts.map(String.init).joined(separator: "|")
    }

    /// Linked inquiries whose person's level differs from the one last told, with that level.
    private func inquiriesOwedNotification(about personIDs: [UUID]?) async throws -> [(InquiryModel, AnswerLevel)] {
        var linked: [InquiryModel] = []
        if let personIDs {
            // In chunks, to stay under every database's limit on a statement's parameters.
            for start in stride(from: 0, to: personIDs.count, by: 1_000) {
                let chunk = Array(personIDs[start..<min(start + 1_000, personIDs.count)])
                linked += try await InquiryModel.query(on: database).filter(\.$personID ~~ chunk).all()
            }
        } else {
            linked = try await InquiryModel.query(on: database).filter(\.$personID != nil).all()
        }
        let persons = try await persons(ids: linked.compactMap(\.personID))
        return linked.compactMap { model in
            guard let personID = model.personID, let person = persons[personID] else { return nil }
            let level = AnswerLevel.level(for: person.status)
            return level.rawValue == model.notifiedLevel ? nil : (model, level)
        }
    }

    public func outbox(pendingOnly: Bool, offset: Int, limit: Int) async throws -> Page<OutboxMessage> {
        var query = OutboxModel.query(on: database)
        if pendingOnly { query = query.filter(\.$sentAt == nil) }
        let total = try await query.copy().count()
        let models = try await query.sort(\.$createdAt).sort(\.$id).range(offset..<(offset + limit)).all()
        return Page(items: try models.map { try $0.message() }, total: total, offset: offset, limit: limit)
    }

    /// Messages waiting for the mailer: unsent, addressed to an e-mail address, and due (never
    /// tried, or their next try has come), the oldest first. One that failed with no next try is
    /// left to staff.
    public func outboxDueByEmail(now: Date, maximumAttempts: Int, limit: Int) async throws -> [OutboxMessage] {
        // Messages for a telephone or a postal address wait for staff: the mailer never reads them.
        let models = try await OutboxModel.query(on: database).filter(\.$sentAt == nil).filter(\.$recipient ~~ "@")
            .group(.or) { due in
                due.group(.and) { $0.filter(\.$nextAttemptAt == nil).filter(\.$lastError == nil) }
                    .filter(\.$nextAttemptAt <= now)
            }
            .sort(\.$createdAt).sort(\.$id).all()
        return try models.lazy.map { try $0.message() }
            .filter { InquiryDraft.looksLikeEmail($0.recipient) && $0.attempts < maximumAttempts }.prefix(limit).map { $0 }
    }

    /// Records a failed try to send a message, why, and when to try again (nil: not again; staff
    /// see the message in the outbox with the reason and answer another way).
    public func markOutboxFailed(_ id: UUID, error: String, retryAt: Date?) async throws -> OutboxMessage {
        try await write("outbox.failed", entity: "outbox", detail: String(error.prefix(500))) { database in
            guard let model = try await OutboxModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "outbox message", id: id)
            }
            model.attempts = (model.attempts ?? 0) + 1
            model.lastError = String(error.prefix(2_000))
            model.nextAttemptAt = retryAt
            try await model.update(on: database)
            return (try model.message(), id.uuidString)
        }
    }

    /// Records that a message went out, and the answer it gave; a message is sent once.
    public func markOutboxSent(_ id: UUID, via channel: AnswerChannel) async throws -> OutboxMessage {
        let now = clock()
        let actor = actor
        return try await write("outbox.sent", entity: "outbox", detail: channel.rawValue) { database in
            guard let model = try await OutboxModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "outbox message", id: id)
            }
            if let sentAt = model.sentAt {
                throw StoreError.alreadyDone("the message was sent on \(sentAt.formatted(.iso8601)) by \(model.sentBy ?? "?")")
            }
            model.sentAt = now
            model.sentBy = actor
            model.via = channel.rawValue
            try await model.update(on: database)
            let level = try decoded(AnswerLevel.self, model.level, column: "outbox.level")
            _ = try await Self.keepAnswer(
                model.inquiryID, level: level, channel: channel, note: model.subject, at: now, by: actor, on: database)
            return (try model.message(), id.uuidString)
        }
    }

    private static func keepAnswer(
        _ inquiryID: UUID, level: AnswerLevel, channel: AnswerChannel, note: String?, at: Date, by: String,
        on database: any Database
    ) async throws -> InquiryAnswer {
        let model = InquiryAnswerModel()
        model.id = UUID()
        model.inquiryID = inquiryID
        model.level = level.rawValue
        model.channel = channel.rawValue
        model.note = note
        model.givenAt = at
        model.givenBy = by
        try await model.create(on: database)
        return try model.answer()
    }

    /// A value as JSON with its keys sorted, so the same value is always stored as the same text.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

final class InquiryModel: Model, @unchecked Sendable {
    static let schema = "inquiries"

    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "case_code") var caseCode: String
    @Field(key: "channel") var channel: String
    @Field(key: "applicant") var applicant: String
    @Field(key: "applicant_date_of_birth") var applicantDateOfBirth: String
    @Field(key: "sought") var sought: String
    @Field(key: "sought_surname_latin") var soughtSurnameLatin: String
    @Field(key: "consent_at") var consentAt: Date
    @OptionalField(key: "person_id") var personID: UUID?
    @OptionalField(key: "linked_at") var linkedAt: Date?
    @OptionalField(key: "linked_by") var linkedBy: String?
    @OptionalField(key: "notified_level") var notifiedLevel: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}

    func inquiry() throws -> Inquiry {
        let id = try requireID()
        func decode<T: Decodable>(_ type: T.Type, _ text: String, _ column: String) throws -> T {
            do {
                return try JSONDecoder().decode(type, from: Data(text.utf8))
            } catch {
                throw StoreError.internalInconsistency("column inquiries.\(column) of \(id) cannot be read: \(error)")
            }
        }
        return Inquiry(
            id: id, version: version, caseCode: caseCode,
            channel: try decoded(InquiryChannel.self, channel, column: "inquiries.channel"),
            applicant: try decode(Applicant.self, applicant, "applicant"),
            sought: try decode(SoughtParticulars.self, sought, "sought"),
            consentAt: consentAt, personID: personID, linkedAt: linkedAt, linkedBy: linkedBy,
            notifiedLevel: try notifiedLevel.map { try decoded(AnswerLevel.self, $0, column: "inquiries.notified_level") },
            createdAt: createdAt, createdBy: createdBy)
    }
}

final class InquiryAnswerModel: Model, @unchecked Sendable {
    static let schema = "inquiry_answers"

    @ID(key: .id) var id: UUID?
    @Field(key: "inquiry_id") var inquiryID: UUID
    @Field(key: "level") var level: String
    @Field(key: "channel") var channel: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "given_at") var givenAt: Date
    @Field(key: "given_by") var givenBy: String

    init() {}

    func answer() throws -> InquiryAnswer {
        InquiryAnswer(
            inquiryID: inquiryID, level: try decoded(AnswerLevel.self, level, column: "inquiry_answers.level"),
            channel: try decoded(AnswerChannel.self, channel, column: "inquiry_answers.channel"), note: note, givenAt: givenAt,
            givenBy: givenBy)
    }
}

final class OutboxModel: Model, @unchecked Sendable {
    static let schema = "outbox"

    @ID(key: .id) var id: UUID?
    @Field(key: "inquiry_id") var inquiryID: UUID
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "level") var level: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "sent_by") var sentBy: String?
    @OptionalField(key: "via") var via: String?
    @OptionalField(key: "attempts") var attempts: Int?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?

    init() {}

    func message() throws -> OutboxMessage {
        OutboxMessage(
            id: try requireID(), inquiryID: inquiryID, recipient: recipient, subject: subject, body: body,
            level: try decoded(AnswerLevel.self, level, column: "outbox.level"), createdAt: createdAt, sentAt: sentAt,
            sentBy: sentBy, via: try via.map { try decoded(AnswerChannel.self, $0, column: "outbox.via") },
            attempts: attempts ?? 0, lastError: lastError, nextAttemptAt: nextAttemptAt)
    }
}

final class InquiryDocumentModel: Model, @unchecked Sendable {
    static let schema = "inquiry_documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "inquiry_id") var inquiryID: UUID
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "byte_count") var byteCount: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "content") var content: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}

    func document() throws -> InquiryDocument {
        InquiryDocument(
            id: try requireID(), inquiryID: inquiryID, fileName: fileName, contentType: contentType, byteCount: byteCount,
            sha256: sha256, createdAt: createdAt)
    }
}
