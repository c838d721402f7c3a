import FluentKit
import Foundation
import HomewardCore

/// A person with what an export or a notification needs besides their identity.
public struct PersonDossier: Sendable {
    public var person: Person
    /// Every event, corrections included, in the order they happened.
    public var events: [Event]
    /// How the person's records spell them, other than the person's own name.
    public var otherNames: [PersonName]
    /// Where they were last held, as the latest `held-at` event names the facility.
    public var lastFacility: Facility?

    /// The first capture's date and place, as recorded.
    public var capture: Event? { events.first { $0.kind == .captured } }
}

extension Register {
    /// A page of persons with their events, other names and last place of detention, read with a
    /// few queries per page whatever its length, so an export of the whole register is paged through.
    public func dossiers(_ filter: PersonFilter, offset: Int, limit: Int) async throws -> Page<PersonDossier> {
        let page = try await persons(filter, offset: offset, limit: limit)
        return Page(items: try await dossiers(of: page.items), total: page.total, offset: offset, limit: limit)
    }

    public func dossiers(of persons: [Person]) async throws -> [PersonDossier] {
        let ids = persons.map(\.id)
        var events: [UUID: [Event]] = [:]
        var names: [UUID: [PersonName]] = [:]
        for chunk in ids.chunked(Register.batchChunk) {
            for model in try await EventModel.query(on: database).filter(\.$personID ~~ Array(chunk)).all() {
                let event = try model.event()
                events[event.personID, default: []].append(event)
            }
            for model in try await RecordModel.query(on: database).filter(\.$personID ~~ Array(chunk)).all() {
                guard let person = model.personID else { continue }
                names[person, default: []].append(try model.record().particulars.name)
            }
        }
        var facilityIDs = Set<UUID>()
        var lastHeldAt: [UUID: UUID] = [:]
        for (person, list) in events {
            let sorted = list.sorted(by: StatusRules.happenedBefore)
            events[person] = sorted
            if let facility = sorted.last(where: { $0.kind == .heldAt && $0.facilityID != nil })?.facilityID {
                lastHeldAt[person] = facility
                facilityIDs.insert(facility)
            }
        }
        var facilities: [UUID: Facility] = [:]
        for chunk in Array(facilityIDs).chunked(Register.batchChunk) {
            for model in try await FacilityModel.query(on: database).filter(\._$id ~~ Array(chunk)).all() {
                let facility = try model.facility()
                facilities[facility.id] = facility
            }
        }
        return persons.map { person in
            var seen: Set<PersonName> = [person.identity.name]
            let others = (names[person.id] ?? []).filter { seen.insert($0).inserted }
            return PersonDossier(
                person: person, events: events[person.id] ?? [], otherNames: others,
                lastFacility: lastHeldAt[person.id].flatMap { facilities[$0] })
        }
    }
}
