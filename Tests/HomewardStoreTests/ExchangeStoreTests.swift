import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Testing

@Suite("Exchanges in the store: negotiated lists, the fund, the day and the figures")
struct ExchangeStoreTests {
    struct Setting {
        var register: Register
        var exchange: Exchange
        var ours: [Person]
        var theirs: [Person]
    }

    func person(_ register: Register, _ affiliation: Affiliation, _ surname: String, events: [EventDraft]) async throws -> Person
    {
        var draft = petrenko(affiliation: affiliation)
        draft.identity.name.surname = surname
        let person = try await register.createPerson(draft)
        for event in events { _ = try await register.appendEvent(to: person.id, event) }
        return try await register.person(person.id)
    }

    /// A negotiation with three of our people held and three of theirs in custody.
    func setting(_ database: HomewardDatabase) async throws -> Setting {
        let register = database.testRegister(actor: "test:negotiator")
        let counterparty = try await register.createParty(name: "Російська Федерація", role: .counterparty, note: nil)
        let mediator = try await register.createParty(name: "ОАЕ", role: .mediator, note: "посередник")
        let exchange = try await register.createExchange(
            ExchangeDraft(title: "Обмін 40", counterpartyID: counterparty.id, mediatorID: mediator.id, formula: .oneForOne()))
        var ours: [Person] = []
        for surname in ["Бондар", "Коваль", "Мельник"] {
            ours.append(
                try await person(
                    register, .own, surname,
                    events: [event(.captured, "2023-03-01"), event(.captivityConfirmed, "2023-06-01", .confirmed)]))
        }
        var theirs: [Person] = []
        for surname in ["Иванов", "Смирнов", "Кузнецов"] {
            theirs.append(try await person(register, .adversary, surname, events: [event(.captured, "2024-01-10", .confirmed)]))
        }
        return Setting(register: register, exchange: exchange, ours: ours, theirs: theirs)
    }

    @Test(
        "a negotiation played through: two rounds, agreed lists, the day with a refusal, and the figures after",
        arguments: TestBackend.all)
    func negotiationPlayedThrough(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let setting = try await setting(database)
            let register = setting.register
            var exchange = setting.exchange
            #expect(exchange.state == .negotiating && exchange.round == 1 && exchange.mediator?.name == "ОАЕ")
            let before = try await register.statistics()

            let ask1 = try await register.putList(
                exchange.id, expectedVersion: exchange.version, side: .ours, personIDs: setting.ours.prefix(2).map(\.id),
                proposedBy: .us, note: "перший список")
            exchange = try await register.exchange(exchange.id)
            _ = try await register.putList(
                exchange.id, expectedVersion: exchange.version, side: .theirs, personIDs: setting.theirs.map(\.id),
                proposedBy: .them,
                note: nil)
            exchange = try await register.openRound(
                exchange.id, expectedVersion: try await register.exchange(exchange.id).version)
            #expect(exchange.round == 2)
            let ask2 = try await register.putList(
                exchange.id, expectedVersion: exchange.version, side: .ours,
                personIDs: [setting.ours[0].id, setting.ours[2].id], proposedBy: .us, note: nil)
            #expect(ask2.version == 2 && ask2.round == 2)
            let difference = ListDifference(from: ask1.personIDs, to: ask2.personIDs)
            #expect(difference.added == [setting.ours[2].id] && difference.removed == [setting.ours[1].id])
            let lists = try await register.lists(of: exchange.id)
            #expect(lists.map(\.side) == [.ours, .theirs, .ours])
            #expect(lists.last?.personIDs == ask2.personIDs)

            exchange = try await register.agreeExchange(
                exchange.id, expectedVersion: try await register.exchange(exchange.id).version)
            #expect(exchange.state == .agreed && exchange.agreedOursListID == ask2.id)
            // Once agreed, the lists are frozen.
            await #expect(throws: StoreError.self) {
                _ = try await register.putList(
                    exchange.id, expectedVersion: exchange.version, side: .ours, personIDs: [], proposedBy: .us, note: nil)
            }

            let day = PartialDate("2025-11-20")!
            let outcomes = [
                ExchangeOutcome(personID: setting.ours[0].id, side: .ours, outcome: .handedOver),
                ExchangeOutcome(personID: setting.ours[2].id, side: .ours, outcome: .handedOver),
                ExchangeOutcome(personID: setting.theirs[0].id, side: .theirs, outcome: .handedOver),
                ExchangeOutcome(personID: setting.theirs[1].id, side: .theirs, outcome: .handedOver),
                ExchangeOutcome(personID: setting.theirs[2].id, side: .theirs, outcome: .refused, note: "відмовився"),
            ]
            exchange = try await register.recordExchangeDay(
                exchange.id, expectedVersion: exchange.version, heldOn: day, outcomes: outcomes, close: true)
            #expect(exchange.state == .completed && exchange.heldOn == day && exchange.sourceID != nil)
            #expect(try await register.person(setting.ours[0].id).status == .returned)
            #expect(try await register.person(setting.ours[1].id).status == .captivityConfirmed)
            #expect(try await register.person(setting.theirs[0].id).status == .exchanged)
            let refuser = try await register.timeline(of: setting.theirs[2].id)
            #expect(try await register.person(setting.theirs[2].id).status == .inCustody)
            #expect(refuser.last?.event.kind == .refusedRepatriation && refuser.last?.event.sourceID == exchange.sourceID)
            #expect(ExchangeTally(try await register.outcomes(of: exchange.id)).refused == 1)

            let after = try await register.statistics()
            #expect(after.ownReturned == before.ownReturned + 2)
            #expect(after.exchanges == before.exchanges + 1)
            #expect(after.ownHeld == before.ownHeld - 2)
            // The refuser now refuses repatriation: no longer in the exchangeable fund.
            let fund = try await register.fund()
            #expect(fund.map(\.person.id) == [setting.theirs[2].id])
            #expect(fund.first?.exclusions == [.refusesRepatriation])
            let asked = try await register.fund(personIDs: [setting.theirs[2].id, setting.theirs[0].id])
            #expect(asked.map(\.person.id) == [setting.theirs[2].id] && asked.first?.exclusions == [.refusesRepatriation])
            #expect(asked.first?.heldSince == PartialDate("2024-01-10"))

            let actions = try await database.auditEntries(AuditFilter(entity: "exchange"), offset: 0, limit: 50).items.map(
                \.action)
            for action in ["exchange.create", "exchange.list", "exchange.round", "exchange.agree", "exchange.close"] {
                #expect(actions.contains(action), "\(action) is audited")
            }
        }
    }

    @Test("a list put forward on a stale version conflicts and writes nothing", arguments: TestBackend.all)
    func staleListConflicts(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let setting = try await setting(database)
            let register = setting.register
            let version = setting.exchange.version
            _ = try await register.putList(
                setting.exchange.id, expectedVersion: version, side: .ours, personIDs: [setting.ours[0].id], proposedBy: .us,
                note: nil)
            await #expect(throws: StoreError.conflict(entity: "exchange", id: setting.exchange.id, currentVersion: version + 1)) {
                _ = try await register.putList(
                    setting.exchange.id, expectedVersion: version, side: .ours, personIDs: [setting.ours[1].id], proposedBy: .us,
                    note: nil)
            }
            #expect(try await register.lists(of: setting.exchange.id).count == 1)
        }
    }

    @Test("a list names persons of its side once each, and every wrong one is named", arguments: TestBackend.all)
    func listValidation(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let setting = try await setting(database)
            let register = setting.register
            do {
                _ = try await register.putList(
                    setting.exchange.id, expectedVersion: setting.exchange.version, side: .theirs,
                    personIDs: [setting.theirs[0].id, setting.ours[0].id, UUID()], proposedBy: .them, note: nil)
                Issue.record("accepted")
            } catch let error as ValidationError {
                #expect(error.issues.map(\.field) == ["personIds[1]", "personIds[2]"])
                #expect(error.issues.map(\.rule) == ["affiliation", "unknown-reference"])
            }
            await #expect(throws: ValidationError.self) {
                _ = try await register.putList(
                    setting.exchange.id, expectedVersion: setting.exchange.version, side: .ours,
                    personIDs: [setting.ours[0].id, setting.ours[0].id], proposedBy: .us, note: nil)
            }
            #expect(try await register.lists(of: setting.exchange.id).isEmpty)
        }
    }

    @Test("the fund tells why a person cannot be exchanged, and agreement refuses them", arguments: TestBackend.all)
    func fundExclusions(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let setting = try await setting(database)
            let register = setting.register
            let hold = try await register.placeHold(
                on: setting.theirs[1].id, reason: .criminalProceedings, note: "справа 12/2024")
            await #expect(throws: ValidationError.self) {
                _ = try await register.placeHold(on: setting.ours[0].id, reason: .medicalHold, note: nil)
            }
            var fund = try await register.fund()
            #expect(fund.filter(\.isExchangeable).count == 2)
            #expect(fund.first { $0.person.id == setting.theirs[1].id }?.exclusions == [.criminalProceedings])

            var exchange = setting.exchange
            _ = try await register.putList(
                exchange.id, expectedVersion: exchange.version, side: .ours, personIDs: [setting.ours[0].id], proposedBy: .us,
                note: nil)
            _ = try await register.putList(
                exchange.id, expectedVersion: exchange.version + 1, side: .theirs, personIDs: [setting.theirs[1].id],
                proposedBy: .them, note: nil)
            do {
                _ = try await register.agreeExchange(exchange.id, expectedVersion: exchange.version + 2)
                Issue.record("agreed with a person under criminal proceedings")
            } catch let error as ValidationError {
                #expect(error.issues.count == 1)
                #expect(error.issues[0].message.contains("criminal-proceedings"))
            }
            #expect(try await register.exchange(exchange.id).state == .negotiating)

            _ = try await register.liftHold(hold.id)
            await #expect(throws: StoreError.self) { _ = try await register.liftHold(hold.id) }
            exchange = try await register.agreeExchange(exchange.id, expectedVersion: exchange.version + 2)
            fund = try await register.fund()
            #expect(fund.first { $0.person.id == setting.theirs[1].id }?.exclusions == [.onAgreedList])
            #expect(fund.first { $0.person.id == setting.theirs[1].id }?.agreedIn == exchange.id)
            #expect(try await register.fund(excludingExchange: exchange.id).filter(\.isExchangeable).count == 3)
            #expect(try await register.holds(of: setting.theirs[1].id).first?.liftedBy == "test:negotiator")
        }
    }

    @Test("closing needs an outcome for everyone listed; a refused close writes nothing", arguments: TestBackend.all)
    func closingNeedsEveryOutcome(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let setting = try await setting(database)
            let register = setting.register
            let id = setting.exchange.id
            _ = try await register.putList(
                id, expectedVersion: 1, side: .ours, personIDs: setting.ours.map(\.id), proposedBy: .us, note: nil)
            _ = try await register.putList(
                id, expectedVersion: 2, side: .theirs, personIDs: setting.theirs.map(\.id), proposedBy: .us, note: nil)
            var exchange = try await register.agreeExchange(id, expectedVersion: 3)
            let partial = [ExchangeOutcome(personID: setting.ours[0].id, side: .ours, outcome: .handedOver)]
            await #expect(throws: ValidationError.self) {
                _ = try await register.recordExchangeDay(
                    id, expectedVersion: exchange.version, heldOn: PartialDate("2025-11-20")!, outcomes: partial, close: true)
            }
            #expect(try await register.exchange(id).state == .agreed)
            #expect(try await register.outcomes(of: id).isEmpty)
            #expect(try await register.person(setting.ours[0].id).status == .captivityConfirmed)

            // Saved without closing, the outcomes stay and the day can be completed later.
            exchange = try await register.recordExchangeDay(
                id, expectedVersion: exchange.version, heldOn: PartialDate("2025-11-20")!, outcomes: partial, close: false)
            #expect(try await register.outcomes(of: id).count == 1)
            await #expect(throws: ValidationError.self) {
                _ = try await register.recordExchangeDay(
                    id, expectedVersion: exchange.version, heldOn: PartialDate("2025-11-20")!,
                    outcomes: [ExchangeOutcome(personID: setting.ours[1].id, side: .theirs, outcome: .handedOver)], close: false)
            }
            #expect(try await register.person(setting.ours[0].id).status == .captivityConfirmed)
        }
    }

    @Test("medical findings: the latest counts for a candidate's priority facts", arguments: TestBackend.all)
    func candidates(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let setting = try await setting(database)
            // Findings are ordered by when they were recorded, so this test's clock must move.
            let register = database.register(actor: "test:negotiator", clock: Date.init)
            _ = try await register.recordMedicalFinding(
                for: setting.ours[1].id, condition: .seriouslyWounded, decision: nil, decidedOn: nil, note: nil)
            _ = try await register.recordMedicalFinding(
                for: setting.ours[1].id, condition: .seriouslyWounded, decision: .directRepatriation,
                decidedOn: PartialDate("2025-10-01"), note: "ЗМК")
            let candidates = try await register.exchangeCandidates()
            #expect(candidates.count == 3)
            let wounded = candidates.first { $0.person.id == setting.ours[1].id }
            #expect(wounded?.medical?.decision == .directRepatriation)
            #expect(wounded?.capturedOn == PartialDate("2023-03-01"))
            #expect(try await register.medicalFindings(of: setting.ours[1].id).count == 2)
            // Asked about a few, it reads only them: the others, and anyone not ours and held, are left out.
            let few = try await register.exchangeCandidates(personIDs: [setting.ours[1].id, setting.theirs[0].id])
            #expect(few.map(\.person.id) == [setting.ours[1].id])
            #expect(few.first?.medical?.decision == .directRepatriation && few.first?.capturedOn == PartialDate("2023-03-01"))
            #expect(try await register.exchangeCandidates(personIDs: []).isEmpty)
        }
    }

    @Test("a setting is stored with its version; a stale change conflicts", arguments: TestBackend.all)
    func settings(backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let register = database.testRegister()
            #expect(try await register.setting("weights") == nil)
            try await register.storeSetting("weights", value: "{\"a\":1}", expectedVersion: 0)
            try await register.storeSetting("weights", value: "{\"a\":2}", expectedVersion: 1)
            await #expect(throws: StoreError.self) {
                try await register.storeSetting("weights", value: "{\"a\":3}", expectedVersion: 1)
            }
            #expect(try await register.setting("weights")?.value == "{\"a\":2}")
            #expect(try await register.setting("weights")?.version == 2)
        }
    }
}
