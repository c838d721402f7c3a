import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Testing

@Suite("The register, on every database engine")
struct RegisterTests {
    @Test("a registered person reads back as written, with the Latin form derived", arguments: TestBackend.all)
    func registerAndRead(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let created = try await register.createPerson(petrenko())
            let read = try await register.person(created.id)
            #expect(read == created)
            #expect(read.version == 1)
            #expect(read.status == .noInformation)
            #expect(read.identity.name.latin.fullName == "Petrenko Oleksandr Mykolaiovych")
            #expect(read.identity.nextOfKin?.address == "Київ, вул. Соборна, 3")
            #expect(read.createdAt == testNow)
        }
    }

    @Test("an update based on a stale version is refused and overwrites nothing", arguments: TestBackend.all)
    func staleUpdateConflicts(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let person = try await register.createPerson(petrenko())
            var first = petrenko()
            first.identity.rank = "старший сержант"
            let updated = try await register.updatePerson(person.id, expectedVersion: 1, first)
            #expect(updated.version == 2)

            var second = petrenko()
            second.identity.unit = "А0000"
            await #expect(throws: StoreError.conflict(entity: "person", id: person.id, currentVersion: 2)) {
                try await register.updatePerson(person.id, expectedVersion: 1, second)
            }
            let stored = try await register.person(person.id)
            #expect(stored.identity.rank == "старший сержант")
            #expect(stored.identity.unit == "А1556")
        }
    }

    @Test("of two simultaneous edits from the same version exactly one lands", arguments: TestBackend.all)
    func concurrentEditsConflictVisibly(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let person = try await register.createPerson(petrenko())
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for unit in ["А1111", "А2222", "А3333", "А4444"] {
                    group.addTask {
                        var draft = petrenko()
                        draft.identity.unit = unit
                        do {
                            _ = try await register.updatePerson(person.id, expectedVersion: 1, draft)
                            return true
                        } catch StoreError.conflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await register.person(person.id).version == 2)
        }
    }

    @Test("updating an unknown person says so", arguments: TestBackend.all)
    func unknownPerson(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let id = UUID()
            await #expect(throws: StoreError.notFound(entity: "person", id: id)) { try await register.person(id) }
            await #expect(throws: StoreError.notFound(entity: "person", id: id)) {
                try await register.updatePerson(id, expectedVersion: 1, petrenko())
            }
        }
    }

    @Test("invalid particulars are refused with every broken rule", arguments: TestBackend.all)
    func invalidPersonIsRefused(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            var draft = petrenko()
            draft.identity.name.surname = "  "
            draft.identity.dateOfBirth = PartialDate("2030")
            let error = await #expect(throws: ValidationError.self) { try await database.testRegister().createPerson(draft) }
            #expect(error?.issues.map(\.field) == ["identity.name.surname", "identity.dateOfBirth"])
            let persons = try await database.testRegister().statistics().persons
            #expect(persons == 0)
        }
    }

    @Test("events derive the status; a correction supersedes and both stay in the timeline", arguments: TestBackend.all)
    func eventsAndCorrections(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let person = try await register.createPerson(petrenko())
            _ = try await register.appendEvent(to: person.id, event(.lastSeen, "2024-02-10"))
            let captured = try await register.appendEvent(to: person.id, event(.captured, "2024-02-11", .possiblyTrue))
            #expect(try await register.person(person.id).status == .captivityReported)
            _ = try await register.appendEvent(to: person.id, event(.captivityConfirmed, "2024-06-01", .confirmed))
            #expect(try await register.person(person.id).status == .captivityConfirmed)

            let weakDeath = try await register.appendEvent(to: person.id, event(.died, "2024-07-01", .improbable))
            #expect(try await register.person(person.id).status == .captivityConfirmed)
            let assessment = try await register.statusAssessment(of: person.id)
            #expect(assessment.outweighed.map(\.eventID) == [weakDeath.id])

            let correction = try await register.appendEvent(
                to: person.id, event(.captured, "2024-02-12", .probablyTrue, supersedes: captured.id)
            )
            let timeline = try await register.timeline(of: person.id)
            #expect(timeline.count == 5)
            #expect(timeline.first { $0.event.id == captured.id }?.supersededBy == correction.id)
            #expect(try await register.statusAssessment(of: person.id).superseded == [captured.id])

            _ = try await register.appendEvent(to: person.id, event(.exchanged, "2025-01-03", .confirmed))
            #expect(try await register.person(person.id).status == .returned)
        }
    }

    @Test("an event is corrected once, only by an event of the same person", arguments: TestBackend.all)
    func correctionRules(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let person = try await register.createPerson(petrenko())
            let other = try await register.createPerson(petrenko())
            let original = try await register.appendEvent(to: person.id, event(.captured, "2024-02-11"))
            _ = try await register.appendEvent(to: person.id, event(.captured, "2024-02-12", supersedes: original.id))

            let twice = await #expect(throws: ValidationError.self) {
                try await register.appendEvent(to: person.id, event(.captured, "2024-02-13", supersedes: original.id))
            }
            #expect(twice?.issues.map(\.rule) == ["already-superseded"])
            let foreign = await #expect(throws: ValidationError.self) {
                try await register.appendEvent(to: other.id, event(.released, "2024-03-01", supersedes: original.id))
            }
            #expect(foreign?.issues.map(\.rule) == ["unknown-reference"])
            #expect(try await register.timeline(of: other.id).isEmpty)
        }
    }

    @Test("records keep the row as received; links are reversible and keep their history", arguments: TestBackend.all)
    func recordsAndLinks(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let source = try await relativesSource(register)
            let first = try await register.createPerson(petrenko())
            let second = try await register.createPerson(petrenko())
            let raw = [
                RawField(column: "ФИО", value: "ПЕТРЕНКО Александр Николаевич"), RawField(column: "Д.р.", value: "05.04.1987"),
            ]
            let record = try await register.createRecord(
                RecordDraft(
                    sourceID: source.id, personID: first.id, rowNumber: 7,
                    particulars: RecordParticulars(
                        name: PersonName(
                            surname: "Петренко", givenNames: "Александр", patronymic: "Николаевич", language: .russian),
                        dateOfBirth: PartialDate("1987-04-05")
                    ),
                    raw: raw
                )
            )
            #expect(try await register.record(record.id).raw == raw)
            #expect(try await register.record(record.id).particulars.name.latin.fullName == "Petrenko Aleksandr Nikolaevich")

            _ = try await register.linkRecord(record.id, to: second.id, reason: "same service number")
            let unlinked = try await register.unlinkRecord(record.id)
            #expect(unlinked.personID == nil)
            let history = try await register.recordLinks(record.id)
            #expect(history.map(\.personID) == [first.id, second.id])
            #expect(history.allSatisfy { $0.undoneAt != nil })
            #expect(history[1].reason == "same service number")
            #expect(try await register.records(sourceID: source.id, personID: nil, offset: 0, limit: 10).total == 1)
        }
    }

    @Test("a record must name an existing source and person", arguments: TestBackend.all)
    func recordReferences(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let draft = RecordDraft(
                sourceID: UUID(), personID: UUID(),
                particulars: RecordParticulars(name: PersonName(surname: "Петренко", language: .ukrainian))
            )
            let error = await #expect(throws: ValidationError.self) { try await database.testRegister().createRecord(draft) }
            #expect(error?.issues.map(\.field) == ["sourceId", "personId"])
        }
    }

    @Test("persons are listed by filter, in pages, by Latin surname", arguments: TestBackend.all)
    func listing(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            for surname in ["Шевченко", "Бойко", "Мельник"] {
                var draft = petrenko()
                draft.identity.name.surname = surname
                _ = try await register.createPerson(draft)
            }
            _ = try await register.createPerson(petrenko(affiliation: .adversary))
            let own = try await register.persons(PersonFilter(affiliation: .own), offset: 0, limit: 2)
            #expect(own.total == 3)
            #expect(own.items.map(\.identity.name.surname) == ["Бойко", "Мельник"])
            let next = try await register.persons(PersonFilter(affiliation: .own), offset: 2, limit: 2)
            #expect(next.items.map(\.identity.name.surname) == ["Шевченко"])
            let held = try await register.persons(PersonFilter(status: .inCustody), offset: 0, limit: 10)
            #expect(held.total == 1)
        }
    }

    @Test("the figures count by affiliation, status and category", arguments: TestBackend.all)
    func statistics(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let held = try await register.createPerson(petrenko())
            _ = try await register.appendEvent(to: held.id, event(.captivityConfirmed, "2024-06-01", .confirmed))
            let returned = try await register.createPerson(petrenko())
            _ = try await register.appendEvent(to: returned.id, event(.exchanged, "2024-06-25", .confirmed))
            let alsoReturned = try await register.createPerson(petrenko())
            _ = try await register.appendEvent(to: alsoReturned.id, event(.exchanged, "2024-06-25", .confirmed))
            _ = try await register.createPerson(petrenko())
            _ = try await register.createPerson(petrenko(affiliation: .adversary))

            let figures = try await register.statistics()
            #expect(figures.persons == 5)
            #expect(figures.ownHeld == 1)
            #expect(figures.ownReturned == 2)
            #expect(figures.ownMissing == 1)
            #expect(figures.adversaryHeld == 1)
            #expect(figures.exchanges == 1)
            #expect(
                figures.cells.contains {
                    $0.affiliation == .own && $0.status == .returned && $0.category == .servicemember && $0.count == 2
                })
        }
    }

    @Test("a batch with one bad reference writes nothing and names the place", arguments: TestBackend.all)
    func batchIsAtomic(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            let source = try await relativesSource(register)
            var batch = RegisterBatch()
            let person = batch.addPerson(petrenko())
            batch.addRecord(
                RecordDraft(sourceID: source.id, personID: person, particulars: RecordParticulars(name: petrenko().identity.name))
            )
            batch.addEvent(event(.captured, "2024-02-11"), to: person)
            batch.addEvent(EventDraft(kind: .heldAt, facilityID: UUID(), credibility: .possiblyTrue), to: person)
            let error = await #expect(throws: ValidationError.self) {
                try await register.insert(batch, action: "test", detail: "test")
            }
            #expect(error?.issues.map(\.field) == ["events[1].facilityId"])
            #expect(try await register.statistics().persons == 0)
            #expect(try await register.records(sourceID: nil, personID: nil, offset: 0, limit: 1).total == 0)
        }
    }

    @Test("a batch derives statuses and orders corrections after what they correct", arguments: TestBackend.all)
    func batchDerivesStatus(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            var batch = RegisterBatch()
            let person = batch.addPerson(petrenko())
            let death = batch.addEvent(event(.died, "2024-03-01"), to: person)
            let correction = batch.addEvent(event(.died, "2024-03-05", .confirmed, supersedes: death), to: person)
            batch.addEvent(event(.retraction, nil, .confirmed, supersedes: correction), to: person)
            try await register.insert(batch, action: "test", detail: "test")
            #expect(try await register.person(person).status == .noInformation)
            #expect(try await register.timeline(of: person).count == 3)
        }
    }

    @Test("the same seed gives the same demo register", arguments: TestBackend.all)
    func demoIsDeterministic(backend: TestBackend) async throws {
        let first = try await withTestDatabase(backend) { database in
            let summary = try await DemoRegister(ownPersons: 120, adversaryPersons: 60, seed: 7).load(
                into: database.testRegister())
            return (summary, try await database.testRegister().statistics())
        }
        let second = try await withTestDatabase(backend) { database in
            let summary = try await DemoRegister(ownPersons: 120, adversaryPersons: 60, seed: 7).load(
                into: database.testRegister())
            return (summary, try await database.testRegister().statistics())
        }
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        #expect(first.0.persons == 180)
        #expect(first.1.ownHeld > 0 && first.1.ownReturned > 0 && first.1.adversaryHeld > 0)
    }

    @Test("migrating an up-to-date register changes nothing", arguments: TestBackend.all)
    func migrationIsIdempotent(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let person = try await database.testRegister().createPerson(petrenko())
            try await database.migrate()
            #expect(try await database.testRegister().person(person.id) == person)
        }
    }
}
