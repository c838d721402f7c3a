import FluentKit
import Foundation
import HomewardCore
import SQLKit

/// One page of a listing.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var offset: Int
    public var limit: Int
}

public struct PersonFilter: Sendable, Equatable {
    public var affiliation: Affiliation?
    public var category: PersonCategory?
    public var status: PersonStatus?

    public init(affiliation: Affiliation? = nil, category: PersonCategory? = nil, status: PersonStatus? = nil) {
        self.affiliation = affiliation
        self.category = category
        self.status = status
    }
}

/// An event in a person's timeline, with the later event that corrected it, if any.
public struct TimelineEntry: Hashable, Sendable {
    public var event: Event
    public var supersededBy: UUID?

    public init(event: Event, supersededBy: UUID?) {
        self.event = event
        self.supersededBy = supersededBy
    }
}

/// One link a record had to a person.
public struct RecordLink: Hashable, Sendable {
    public var personID: UUID
    public var linkedAt: Date
    public var linkedBy: String
    public var reason: String?
    public var undoneAt: Date?
    public var undoneBy: String?
}

/// The register as one actor sees it: every change it makes is audited under that actor's name.
///
/// Reads return Core values; writes run in a transaction with their audit entry, so a change and
/// its audit line are stored together or not at all.
public struct Register: Sendable {
    let store: HomewardDatabase
    let actor: String
    let clock: @Sendable () -> Date
    /// Set inside `transaction`, where the write gate is already held and a transaction is open.
    private var openTransaction: (any Database)?
    private(set) var auditChainHead: AuditChainHead?

    init(store: HomewardDatabase, actor: String, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.actor = actor
        self.clock = clock
    }

    var database: any Database { openTransaction ?? store.database }
    var today: PartialDate { Validator(now: clock()).today }

    /// Runs `body` as one transaction: all of its changes are stored, or none.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Register) async throws -> T) async throws -> T {
        if openTransaction != nil { return try await body(self) }
        return try await store.writeGate.run {
            try await store.database.transaction { database in
                var inner = self
                inner.openTransaction = database
                inner.auditChainHead = AuditChainHead()
                return try await body(inner)
            }
        }
    }

    /// Runs a change and its audit entry in one transaction.
    func write<T: Sendable>(
        _ action: String,
        entity: String,
        detail: String = "",
        _ body: @escaping @Sendable (any Database) async throws -> (T, String?)
    ) async throws -> T {
        try await writing(action, entity: entity, detail: detail) { register in try await body(register.database) }
    }

    /// Runs a change and its audit entry in one transaction, for a change that calls on the
    /// register's own reads and writes (which join the same transaction).
    func writing<T: Sendable>(
        _ action: String,
        entity: String,
        detail: String = "",
        _ body: @escaping @Sendable (Register) async throws -> (T, String?)
    ) async throws -> T {
        try await transaction { register in
            let (result, entityID) = try await body(register)
            try await AuditLog.append(
                on: register.database, isPostgres: !store.isSQLite, chainHead: register.auditChainHead, at: clock(),
                actor: actor, action: action, entity: entity, entityID: entityID, detail: detail
            )
            return result
        }
    }

    /// Records that `actor` looked at something sensitive.
    public func noteView(entity: String, id: UUID) async throws {
        try await write("\(entity).view", entity: entity) { _ in ((), id.uuidString) }
    }

    /// Records that `actor` listed personal data, with the query that selected it.
    public func noteListing(entity: String, query: String) async throws {
        try await write("\(entity).list", entity: entity, detail: query) { _ in ((), nil) }
    }

    // MARK: Persons

    public func createPerson(_ draft: PersonDraft) async throws -> Person {
        try draft.validate(today: today)
        let now = clock()
        return try await write("person.create", entity: "person", detail: draft.identity.name.fullName) { database in
            let model = PersonModel()
            model.id = UUID()
            model.version = 1
            model.apply(draft)
            model.status = PersonStatus.initial(for: draft.affiliation).rawValue
            model.createdAt = now
            model.updatedAt = now
            try await model.create(on: database)
            return (try model.person(), model.id?.uuidString)
        }
    }

    public func person(_ id: UUID) async throws -> Person {
        guard let model = try await PersonModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "person", id: id)
        }
        return try model.person()
    }

    /// Changes a person's particulars if nobody has since `expectedVersion`.
    public func updatePerson(_ id: UUID, expectedVersion: Int, _ draft: PersonDraft) async throws -> Person {
        try draft.validate(today: today)
        let now = clock()
        return try await write("person.update", entity: "person", detail: draft.identity.name.fullName) { database in
            let newVersion = try await claimVersion(
                table: "persons", entity: "person", id: id, expected: expectedVersion, on: database)
            guard let model = try await PersonModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "person", id: id)
            }
            let affiliationChanged = model.affiliation != draft.affiliation.rawValue
            model.apply(draft)
            model.version = newVersion
            model.updatedAt = now
            if affiliationChanged {
                let events = try await EventModel.query(on: database).filter(\.$personID == id).all().map { try $0.event() }
                let assessment = StatusRules.assess(affiliation: draft.affiliation, events: events)
                model.status = assessment.status.rawValue
                model.statusSince = assessment.since?.description
            }
            try await model.update(on: database)
            return (try model.person(), id.uuidString)
        }
    }

    public func persons(_ filter: PersonFilter, offset: Int, limit: Int) async throws -> Page<Person> {
        var query = PersonModel.query(on: database)
        if let affiliation = filter.affiliation { query = query.filter(\.$affiliation == affiliation.rawValue) }
        if let category = filter.category { query = query.filter(\.$category == category.rawValue) }
        if let status = filter.status { query = query.filter(\.$status == status.rawValue) }
        let total = try await query.copy().count()
        let models = try await query.sort(\.$surnameLatin).sort(\.$id).range(offset..<(offset + limit)).all()
        return Page(items: try models.map { try $0.person() }, total: total, offset: offset, limit: limit)
    }

    /// Why the person has their status: the deciding event and what was outweighed or corrected.
    public func statusAssessment(of personID: UUID) async throws -> StatusAssessment {
        let person = try await person(personID)
        let events = try await EventModel.query(on: database).filter(\.$personID == personID).all().map { try $0.event() }
        return StatusRules.assess(affiliation: person.affiliation, events: events)
    }

    // MARK: Sources

    public func createSource(_ draft: SourceDraft) async throws -> Source {
        try draft.validate(today: today)
        let now = clock()
        return try await write("source.create", entity: "source", detail: draft.title) { database in
            let model = SourceModel()
            model.id = UUID()
            model.version = 1
            model.apply(draft)
            model.createdAt = now
            try await model.create(on: database)
            return (try model.source(), model.id?.uuidString)
        }
    }

    public func source(_ id: UUID) async throws -> Source {
        guard let model = try await SourceModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "source", id: id)
        }
        return try model.source()
    }

    public func updateSource(_ id: UUID, expectedVersion: Int, _ draft: SourceDraft) async throws -> Source {
        try draft.validate(today: today)
        return try await write("source.update", entity: "source", detail: draft.title) { database in
            let newVersion = try await claimVersion(
                table: "sources", entity: "source", id: id, expected: expectedVersion, on: database)
            guard let model = try await SourceModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "source", id: id)
            }
            model.apply(draft)
            model.version = newVersion
            try await model.update(on: database)
            return (try model.source(), id.uuidString)
        }
    }

    public func sources(kind: SourceKind?, offset: Int, limit: Int) async throws -> Page<Source> {
        var query = SourceModel.query(on: database)
        if let kind { query = query.filter(\.$kind == kind.rawValue) }
        let total = try await query.copy().count()
        let models = try await query.sort(\.$createdAt, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        return Page(items: try models.map { try $0.source() }, total: total, offset: offset, limit: limit)
    }

    // MARK: Facilities

    public func createFacility(_ draft: FacilityDraft) async throws -> Facility {
        try draft.validate()
        return try await write("facility.create", entity: "facility", detail: draft.name) { database in
            let model = FacilityModel()
            model.id = UUID()
            model.version = 1
            model.apply(draft)
            try await model.create(on: database)
            return (try model.facility(), model.id?.uuidString)
        }
    }

    public func facility(_ id: UUID) async throws -> Facility {
        guard let model = try await FacilityModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "facility", id: id)
        }
        return try model.facility()
    }

    public func updateFacility(_ id: UUID, expectedVersion: Int, _ draft: FacilityDraft) async throws -> Facility {
        try draft.validate()
        return try await write("facility.update", entity: "facility", detail: draft.name) { database in
            let newVersion = try await claimVersion(
                table: "facilities", entity: "facility", id: id, expected: expectedVersion, on: database
            )
            guard let model = try await FacilityModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "facility", id: id)
            }
            model.apply(draft)
            model.version = newVersion
            try await model.update(on: database)
            return (try model.facility(), id.uuidString)
        }
    }

    public func facilities(controlledBy: Affiliation?, offset: Int, limit: Int) async throws -> Page<Facility> {
        var query = FacilityModel.query(on: database)
        if let controlledBy { query = query.filter(\.$controlledBy == controlledBy.rawValue) }
        let total = try await query.copy().count()
        let models = try await query.sort(\.$name).sort(\.$id).range(offset..<(offset + limit)).all()
        return Page(items: try models.map { try $0.facility() }, total: total, offset: offset, limit: limit)
    }

    // MARK: Records

    public func createRecord(_ draft: RecordDraft) async throws -> Record {
        try draft.validate(today: today)
        let now = clock()
        let actor = actor
        return try await write("record.create", entity: "record", detail: draft.particulars.name.fullName) { database in
            var issues: [ValidationIssue] = []
            if try await SourceModel.find(draft.sourceID, on: database) == nil {
                issues.append(.unknownReference("sourceId", "source", draft.sourceID))
            }
            if let personID = draft.personID, try await PersonModel.find(personID, on: database) == nil {
                issues.append(.unknownReference("personId", "person", personID))
            }
            if !issues.isEmpty { throw ValidationError(issues) }
            let model = RecordModel()
            let id = UUID()
            model.id = id
            model.apply(draft)
            model.createdAt = now
            try await model.create(on: database)
            if let personID = draft.personID {
                try await openLink(
                    record: id, person: personID, at: now, by: actor, reason: "stated when the record was kept", on: database)
            }
            return (try model.record(), id.uuidString)
        }
    }

    public func record(_ id: UUID) async throws -> Record {
        guard let model = try await RecordModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "record", id: id)
        }
        return try model.record()
    }

    public func records(sourceID: UUID?, personID: UUID?, offset: Int, limit: Int) async throws -> Page<Record> {
        var query = RecordModel.query(on: database)
        if let sourceID { query = query.filter(\.$sourceID == sourceID) }
        if let personID { query = query.filter(\.$personID == personID) }
        let total = try await query.copy().count()
        let models = try await query.sort(\.$createdAt).sort(\.$rowNumber).sort(\.$id).range(offset..<(offset + limit)).all()
        return Page(items: try models.map { try $0.record() }, total: total, offset: offset, limit: limit)
    }

    /// Links a record to a person, closing any link it had; the old link stays in the history.
    public func linkRecord(_ recordID: UUID, to personID: UUID, reason: String?) async throws -> Record {
        var validator = Validator(today: today)
        validator.text(reason, "reason")
        try validator.finish()
        let now = clock()
        return try await write("record.link", entity: "record", detail: "person \(personID)") { database in
            guard let model = try await RecordModel.find(recordID, on: database) else {
                throw StoreError.notFound(entity: "record", id: recordID)
            }
            guard try await PersonModel.find(personID, on: database) != nil else {
                throw ValidationError([.unknownReference("personId", "person", personID)])
            }
            if model.personID == personID { return (try model.record(), recordID.uuidString) }
            try await moveRecord(model, to: personID, at: now, reason: reason, on: database)
            return (try model.record(), recordID.uuidString)
        }
    }

    /// Undoes a record's link; the link stays in the history, stamped with who undid it and when.
    public func unlinkRecord(_ recordID: UUID) async throws -> Record {
        let now = clock()
        let actor = actor
        return try await write("record.unlink", entity: "record") { database in
            guard let model = try await RecordModel.find(recordID, on: database) else {
                throw StoreError.notFound(entity: "record", id: recordID)
            }
            try await closeLinks(record: recordID, at: now, by: actor, on: database)
            model.personID = nil
            try await model.update(on: database)
            return (try model.record(), recordID.uuidString)
        }
    }

    public func recordLinks(_ recordID: UUID) async throws -> [RecordLink] {
        _ = try await record(recordID)
        return try await RecordLinkModel.query(on: database)
            .filter(\.$recordID == recordID)
            .sort(\.$linkedAt)
            .all()
            .map {
                RecordLink(
                    personID: $0.personID, linkedAt: $0.linkedAt, linkedBy: $0.linkedBy, reason: $0.reason,
                    undoneAt: $0.undoneAt, undoneBy: $0.undoneBy
                )
            }
    }

    /// Links a record to another person, closing the link it had; the old one stays in the history.
    func moveRecord(_ model: RecordModel, to personID: UUID, at now: Date, reason: String?, on database: any Database)
        async throws
    {
        let recordID = try model.requireID()
        try await closeLinks(record: recordID, at: now, by: actor, on: database)
        try await openLink(record: recordID, person: personID, at: now, by: actor, reason: reason, on: database)
        model.personID = personID
        try await model.update(on: database)
    }

    private func openLink(record: UUID, person: UUID, at: Date, by: String, reason: String?, on database: any Database)
        async throws
    {
        let link = RecordLinkModel()
        link.id = UUID()
        link.recordID = record
        link.personID = person
        link.linkedAt = at
        link.linkedBy = by
        link.reason = reason
        try await link.create(on: database)
    }

    func closeLinks(record: UUID, at: Date, by: String, on database: any Database) async throws {
        try await RecordLinkModel.query(on: database)
            .filter(\.$recordID == record)
            .filter(\.$undoneAt == nil)
            .set(\.$undoneAt, to: at)
            .set(\.$undoneBy, to: by)
            .update()
    }

    // MARK: Events

    /// Appends an event and derives the person's status anew, in one transaction.
    public func appendEvent(to personID: UUID, _ draft: EventDraft) async throws -> Event {
        try draft.validate(today: today)
        let now = clock()
        let actor = actor
        return try await write("event.create", entity: "event", detail: "\(draft.kind.rawValue) for person \(personID)") {
            database in
            guard let person = try await PersonModel.find(personID, on: database) else {
                throw StoreError.notFound(entity: "person", id: personID)
            }
            var issues: [ValidationIssue] = []
            if let id = draft.facilityID, try await FacilityModel.find(id, on: database) == nil {
                issues.append(.unknownReference("facilityId", "facility", id))
            }
            if let id = draft.sourceID, try await SourceModel.find(id, on: database) == nil {
                issues.append(.unknownReference("sourceId", "source", id))
            }
            if let id = draft.recordID, try await RecordModel.find(id, on: database) == nil {
                issues.append(.unknownReference("recordId", "record", id))
            }
            if let id = draft.supersedes {
                if let corrected = try await EventModel.find(id, on: database), corrected.personID == personID {
                    let correction = try await EventModel.query(on: database).filter(\.$supersedes == id).first()
                    if let correction, let correctionID = correction.id {
                        issues.append(
                            ValidationIssue(
                                field: "supersedes", rule: "already-superseded",
                                message: "event \(id) was already corrected by event \(correctionID); correct that one instead"
                            )
                        )
                    }
                } else {
                    issues.append(.unknownReference("supersedes", "event of this person", id))
                }
            }
            if !issues.isEmpty { throw ValidationError(issues) }

            let model = EventModel(
                Event(
                    id: UUID(), personID: personID, kind: draft.kind, date: draft.date, place: draft.place,
                    facilityID: draft.facilityID, sourceID: draft.sourceID, recordID: draft.recordID,
                    credibility: draft.credibility, captureMode: draft.captureMode, note: draft.note,
                    supersedes: draft.supersedes, recordedAt: now
                ),
                recordedBy: actor
            )
            try await model.create(on: database)

            let events = try await EventModel.query(on: database).filter(\.$personID == personID).all().map { try $0.event() }
            let affiliation = try decoded(Affiliation.self, person.affiliation, column: "persons.affiliation")
            let assessment = StatusRules.assess(affiliation: affiliation, events: events)
            person.status = assessment.status.rawValue
            person.statusSince = assessment.since?.description
            try await person.update(on: database)
            return (try model.event(), model.id?.uuidString)
        }
    }

    public func event(_ id: UUID) async throws -> TimelineEntry {
        guard let model = try await EventModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "event", id: id)
        }
        let correction = try await EventModel.query(on: database).filter(\.$supersedes == id).first()
        return TimelineEntry(event: try model.event(), supersededBy: correction?.id)
    }

    /// The person's events in the order they happened, corrected ones included and marked.
    public func timeline(of personID: UUID) async throws -> [TimelineEntry] {
        _ = try await person(personID)
        let events = try await EventModel.query(on: database).filter(\.$personID == personID).all().map { try $0.event() }
        let correctedBy = Dictionary(events.compactMap { event in event.supersedes.map { ($0, event.id) } }) { first, _ in first }
        return events.sorted(by: StatusRules.happenedBefore).map { TimelineEntry(event: $0, supersededBy: correctedBy[$0.id]) }
    }

    // MARK: Optimistic concurrency

    /// Moves `table`'s row from `expected` to the next version, or explains why it cannot.
    ///
    /// The conditional UPDATE is the guard: two editors holding the same version cannot both pass
    /// it, and on PostgreSQL it also locks the row until the transaction ends.
    func claimVersion(table: String, entity: String, id: UUID, expected: Int, on database: any Database) async throws
        -> Int
    {
        let sql = try database.sqlDatabase()
        let rows = try await sql.update(table)
            .set(SQLIdentifier("version"), to: SQLBinaryExpression(SQLIdentifier("version"), .add, SQLLiteral.numeric("1")))
            .where("id", .equal, id)
            .where("version", .equal, expected)
            .returning("version")
            .all()
        if let row = rows.first { return try row.decode(column: "version", as: Int.self) }
        let current = try await sql.select().column("version").from(table).where("id", .equal, id).first()
        guard let current else { throw StoreError.notFound(entity: entity, id: id) }
        throw StoreError.conflict(entity: entity, id: id, currentVersion: try current.decode(column: "version", as: Int.self))
    }
}

extension ValidationIssue {
    static func unknownReference(_ field: String, _ entity: String, _ id: UUID) -> ValidationIssue {
        ValidationIssue(field: field, rule: "unknown-reference", message: "there is no \(entity) with id \(id)")
    }
}
