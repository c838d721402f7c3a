import FluentKit
import Foundation
import HomewardCore
import SQLKit

/// New persons with their records and events, written together: all of it, or none.
///
/// Loading a list or a demo register one row at a time costs a round trip per row; a batch is
/// validated whole in memory, statuses are derived in memory, and rows go in with multi-row INSERTs.
public struct RegisterBatch: Sendable {
    public struct NewPerson: Sendable {
        public var id: UUID
        public var draft: PersonDraft
    }

    public struct NewRecord: Sendable {
        public var id: UUID
        public var draft: RecordDraft
    }

    public struct NewEvent: Sendable {
        public var id: UUID
        public var personID: UUID
        public var draft: EventDraft
    }

    public private(set) var persons: [NewPerson] = []
    public private(set) var records: [NewRecord] = []
    public private(set) var events: [NewEvent] = []

    public init() {}

    public var isEmpty: Bool { persons.isEmpty && records.isEmpty && events.isEmpty }

    @discardableResult
    public mutating func addPerson(_ draft: PersonDraft, id: UUID = UUID()) -> UUID {
        persons.append(NewPerson(id: id, draft: draft))
        return id
    }

    @discardableResult
    public mutating func addRecord(_ draft: RecordDraft, id: UUID = UUID()) -> UUID {
        records.append(NewRecord(id: id, draft: draft))
        return id
    }

    @discardableResult
    public mutating func addEvent(_ draft: EventDraft, to personID: UUID, id: UUID = UUID()) -> UUID {
        events.append(NewEvent(id: id, personID: personID, draft: draft))
        return id
    }
}

extension Register {
    /// Rows per INSERT: well under SQLite's limit of 32,766 bound values for the widest table.
    static let batchChunk = 400

    /// Validates the whole batch, then writes it in one transaction with one audit entry.
    ///
    /// Every problem is reported at once, each named by its place in the batch
    /// (`persons[12].identity.name.surname`). Records and events may refer to persons, sources,
    /// facilities and records that exist or are in the batch; a person who exists already and is
    /// given events has their status derived anew.
    public func insert(_ batch: RegisterBatch, action: String, detail: String) async throws {
        try await insert(batch, action: action, detail: detail, remembering: nil)
    }

    /// Inserts a batch of a run of batches; `created` remembers the persons the run has created, so
    /// that events a later batch adds to them are assessed without reading them back.
    func insert(_ batch: RegisterBatch, action: String, detail: String, remembering created: CreatedPersons?) async throws {
        guard !batch.isEmpty else { return }
        let today = self.today
        var issues: [ValidationIssue] = []
        func collect(_ prefix: String, _ check: () throws(ValidationError) -> Void) {
            do { try check() } catch {
                issues += error.issues.map { ValidationIssue(field: "\(prefix).\($0.field)", rule: $0.rule, message: $0.message) }
            }
        }
        for (index, person) in batch.persons.enumerated() {
            collect("persons[\(index)]") { () throws(ValidationError) in try person.draft.validate(today: today) }
        }
        for (index, record) in batch.records.enumerated() {
            collect("records[\(index)]") { () throws(ValidationError) in try record.draft.validate(today: today) }
        }
        for (index, event) in batch.events.enumerated() {
            collect("events[\(index)]") { () throws(ValidationError) in try event.draft.validate(today: today) }
        }

        let draftIssues = issues
        let affiliations = Dictionary(batch.persons.map { ($0.id, $0.draft.affiliation) }) { first, _ in first }
        let batchRecords = Set(batch.records.map(\.id))
        let batchEvents = Set(batch.events.map(\.id))
        let now = clock()
        let actor = actor
        try await transaction { register in
            let database = register.database
            let knownSources = try await existing(
                SourceModel.self, ids: batch.records.map(\.draft.sourceID) + batch.events.compactMap(\.draft.sourceID),
                on: database)
            let knownFacilities = try await existing(
                FacilityModel.self, ids: batch.events.compactMap(\.draft.facilityID), on: database)
            let knownRecords = try await existing(
                RecordModel.self, ids: batch.events.compactMap(\.draft.recordID).filter { !batchRecords.contains($0) },
                on: database)
            let outsidePersons = (batch.records.compactMap(\.draft.personID) + batch.events.map(\.personID)).filter {
                affiliations[$0] == nil
            }
            let knownPersons = try await existing(PersonModel.self, ids: outsidePersons, on: database)
            var issues = draftIssues
            for (index, record) in batch.records.enumerated() {
                if !knownSources.contains(record.draft.sourceID) {
                    issues.append(.unknownReference("records[\(index)].sourceId", "source", record.draft.sourceID))
                }
                if let personID = record.draft.personID, affiliations[personID] == nil, !knownPersons.contains(personID) {
                    issues.append(.unknownReference("records[\(index)].personId", "person", personID))
                }
            }
            var correctedOnce = Set<UUID>()
            for (index, event) in batch.events.enumerated() {
                let draft = event.draft
                if affiliations[event.personID] == nil, !knownPersons.contains(event.personID) {
                    issues.append(.unknownReference("events[\(index)].personId", "person", event.personID))
                }
                if let id = draft.sourceID, !knownSources.contains(id) {
                    issues.append(.unknownReference("events[\(index)].sourceId", "source", id))
                }
                if let id = draft.facilityID, !knownFacilities.contains(id) {
                    issues.append(.unknownReference("events[\(index)].facilityId", "facility", id))
                }
                if let id = draft.recordID, !knownRecords.contains(id), !batchRecords.contains(id) {
                    issues.append(.unknownReference("events[\(index)].recordId", "record", id))
                }
                if let id = draft.supersedes {
                    if !batchEvents.contains(id) {
                        issues.append(.unknownReference("events[\(index)].supersedes", "event in this batch", id))
                    } else if !correctedOnce.insert(id).inserted {
                        issues.append(
                            ValidationIssue(
                                field: "events[\(index)].supersedes", rule: "already-superseded",
                                message: "event \(id) is corrected by another event of this batch already"
                            )
                        )
                    }
                }
            }
            if !issues.isEmpty { throw ValidationError(issues) }

            let events = batch.events.map { event in
                let draft = event.draft
                return Event(
                    id: event.id, personID: event.personID, kind: draft.kind, date: draft.date, place: draft.place,
                    facilityID: draft.facilityID, sourceID: draft.sourceID, recordID: draft.recordID,
                    credibility: draft.credibility, captureMode: draft.captureMode, note: draft.note,
                    supersedes: draft.supersedes, recordedAt: now
                )
            }
            let eventsByPerson = Dictionary(grouping: events, by: \.personID)

            let personModels = batch.persons.map { person in
                let model = PersonModel()
                model.id = person.id
                model.version = 1
                model.apply(person.draft)
                let assessment = StatusRules.assess(
                    affiliation: person.draft.affiliation, events: eventsByPerson[person.id] ?? [])
                model.status = assessment.status.rawValue
                model.statusSince = assessment.since?.description
                model.createdAt = now
                model.updatedAt = now
                return model
            }
            let recordModels = batch.records.map { record in
                let model = RecordModel()
                model.id = record.id
                model.apply(record.draft)
                model.createdAt = now
                return model
            }
            let linkModels = batch.records.compactMap { record -> RecordLinkModel? in
                guard let personID = record.draft.personID else { return nil }
                let link = RecordLinkModel()
                link.id = UUID()
                link.recordID = record.id
                link.personID = personID
                link.linkedAt = now
                link.linkedBy = actor
                link.reason = detail
                return link
            }
            let eventModels = events.map { EventModel($0, recordedBy: actor) }
            // A correction refers to the event it corrects, which must be stored first: insert by
            // how many corrections deep each event is.
            let corrects = Dictionary(events.compactMap { event in event.supersedes.map { (event.id, $0) } }) { first, _ in first
            }
            func depth(_ id: UUID) -> Int {
                var depth = 0
                var current = id
                while let corrected = corrects[current], depth <= events.count {
                    depth += 1
                    current = corrected
                }
                return depth
            }
            let eventsByDepth = Dictionary(grouping: eventModels) { depth($0.id!) }
            let sqlite = store.isSQLite
            try await personModels.insert(on: database, sqlite: sqlite)
            try await recordModels.insert(on: database, sqlite: sqlite)
            try await linkModels.insert(on: database, sqlite: sqlite)
            for depth in eventsByDepth.keys.sorted() { try await eventsByDepth[depth]!.insert(on: database, sqlite: sqlite) }
            var stored = Set(events.map(\.personID)).filter { affiliations[$0] == nil }
            if let created {
                for person in personModels {
                    guard let id = person.id else { continue }
                    created.persons[id] = CreatedPersons.Person(
                        affiliation: affiliations[id] ?? .own, status: person.status, since: person.statusSince, events: [])
                }
                for event in events { created.persons[event.personID]?.events.append(event) }
                var changed: [StatusChange] = []
                for id in stored {
                    guard let person = created.persons[id] else { continue }
                    stored.remove(id)
                    let assessment = StatusRules.assess(affiliation: person.affiliation, events: person.events)
                    let since = assessment.since?.description
                    guard person.status != assessment.status.rawValue || person.since != since else { continue }
                    created.persons[id]?.status = assessment.status.rawValue
                    created.persons[id]?.since = since
                    changed.append(StatusChange(id: id, status: assessment.status.rawValue, since: since))
                }
                try await updateStatuses(changed, on: database)
            }
            try await rederiveStatuses(of: stored, on: database)
            try await AuditLog.append(
                on: database, isPostgres: !store.isSQLite, chainHead: register.auditChainHead, at: now, actor: actor,
                action: action, entity: "batch", entityID: nil,
                detail: "\(detail): \(batch.persons.count) persons, \(batch.records.count) records, \(batch.events.count) events"
            )
        }
    }

    /// Derives anew the status of persons stored before, from all their events.
    private func rederiveStatuses(of personIDs: Set<UUID>, on database: any Database) async throws {
        for chunk in Array(personIDs).chunked(Register.batchChunk) {
            let persons = try await PersonModel.query(on: database).filter(\._$id ~~ chunk).all()
            let events = try await EventModel.query(on: database).filter(\.$personID ~~ chunk).all().map { try $0.event() }
            let eventsByPerson = Dictionary(grouping: events, by: \.personID)
            var changed: [StatusChange] = []
            for person in persons {
                let affiliation = try decoded(Affiliation.self, person.affiliation, column: "persons.affiliation")
                let id = try person.requireID()
                let assessment = StatusRules.assess(affiliation: affiliation, events: eventsByPerson[id] ?? [])
                let since = assessment.since?.description
                guard person.status != assessment.status.rawValue || person.statusSince != since else { continue }
                changed.append(StatusChange(id: id, status: assessment.status.rawValue, since: since))
            }
            try await updateStatuses(changed, on: database)
        }
    }

    /// Writes new statuses, a chunk per statement: a list's rows often name persons an earlier
    /// batch of the same list created, and updating them one by one took a third of the import.
    private func updateStatuses(_ changes: [StatusChange], on database: any Database) async throws {
        for changed in changes.chunked(Register.batchChunk) {
            let sqlite = store.isSQLite
            func bind(_ id: UUID) -> any SQLExpression { sqlite ? SQLBind(id.uuidString) : SQLBind(id) }
            let statusCases = SQLList(
                changed.map {
                    SQLList([SQLRaw("WHEN"), bind($0.id), SQLRaw("THEN"), SQLBind($0.status)], separator: SQLRaw(" "))
                }, separator: SQLRaw(" "))
            let sinceCases = SQLList(
                changed.map {
                    SQLList(
                        [SQLRaw("WHEN"), bind($0.id), SQLRaw("THEN"), $0.since.map { SQLBind($0) } ?? SQLLiteral.null],
                        separator: SQLRaw(" "))
                }, separator: SQLRaw(" "))
            try await database.sqlDatabase().raw(
                """
                UPDATE persons SET status = CASE id \(statusCases) END, status_since = CASE id \(sinceCases) END \
                WHERE id IN (\(SQLList(changed.map { bind($0.id) })))
                """
            ).run()
        }
    }

    private func existing<M: Model>(_ model: M.Type, ids: [UUID], on database: any Database) async throws -> Set<UUID>
    where M.IDValue == UUID {
        var found = Set<UUID>()
        for chunk in Array(Set(ids)).chunked(Register.batchChunk) {
            let rows = try await M.query(on: database).filter(\._$id ~~ chunk).all()
            found.formUnion(rows.compactMap(\.id))
        }
        return found
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

struct StatusChange {
    var id: UUID
    var status: String
    var since: String?
}

/// The persons a run of batches (one list's import) has created, with their events so far.
final class CreatedPersons: @unchecked Sendable {
    struct Person {
        var affiliation: Affiliation
        var status: String
        var since: String?
        var events: [Event]
    }

    // Used by the one task that runs the import's transaction, batch after batch.
    var persons: [UUID: Person] = [:]
}
