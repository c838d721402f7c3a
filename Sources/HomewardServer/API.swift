import Foundation
import HomewardCore
import HomewardStore
import OpenAPIRuntime

/// The JSON API of openapi.yaml. Handlers answer the success case and throw for everything else;
/// `ProblemMiddleware` turns what they throw into the documented error answers.
struct RegisterAPI: APIProtocol {
    let database: HomewardDatabase
    let search: SearchService
    let clock: @Sendable () -> Date

    /// The register acting for the authenticated caller.
    var register: Register {
        get throws {
            guard let actor = RequestActor.current else {
                // The authentication middleware guards every private route; reaching here without a
                // caller means a route escaped it, which must fail closed.
                throw StoreError.internalInconsistency("an API operation ran without an authenticated caller")
            }
            return database.register(actor: actor, clock: clock)
        }
    }

    // MARK: Figures

    func getStats(_ input: Operations.GetStats.Input) async throws -> Operations.GetStats.Output {
        let statistics = try await database.register(actor: "public", clock: clock).statistics()
        return .ok(.init(body: .json(statistics.wire(generatedAt: clock()))))
    }

    // MARK: Persons

    func listPersons(_ input: Operations.ListPersons.Input) async throws -> Operations.ListPersons.Output {
        let (offset, limit) = try paging(offset: input.query.offset, limit: input.query.limit)
        let filter = PersonFilter(
            affiliation: input.query.affiliation.map { converted($0) },
            category: input.query.category.map { converted($0) },
            status: input.query.status.map { converted($0) }
        )
        let register = try register
        let page = try await register.persons(filter, offset: offset, limit: limit)
        try await register.noteListing(entity: "person", query: auditQuery(filter, offset: offset, limit: limit))
        return .ok(
            .init(body: .json(.init(items: page.items.map(\.wire), total: page.total, offset: page.offset, limit: page.limit))))
    }

    func createPerson(_ input: Operations.CreatePerson.Input) async throws -> Operations.CreatePerson.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let draft = try PersonDraft(affiliation: body.affiliation, category: body.category, identity: body.identity)
        let person = try await register.createPerson(draft)
        try await search.refresh(person.id)
        return .created(.init(body: .json(person.wire)))
    }

    func getPerson(_ input: Operations.GetPerson.Input) async throws -> Operations.GetPerson.Output {
        let id = try pathID(input.path.personId, "personId")
        let register = try register
        let person = try await register.person(id)
        let assessment = try await register.statusAssessment(of: id)
        try await register.noteView(entity: "person", id: id)
        return .ok(.init(body: .json(.init(person: person.wire, statusEvidence: assessment.wire))))
    }

    func updatePerson(_ input: Operations.UpdatePerson.Input) async throws -> Operations.UpdatePerson.Output {
        let id = try pathID(input.path.personId, "personId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        let draft = try PersonDraft(affiliation: body.affiliation, category: body.category, identity: body.identity)
        let person = try await register.updatePerson(id, expectedVersion: body.version, draft)
        try await search.refresh(id)
        return .ok(.init(body: .json(person.wire)))
    }

    // MARK: Events

    func listPersonEvents(_ input: Operations.ListPersonEvents.Input) async throws -> Operations.ListPersonEvents.Output {
        let id = try pathID(input.path.personId, "personId")
        let register = try register
        let timeline = try await register.timeline(of: id)
        try await register.noteView(entity: "timeline", id: id)
        return .ok(.init(body: .json(timeline.map(\.wire))))
    }

    func createEvent(_ input: Operations.CreateEvent.Input) async throws -> Operations.CreateEvent.Output {
        let id = try pathID(input.path.personId, "personId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        let event = try await register.appendEvent(to: id, try EventDraft(body))
        try await search.refresh(id)
        return .created(.init(body: .json(TimelineEntry(event: event, supersededBy: nil).wire)))
    }

    func getEvent(_ input: Operations.GetEvent.Input) async throws -> Operations.GetEvent.Output {
        let id = try pathID(input.path.eventId, "eventId")
        return .ok(.init(body: .json(try await register.event(id).wire)))
    }

    // MARK: Records

    func listRecords(_ input: Operations.ListRecords.Input) async throws -> Operations.ListRecords.Output {
        let (offset, limit) = try paging(offset: input.query.offset, limit: input.query.limit)
        let sourceID = try input.query.sourceId.map { try pathID($0, "sourceId") }
        let personID = try input.query.personId.map { try pathID($0, "personId") }
        let register = try register
        let page = try await register.records(sourceID: sourceID, personID: personID, offset: offset, limit: limit)
        try await register.noteListing(
            entity: "record",
            query: auditQuery(["sourceId": sourceID?.uuidString, "personId": personID?.uuidString], offset: offset, limit: limit)
        )
        return .ok(
            .init(body: .json(.init(items: page.items.map(\.wire), total: page.total, offset: page.offset, limit: page.limit))))
    }

    func createRecord(_ input: Operations.CreateRecord.Input) async throws -> Operations.CreateRecord.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let record = try await register.createRecord(try RecordDraft(body))
        if let personID = record.personID { try await search.refresh(personID) }
        return .created(.init(body: .json(record.wire)))
    }

    func getRecord(_ input: Operations.GetRecord.Input) async throws -> Operations.GetRecord.Output {
        let id = try pathID(input.path.recordId, "recordId")
        let register = try register
        let record = try await register.record(id)
        try await register.noteView(entity: "record", id: id)
        return .ok(.init(body: .json(record.wire)))
    }

    func linkRecord(_ input: Operations.LinkRecord.Input) async throws -> Operations.LinkRecord.Output {
        let id = try pathID(input.path.recordId, "recordId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        var reader = InputReader()
        let personID = reader.id(body.personId, "personId")
        try reader.finish()
        let register = try register
        let previous = try await register.record(id).personID
        let record = try await register.linkRecord(id, to: personID!, reason: body.reason)
        for changed in Set([previous, personID].compactMap { $0 }) { try await search.refresh(changed) }
        return .ok(.init(body: .json(record.wire)))
    }

    func unlinkRecord(_ input: Operations.UnlinkRecord.Input) async throws -> Operations.UnlinkRecord.Output {
        let id = try pathID(input.path.recordId, "recordId")
        let register = try register
        let previous = try await register.record(id).personID
        let record = try await register.unlinkRecord(id)
        if let previous { try await search.refresh(previous) }
        return .ok(.init(body: .json(record.wire)))
    }

    func listRecordLinks(_ input: Operations.ListRecordLinks.Input) async throws -> Operations.ListRecordLinks.Output {
        let id = try pathID(input.path.recordId, "recordId")
        return .ok(.init(body: .json(try await register.recordLinks(id).map(\.wire))))
    }

    // MARK: Sources

    func listSources(_ input: Operations.ListSources.Input) async throws -> Operations.ListSources.Output {
        let (offset, limit) = try paging(offset: input.query.offset, limit: input.query.limit)
        let page = try await register.sources(kind: input.query.kind.map { converted($0) }, offset: offset, limit: limit)
        return .ok(
            .init(body: .json(.init(items: page.items.map(\.wire), total: page.total, offset: page.offset, limit: page.limit))))
    }

    func createSource(_ input: Operations.CreateSource.Input) async throws -> Operations.CreateSource.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let draft = try SourceDraft(
            kind: body.kind, title: body.title, reliability: body.reliability, receivedOn: body.receivedOn,
            reference: body.reference, notes: body.notes
        )
        return .created(.init(body: .json(try await register.createSource(draft).wire)))
    }

    func getSource(_ input: Operations.GetSource.Input) async throws -> Operations.GetSource.Output {
        let id = try pathID(input.path.sourceId, "sourceId")
        return .ok(.init(body: .json(try await register.source(id).wire)))
    }

    func updateSource(_ input: Operations.UpdateSource.Input) async throws -> Operations.UpdateSource.Output {
        let id = try pathID(input.path.sourceId, "sourceId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        let draft = try SourceDraft(
            kind: body.kind, title: body.title, reliability: body.reliability, receivedOn: body.receivedOn,
            reference: body.reference, notes: body.notes
        )
        return .ok(.init(body: .json(try await register.updateSource(id, expectedVersion: body.version, draft).wire)))
    }

    // MARK: Facilities

    func listFacilities(_ input: Operations.ListFacilities.Input) async throws -> Operations.ListFacilities.Output {
        let (offset, limit) = try paging(offset: input.query.offset, limit: input.query.limit)
        let page = try await register.facilities(
            controlledBy: input.query.controlledBy.map { converted($0) }, offset: offset, limit: limit
        )
        return .ok(
            .init(body: .json(.init(items: page.items.map(\.wire), total: page.total, offset: page.offset, limit: page.limit))))
    }

    func createFacility(_ input: Operations.CreateFacility.Input) async throws -> Operations.CreateFacility.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let draft = FacilityDraft(
            name: body.name, kind: converted(body.kind), location: body.location, controlledBy: converted(body.controlledBy),
            notes: body.notes
        )
        return .created(.init(body: .json(try await register.createFacility(draft).wire)))
    }

    func getFacility(_ input: Operations.GetFacility.Input) async throws -> Operations.GetFacility.Output {
        let id = try pathID(input.path.facilityId, "facilityId")
        return .ok(.init(body: .json(try await register.facility(id).wire)))
    }

    func updateFacility(_ input: Operations.UpdateFacility.Input) async throws -> Operations.UpdateFacility.Output {
        let id = try pathID(input.path.facilityId, "facilityId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        let draft = FacilityDraft(
            name: body.name, kind: converted(body.kind), location: body.location, controlledBy: converted(body.controlledBy),
            notes: body.notes
        )
        return .ok(.init(body: .json(try await register.updateFacility(id, expectedVersion: body.version, draft).wire)))
    }
}

/// A listing's query as the audit log shows it: `affiliation=own status=returned offset=0 limit=50`.
private func auditQuery(_ parameters: [String: String?], offset: Int, limit: Int) -> String {
    let given = parameters.compactMap { key, value in value.map { "\(key)=\($0)" } }.sorted()
    return (given + ["offset=\(offset)", "limit=\(limit)"]).joined(separator: " ")
}

private func auditQuery(_ filter: PersonFilter, offset: Int, limit: Int) -> String {
    auditQuery(
        [
            "affiliation": filter.affiliation?.rawValue, "category": filter.category?.rawValue,
            "status": filter.status?.rawValue,
        ],
        offset: offset,
        limit: limit
    )
}

extension RegisterStatistics {
    func wire(generatedAt: Date) -> Components.Schemas.Stats {
        .init(
            generatedAt: generatedAt,
            totals: .init(
                persons: persons, own: own, adversary: adversary, ownHeld: ownHeld, ownMissing: ownMissing,
                ownReturned: ownReturned, ownDied: ownDied, adversaryHeld: adversaryHeld,
                exchangedAdversary: adversaryExchanged, exchanges: exchanges
            ),
            cells: cells.map {
                .init(
                    affiliation: converted($0.affiliation), status: converted($0.status), category: converted($0.category),
                    count: $0.count)
            }
        )
    }
}

/// The figures as `GET /api/v1/stats` gives them, for the command line.
public func statisticsJSON(database: HomewardDatabase, now: Date = Date()) async throws -> String {
    let statistics = try await database.register(actor: "cli").statistics()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(statistics.wire(generatedAt: now)), as: UTF8.self)
}
