import FluentKit
import Foundation
import HomewardCore
import SQLKit

/// Which side put a list forward in a round.
public enum ListProposer: String, Sendable, Codable, CaseIterable {
    case us
    case them
}

/// A negotiation and, once held, the exchange itself.
public struct Exchange: Identifiable, Hashable, Sendable {
    public var id: UUID
    /// Increases with every change, lists included: a change naming an older version is refused.
    public var version: Int
    public var title: String
    public var counterparty: ExchangeParty
    public var mediator: ExchangeParty?
    public var state: ExchangeState
    public var formula: ExchangeFormula
    /// The round under way; round 1 opens with the negotiation.
    public var round: Int
    public var plannedOn: PartialDate?
    public var heldOn: PartialDate?
    public var note: String?
    public var createdAt: Date
    public var createdBy: String
    public var agreedAt: Date?
    public var agreedBy: String?
    public var agreedOursListID: UUID?
    public var agreedTheirsListID: UUID?
    public var closedAt: Date?
    public var closedBy: String?
    /// The record of the day, which the events written at closing cite.
    public var sourceID: UUID?
    public var cancelReason: String?
}

public struct ExchangeDraft: Hashable, Sendable {
    public var title: String
    public var counterpartyID: UUID
    public var mediatorID: UUID?
    public var formula: ExchangeFormula
    public var plannedOn: PartialDate?
    public var note: String?

    public init(
        title: String, counterpartyID: UUID, mediatorID: UUID? = nil, formula: ExchangeFormula = .oneForOne(),
        plannedOn: PartialDate? = nil, note: String? = nil
    ) {
        self.title = title
        self.counterpartyID = counterpartyID
        self.mediatorID = mediatorID
        self.formula = formula
        self.plannedOn = plannedOn
        self.note = note
    }

    func validate(today: PartialDate) throws(ValidationError) {
        var validator = Validator(today: today)
        validator.require(title, "title")
        validator.text(note, "note", maxLength: Validator.maxLongTextLength)
        var issues = validator.issues
        do { try formula.validate() } catch { issues += error.issues }
        if !issues.isEmpty { throw ValidationError(issues) }
    }
}

/// One version of one side's list, as it was put forward.
public struct ExchangeList: Identifiable, Hashable, Sendable {
    public var id: UUID
    public var exchangeID: UUID
    public var round: Int
    public var side: ExchangeSide
    /// Counts the versions of this side's list across the whole negotiation, from 1.
    public var version: Int
    public var proposedBy: ListProposer
    public var note: String?
    public var personIDs: [UUID]
    public var createdAt: Date
    public var createdBy: String
}

/// What happened to one listed person on the day, as recorded.
public struct ExchangeOutcome: Hashable, Sendable {
    public var personID: UUID
    public var side: ExchangeSide
    public var outcome: HandoverOutcome
    public var note: String?

    public init(personID: UUID, side: ExchangeSide, outcome: HandoverOutcome, note: String? = nil) {
        self.personID = personID
        self.side = side
        self.outcome = outcome
        self.note = note
    }
}

/// The counts of a closed exchange.
public struct ExchangeTally: Hashable, Sendable {
    /// Our people who came home.
    public var returned = 0
    /// Their people we handed over.
    public var handedOver = 0
    /// Listed persons, of either side, who refused to go.
    public var refused = 0
    /// Listed persons who were not brought to the exchange.
    public var notHandedOver = 0

    public init(_ outcomes: [ExchangeOutcome]) {
        for outcome in outcomes {
            switch (outcome.side, outcome.outcome) {
            case (.ours, .handedOver): returned += 1
            case (.theirs, .handedOver): handedOver += 1
            case (_, .refused): refused += 1
            case (_, .notHandedOver): notHandedOver += 1
            }
        }
    }
}

/// A person we hold, with every reason they cannot be exchanged; none means they can.
public struct FundEntry: Hashable, Sendable {
    public var person: Person
    public var exclusions: [FundExclusion]
    /// The holds in force, which `exclusions` includes.
    public var holds: [FundHold]
    /// The agreed exchange that already promises them, if any.
    public var agreedIn: UUID?
    /// Since when we hold them: the capture, or the first statement of custody.
    public var heldSince: PartialDate?
    public var medical: MedicalFinding?

    public var isExchangeable: Bool { exclusions.isEmpty }
}

/// What a priority is computed from, for one of our people who is held.
public struct CandidateFacts: Hashable, Sendable {
    public var person: Person
    /// When captivity began: the earliest capture or captivity report.
    public var capturedOn: PartialDate?
    public var medical: MedicalFinding?
}

extension Register {
    // MARK: Parties

    public func createParty(name: String, role: ExchangePartyRole, note: String?) async throws -> ExchangeParty {
        var validator = Validator(today: today)
        validator.require(name, "name")
        validator.text(note, "note")
        try validator.finish()
        let now = clock()
        return try await write("exchange-party.create", entity: "exchange_party", detail: "\(role.rawValue): \(name)") {
            database in
            if try await ExchangePartyModel.query(on: database).filter(\.$name == name).filter(\.$role == role.rawValue).first()
                != nil
            {
                throw ValidationError([
                    ValidationIssue(field: "name", rule: "unique", message: "there is already a \(role.rawValue) named \(name)")
                ])
            }
            let model = ExchangePartyModel()
            model.id = UUID()
            model.name = name
            model.role = role.rawValue
            model.note = note
            model.createdAt = now
            try await model.create(on: database)
            return (try model.party(), model.id?.uuidString)
        }
    }

    public func parties() async throws -> [ExchangeParty] {
        try await ExchangePartyModel.query(on: database).sort(\.$name).all().map { try $0.party() }
    }

    // MARK: Negotiations

    /// Opens a negotiation; its first round opens with it.
    public func createExchange(_ draft: ExchangeDraft) async throws -> Exchange {
        try draft.validate(today: today)
        let now = clock()
        let actor = actor
        let formula = try Self.encodedFormula(draft.formula)
        return try await write("exchange.create", entity: "exchange", detail: draft.title) { database in
            try await checkParties(draft, on: database)
            let model = ExchangeModel()
            model.id = UUID()
            model.version = 1
            model.title = draft.title
            model.counterpartyID = draft.counterpartyID
            model.mediatorID = draft.mediatorID
            model.state = ExchangeState.negotiating.rawValue
            model.formula = formula
            model.round = 1
            model.plannedOn = draft.plannedOn?.description
            model.note = draft.note
            model.createdAt = now
            model.createdBy = actor
            try await model.create(on: database)
            return (try await exchange(model, on: database), model.id?.uuidString)
        }
    }

    /// Changes the title, parties, formula, planned date or note while the lists are not yet agreed.
    public func updateExchange(_ id: UUID, expectedVersion: Int, _ draft: ExchangeDraft) async throws -> Exchange {
        try draft.validate(today: today)
        let formula = try Self.encodedFormula(draft.formula)
        return try await write("exchange.update", entity: "exchange", detail: draft.title) { database in
            let model = try await claimExchange(id, expectedVersion: expectedVersion, in: [.negotiating], on: database)
            try await checkParties(draft, on: database)
            model.title = draft.title
            model.counterpartyID = draft.counterpartyID
            model.mediatorID = draft.mediatorID
            model.formula = formula
            model.plannedOn = draft.plannedOn?.description
            model.note = draft.note
            try await model.update(on: database)
            return (try await exchange(model, on: database), id.uuidString)
        }
    }

    public func exchange(_ id: UUID) async throws -> Exchange {
        guard let model = try await ExchangeModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "exchange", id: id)
        }
        return try await exchange(model, on: database)
    }

    /// Every exchange, the latest first.
    public func exchanges(state: ExchangeState? = nil) async throws -> [Exchange] {
        var query = ExchangeModel.query(on: database)
        if let state { query = query.filter(\.$state == state.rawValue) }
        let models = try await query.sort(\.$createdAt, .descending).all()
        let parties = Dictionary(
            try await ExchangePartyModel.query(on: database).all().map { (try $0.requireID(), try $0.party()) },
            uniquingKeysWith: { first, _ in first })
        return try models.map { try $0.exchange(parties: parties) }
    }

    /// Starts the next round: the lists go on from their latest versions.
    public func openRound(_ id: UUID, expectedVersion: Int) async throws -> Exchange {
        try await write("exchange.round", entity: "exchange") { database in
            let model = try await claimExchange(id, expectedVersion: expectedVersion, in: [.negotiating], on: database)
            model.round += 1
            try await model.update(on: database)
            return (try await exchange(model, on: database), id.uuidString)
        }
    }

    /// Keeps a new version of one side's list in the current round.
    ///
    /// A list names each person once, only persons of the side's affiliation, and only while the
    /// negotiation is open; the audit entry says what changed against the previous version.
    public func putList(
        _ id: UUID, expectedVersion: Int, side: ExchangeSide, personIDs: [UUID], proposedBy: ListProposer, note: String?
    ) async throws -> ExchangeList {
        try await replaceList(
            id, expectedVersion: expectedVersion, side: side, personIDs: personIDs, proposedBy: proposedBy, note: note
        ).list
    }

    /// A new version of a list and the version it replaced.
    public struct ListReplacement: Sendable {
        public var list: ExchangeList
        public var previous: ExchangeList?
    }

    /// `putList`, giving back the version the new one replaced too: read once, in the write's
    /// transaction, so that the difference the audit line and the caller see is the one this
    /// write made, whatever is put at the same moment.
    public func replaceList(
        _ id: UUID, expectedVersion: Int, side: ExchangeSide, personIDs: [UUID], proposedBy: ListProposer, note: String?
    ) async throws -> ListReplacement {
        var validator = Validator(today: today)
        validator.text(note, "note", maxLength: Validator.maxLongTextLength)
        var seen = Set<UUID>()
        for (index, person) in personIDs.enumerated() where !seen.insert(person).inserted {
            validator.add("personIds[\(index)]", "duplicate", "person \(person) is on the list twice")
        }
        try validator.finish()
        let now = clock()
        let actor = actor
        return try await transaction { register in
            let previous = try await register.latestList(id, side: side)
            let difference = ListDifference(from: previous?.personIDs ?? [], to: personIDs)
            let detail =
                "\(side.rawValue) list by \(proposedBy.rawValue): \(personIDs.count) persons, +\(difference.added.count) −\(difference.removed.count)"
            let list = try await register.write("exchange.list", entity: "exchange", detail: detail) { database in
                let model = try await register.claimExchange(
                    id, expectedVersion: expectedVersion, in: [.negotiating], on: database)
                try await register.checkPersons(personIDs, affiliation: side.affiliation, field: "personIds", on: database)
                let list = ExchangeListModel()
                list.id = UUID()
                list.exchangeID = id
                list.round = model.round
                list.side = side.rawValue
                list.version = (previous?.version ?? 0) + 1
                list.proposedBy = proposedBy.rawValue
                list.note = note
                list.persons = personIDs.count
                list.createdAt = now
                list.createdBy = actor
                try await list.create(on: database)
                let entries = personIDs.enumerated().map { position, person in
                    let entry = ExchangeListPersonModel()
                    entry.id = UUID()
                    entry.listID = list.id!
                    entry.personID = person
                    entry.position = position
                    return entry
                }
                for chunk in entries.chunked(Register.batchChunk) { try await chunk.create(on: database) }
                return (try list.list(personIDs: personIDs), id.uuidString)
            }
            return ListReplacement(list: list, previous: previous)
        }
    }

    /// Every version of both lists, in the order they were put forward.
    public func lists(of exchangeID: UUID) async throws -> [ExchangeList] {
        let lists = try await ExchangeListModel.query(on: database).filter(\.$exchangeID == exchangeID)
            .sort(\.$createdAt).sort(\.$version).all()
        guard !lists.isEmpty else { return [] }
        var persons: [UUID: [(Int, UUID)]] = [:]
        for chunk in lists.chunked(Register.batchChunk) {
            let entries = try await ExchangeListPersonModel.query(on: database).filter(\.$listID ~~ chunk.compactMap(\.id)).all()
            for entry in entries { persons[entry.listID, default: []].append((entry.position, entry.personID)) }
        }
        return try lists.map { list in
            try list.list(personIDs: (persons[try list.requireID()] ?? []).sorted { $0.0 < $1.0 }.map(\.1))
        }
    }

    /// The lists agreed for an exchange, ours first; none before it is agreed.
    public func agreedLists(of exchange: Exchange) async throws -> [ExchangeList] {
        let ids = [exchange.agreedOursListID, exchange.agreedTheirsListID].compactMap { $0 }
        guard !ids.isEmpty else { return [] }
        let lists = try await lists(of: exchange.id)
        return ids.compactMap { id in lists.first { $0.id == id } }
    }

    public func latestList(_ exchangeID: UUID, side: ExchangeSide) async throws -> ExchangeList? {
        guard
            let model = try await ExchangeListModel.query(on: database).filter(\.$exchangeID == exchangeID)
                .filter(\.$side == side.rawValue).sort(\.$version, .descending).first()
        else { return nil }
        let entries = try await ExchangeListPersonModel.query(on: database).filter(\.$listID == model.requireID())
            .sort(\.$position).all()
        return try model.list(personIDs: entries.map(\.personID))
    }

    /// Agrees the latest version of each list and freezes them.
    ///
    /// Refused when a list is empty, when one of ours is no longer held, or when one of theirs
    /// cannot be exchanged (refuses repatriation, a hold, another agreed exchange); every such
    /// person is named at once.
    public func agreeExchange(_ id: UUID, expectedVersion: Int) async throws -> Exchange {
        let now = clock()
        let actor = actor
        return try await writing("exchange.agree", entity: "exchange") { register in
            let database = register.database
            let model = try await register.claimExchange(id, expectedVersion: expectedVersion, in: [.negotiating], on: database)
            let ours = try await register.latestList(id, side: .ours)
            let theirs = try await register.latestList(id, side: .theirs)
            var issues: [ValidationIssue] = []
            for (side, list) in [(ExchangeSide.ours, ours), (.theirs, theirs)] where list?.personIDs.isEmpty ?? true {
                issues.append(
                    ValidationIssue(
                        field: "lists.\(side.rawValue)", rule: "required", message: "the \(side.rawValue) list is empty"))
            }
            if let ours {
                for chunk in ours.personIDs.chunked(Register.batchChunk) {
                    let persons = try await PersonModel.query(on: database).filter(\._$id ~~ Array(chunk)).all()
                    for person in persons {
                        let status = try decoded(PersonStatus.self, person.status, column: "persons.status")
                        if !status.isHeld {
                            issues.append(
                                ValidationIssue(
                                    field: "lists.ours", rule: "not-held",
                                    message:
                                        "\(person.surname) \(person.givenNames ?? "") (\(try person.requireID())) is \(status.rawValue), not held"
                                ))
                        }
                    }
                }
            }
            if let theirs {
                let fund = try await register.fund(personIDs: theirs.personIDs, excludingExchange: id)
                for entry in fund where !entry.isExchangeable {
                    issues.append(
                        ValidationIssue(
                            field: "lists.theirs", rule: "not-exchangeable",
                            message:
                                "\(entry.person.identity.name.fullName) (\(entry.person.id)): \(entry.exclusions.map(\.rawValue).joined(separator: ", "))"
                        ))
                }
                let found = Set(fund.map(\.person.id))
                for person in theirs.personIDs where !found.contains(person) {
                    issues.append(
                        ValidationIssue(field: "lists.theirs", rule: "not-held", message: "person \(person) is not held by us"))
                }
            }
            if !issues.isEmpty { throw ValidationError(issues) }
            model.state = ExchangeState.agreed.rawValue
            model.agreedAt = now
            model.agreedBy = actor
            model.agreedOursListID = ours?.id
            model.agreedTheirsListID = theirs?.id
            try await model.update(on: database)
            return (try await register.exchange(model, on: database), id.uuidString)
        }
    }

    /// Calls a negotiation or an agreed exchange off; nothing of its lists is deleted.
    public func cancelExchange(_ id: UUID, expectedVersion: Int, reason: String) async throws -> Exchange {
        var validator = Validator(today: today)
        validator.require(reason, "reason", maxLength: Validator.maxShortTextLength)
        try validator.finish()
        let now = clock()
        let actor = actor
        return try await write("exchange.cancel", entity: "exchange", detail: reason) { database in
            let model = try await claimExchange(id, expectedVersion: expectedVersion, in: [.negotiating, .agreed], on: database)
            model.state = ExchangeState.cancelled.rawValue
            model.cancelReason = reason
            model.closedAt = now
            model.closedBy = actor
            try await model.update(on: database)
            return (try await exchange(model, on: database), id.uuidString)
        }
    }

    // MARK: The day

    /// The outcomes recorded so far for an exchange's listed persons.
    public func outcomes(of exchangeID: UUID) async throws -> [ExchangeOutcome] {
        try await ExchangeOutcomeModel.query(on: database).filter(\.$exchangeID == exchangeID).all().map { model in
            ExchangeOutcome(
                personID: model.personID, side: try decoded(ExchangeSide.self, model.side, column: "exchange_outcomes.side"),
                outcome: try decoded(HandoverOutcome.self, model.outcome, column: "exchange_outcomes.outcome"), note: model.note)
        }
    }

    /// Records what happened to listed persons on the day; with `close`, closes the exchange.
    ///
    /// Closing needs an outcome for every person of both agreed lists. It writes, citing a record
    /// of the day kept as a source: an `exchanged` event for everyone handed over (our people are
    /// then returned, theirs exchanged) and a `refused-repatriation` event for everyone who refused;
    /// statuses are derived anew. All of it is one transaction.
    public func recordExchangeDay(
        _ id: UUID, expectedVersion: Int, heldOn: PartialDate, outcomes: [ExchangeOutcome], close: Bool
    ) async throws -> Exchange {
        var validator = Validator(today: today)
        validator.notInFuture(heldOn, "heldOn")
        for (index, outcome) in outcomes.enumerated() {
            validator.text(outcome.note, "outcomes[\(index)].note")
        }
        try validator.finish()
        let now = clock()
        let actor = actor
        let action = close ? "exchange.close" : "exchange.day"
        return try await transaction { register in
            let database = register.database
            let model = try await register.claimExchange(id, expectedVersion: expectedVersion, in: [.agreed], on: database)
            var listed: [UUID: ExchangeSide] = [:]
            for (side, listID) in [(ExchangeSide.ours, model.agreedOursListID), (.theirs, model.agreedTheirsListID)] {
                guard let listID else { continue }
                for entry in try await ExchangeListPersonModel.query(on: database).filter(\.$listID == listID).all() {
                    listed[entry.personID] = side
                }
            }
            var issues: [ValidationIssue] = []
            for (index, outcome) in outcomes.enumerated() where listed[outcome.personID] != outcome.side {
                issues.append(
                    ValidationIssue(
                        field: "outcomes[\(index)].personId", rule: "not-listed",
                        message: "person \(outcome.personID) is not on the agreed \(outcome.side.rawValue) list"))
            }
            if !issues.isEmpty { throw ValidationError(issues) }
            for chunk in Array(Set(outcomes.map(\.personID))).chunked(Register.batchChunk) {
                try await ExchangeOutcomeModel.query(on: database).filter(\.$exchangeID == id)
                    .filter(\.$personID ~~ Array(chunk)).delete()
            }
            let rows = outcomes.map { outcome in
                let row = ExchangeOutcomeModel()
                row.id = UUID()
                row.exchangeID = id
                row.personID = outcome.personID
                row.side = outcome.side.rawValue
                row.outcome = outcome.outcome.rawValue
                row.note = outcome.note
                row.recordedAt = now
                row.recordedBy = actor
                return row
            }
            for chunk in rows.chunked(Register.batchChunk) { try await chunk.create(on: database) }
            model.heldOn = heldOn.description
            let recorded = try await register.outcomes(of: id)
            if close {
                let missing = Set(listed.keys).subtracting(recorded.map(\.personID))
                if !missing.isEmpty {
                    throw ValidationError([
                        ValidationIssue(
                            field: "outcomes", rule: "incomplete",
                            message: "\(missing.count) listed persons have no outcome yet; record one for everyone before closing"
                        )
                    ])
                }
                let source = try await register.createSource(
                    SourceDraft(
                        kind: .officialDocument, title: "Exchange record: \(model.title), \(heldOn)",
                        reliability: .completelyReliable, receivedOn: heldOn, reference: "exchange \(id)"))
                var batch = RegisterBatch()
                for outcome in recorded.sorted(by: { $0.personID.uuidString < $1.personID.uuidString }) {
                    let kind: EventKind
                    switch outcome.outcome {
                    case .handedOver: kind = .exchanged
                    case .refused: kind = .refusedRepatriation
                    case .notHandedOver: continue
                    }
                    batch.addEvent(
                        EventDraft(
                            kind: kind, date: heldOn, sourceID: source.id, credibility: .confirmed,
                            note: [model.title, outcome.note].compactMap { $0 }.joined(separator: ": ")),
                        to: outcome.personID)
                }
                try await register.insert(
                    batch, action: "exchange.events", detail: "\(model.title): \(batch.events.count) events")
                model.state = ExchangeState.completed.rawValue
                model.closedAt = now
                model.closedBy = actor
                model.sourceID = source.id
            }
            try await model.update(on: database)
            let tally = ExchangeTally(recorded)
            try await AuditLog.append(
                on: database, isPostgres: !store.isSQLite, chainHead: register.auditChainHead, at: now, actor: actor,
                action: action, entity: "exchange", entityID: id.uuidString,
                detail:
                    "\(heldOn): \(outcomes.count) outcomes recorded; returned \(tally.returned), handed over \(tally.handedOver), refused \(tally.refused), not handed over \(tally.notHandedOver)"
            )
            return try await register.exchange(model, on: database)
        }
    }

    /// Records an exchange held before Homeward kept them: its lists as agreed, everyone on them
    /// handed over. No event is written: the register holds the events from the records of the day.
    public func recordPastExchange(
        title: String, counterpartyID: UUID, mediatorID: UUID?, heldOn: PartialDate, ours: [UUID], theirs: [UUID],
        sourceID: UUID?
    ) async throws -> Exchange {
        let draft = ExchangeDraft(title: title, counterpartyID: counterpartyID, mediatorID: mediatorID)
        try draft.validate(today: today)
        let now = clock()
        let actor = actor
        let formula = try Self.encodedFormula(draft.formula)
        return try await writing("exchange.past", entity: "exchange", detail: "\(title): \(ours.count) for \(theirs.count)") {
            register in
            let database = register.database
            try await register.checkParties(draft, on: database)
            try await register.checkPersons(ours, affiliation: .own, field: "ours", on: database)
            try await register.checkPersons(theirs, affiliation: .adversary, field: "theirs", on: database)
            let model = ExchangeModel()
            let id = UUID()
            model.id = id
            model.version = 1
            model.title = title
            model.counterpartyID = counterpartyID
            model.mediatorID = mediatorID
            model.state = ExchangeState.completed.rawValue
            model.formula = formula
            model.round = 1
            model.heldOn = heldOn.description
            model.createdAt = now
            model.createdBy = actor
            model.agreedAt = now
            model.agreedBy = actor
            model.closedAt = now
            model.closedBy = actor
            model.sourceID = sourceID
            var lists: [ExchangeListModel] = []
            var entries: [ExchangeListPersonModel] = []
            var outcomes: [ExchangeOutcomeModel] = []
            for (side, persons) in [(ExchangeSide.ours, ours), (.theirs, theirs)] {
                let list = ExchangeListModel()
                list.id = UUID()
                list.exchangeID = id
                list.round = 1
                list.side = side.rawValue
                list.version = 1
                list.proposedBy = ListProposer.us.rawValue
                list.persons = persons.count
                list.createdAt = now
                list.createdBy = actor
                lists.append(list)
                for (position, person) in persons.enumerated() {
                    let entry = ExchangeListPersonModel()
                    entry.id = UUID()
                    entry.listID = list.id!
                    entry.personID = person
                    entry.position = position
                    entries.append(entry)
                    let outcome = ExchangeOutcomeModel()
                    outcome.id = UUID()
                    outcome.exchangeID = id
                    outcome.personID = person
                    outcome.side = side.rawValue
                    outcome.outcome = HandoverOutcome.handedOver.rawValue
                    outcome.recordedAt = now
                    outcome.recordedBy = actor
                    outcomes.append(outcome)
                }
            }
            model.agreedOursListID = lists[0].id
            model.agreedTheirsListID = lists[1].id
            try await model.create(on: database)
            try await lists.create(on: database)
            for chunk in entries.chunked(Register.batchChunk) { try await chunk.create(on: database) }
            for chunk in outcomes.chunked(Register.batchChunk) { try await chunk.create(on: database) }
            return (try await register.exchange(model, on: database), id.uuidString)
        }
    }

    // MARK: The exchange fund

    /// The adversary's people we hold, each with every reason they cannot be exchanged.
    ///
    /// - Parameters:
    ///   - personIDs: only these persons; nil for the whole fund.
    ///   - excludingExchange: an exchange whose own agreed list does not count against its persons.
    public func fund(personIDs: [UUID]? = nil, excludingExchange: UUID? = nil) async throws -> [FundEntry] {
        let held = PersonStatus.possible(for: .adversary).filter(\.isHeld).map(\.rawValue)
        var models: [PersonModel] = []
        if let personIDs {
            for chunk in personIDs.chunked(Register.batchChunk) {
                models += try await PersonModel.query(on: database).filter(\._$id ~~ Array(chunk))
                    .filter(\.$affiliation == Affiliation.adversary.rawValue).filter(\.$status ~~ held).all()
            }
        } else {
            models = try await PersonModel.query(on: database).filter(\.$affiliation == Affiliation.adversary.rawValue)
                .filter(\.$status ~~ held).sort(\.$surnameLatin).sort(\.$id).all()
        }
        // The whole fund's facts are read whole; a few persons' are selected by id.
        let among: Set<UUID>? = personIDs == nil ? nil : Set(try models.map { try $0.requireID() })
        let holds = try await activeHolds(of: among)
        let refusals = try await personsWithEvent(.refusedRepatriation, among: among)
        let promised = try await promisedPersons(excluding: excludingExchange)
        let heldSince = try await earliestEventDates(kinds: [.captured, .captivityReported, .heldAt], among: among)
        let medical = try await latestMedicalFindings(of: among)
        return try models.map { model in
            let id = try model.requireID()
            let personHolds = holds[id] ?? []
            var exclusions = Set(personHolds.map(\.reason))
            if refusals.contains(id) { exclusions.insert(.refusesRepatriation) }
            if promised[id] != nil { exclusions.insert(.onAgreedList) }
            return FundEntry(
                person: try model.person(), exclusions: FundExclusion.allCases.filter(exclusions.contains), holds: personHolds,
                agreedIn: promised[id], heldSince: heldSince[id], medical: medical[id])
        }
    }

    /// Records a reason why a person we hold cannot be exchanged.
    public func placeHold(on personID: UUID, reason: FundExclusion, note: String?) async throws -> FundHold {
        var validator = Validator(today: today)
        validator.text(note, "note")
        if reason == .onAgreedList {
            validator.add("reason", "derived", "being on an agreed list is read from the exchanges, not recorded")
        }
        try validator.finish()
        let now = clock()
        let actor = actor
        return try await write("fund.hold", entity: "person", detail: reason.rawValue) { database in
            guard let person = try await PersonModel.find(personID, on: database) else {
                throw StoreError.notFound(entity: "person", id: personID)
            }
            guard person.affiliation == Affiliation.adversary.rawValue else {
                throw ValidationError([
                    ValidationIssue(
                        field: "personId", rule: "affiliation", message: "only persons we hold are in the exchange fund")
                ])
            }
            let model = FundHoldModel()
            model.id = UUID()
            model.personID = personID
            model.reason = reason.rawValue
            model.note = note
            model.recordedAt = now
            model.recordedBy = actor
            try await model.create(on: database)
            return (try model.hold(), personID.uuidString)
        }
    }

    /// Ends a hold; it stays in the history with who lifted it and when.
    public func liftHold(_ holdID: UUID) async throws -> FundHold {
        let now = clock()
        let actor = actor
        return try await write("fund.lift", entity: "fund_hold") { database in
            guard let model = try await FundHoldModel.find(holdID, on: database) else {
                throw StoreError.notFound(entity: "fund hold", id: holdID)
            }
            if let liftedAt = model.liftedAt {
                throw StoreError.alreadyDone("the hold was lifted on \(liftedAt.formatted(.iso8601)) by \(model.liftedBy ?? "?")")
            }
            model.liftedAt = now
            model.liftedBy = actor
            try await model.update(on: database)
            return (try model.hold(), holdID.uuidString)
        }
    }

    /// Every hold a person has had, lifted ones included, the latest first.
    public func holds(of personID: UUID) async throws -> [FundHold] {
        try await FundHoldModel.query(on: database).filter(\.$personID == personID).sort(\.$recordedAt, .descending).all()
            .map { try $0.hold() }
    }

    // MARK: Medical findings and priorities

    public func recordMedicalFinding(
        for personID: UUID, condition: Article110Condition?, decision: CommissionDecision?, decidedOn: PartialDate?,
        note: String?
    ) async throws -> MedicalFinding {
        var validator = Validator(today: today)
        validator.notInFuture(decidedOn, "decidedOn")
        validator.text(note, "note")
        try validator.finish()
        let now = clock()
        let actor = actor
        return try await write(
            "medical.record", entity: "person",
            detail: [condition?.rawValue, decision.map { "commission \($0.rawValue)" }].compactMap { $0 }.joined(separator: ", ")
        ) { database in
            guard try await PersonModel.find(personID, on: database) != nil else {
                throw StoreError.notFound(entity: "person", id: personID)
            }
            let model = MedicalFindingModel()
            model.id = UUID()
            model.personID = personID
            model.condition = condition?.rawValue
            model.decision = decision?.rawValue
            model.decidedOn = decidedOn?.description
            model.note = note
            model.recordedAt = now
            model.recordedBy = actor
            try await model.create(on: database)
            return (try model.finding(), personID.uuidString)
        }
    }

    /// A person's findings, the latest first.
    public func medicalFindings(of personID: UUID) async throws -> [MedicalFinding] {
        try await MedicalFindingModel.query(on: database).filter(\.$personID == personID).sort(\.$recordedAt, .descending)
            .all().map { try $0.finding() }
    }

    /// Our people who are held, with what their priority is computed from.
    ///
    /// - Parameter personIDs: only these persons (those of them who are ours and held); nil for all.
    public func exchangeCandidates(personIDs: [UUID]? = nil) async throws -> [CandidateFacts] {
        let held = PersonStatus.possible(for: .own).filter(\.isHeld).map(\.rawValue)
        func query() -> QueryBuilder<PersonModel> {
            PersonModel.query(on: database).filter(\.$affiliation == Affiliation.own.rawValue).filter(\.$status ~~ held)
        }
        var models: [PersonModel] = []
        if let personIDs {
            for chunk in personIDs.chunked(Register.batchChunk) {
                models += try await query().filter(\._$id ~~ Array(chunk)).all()
            }
        } else {
            models = try await query().all()
        }
        let ids = personIDs.map { _ in Set(models.compactMap(\.id)) }
        let captured = try await earliestEventDates(kinds: [.captured, .captivityReported], among: ids)
        let medical = try await latestMedicalFindings(of: ids)
        return try models.map { model in
            let id = try model.requireID()
            return CandidateFacts(person: try model.person(), capturedOn: captured[id], medical: medical[id])
        }
    }

    // MARK: Settings

    /// A setting of the bureau as stored (JSON), with its version for optimistic updates.
    public func setting(_ key: String) async throws -> (value: String, version: Int)? {
        guard let model = try await BureauSettingModel.query(on: database).filter(\.$key == key).first() else { return nil }
        return (model.value, model.version)
    }

    /// Stores a setting if nobody has changed it since `expectedVersion` (0: it did not exist).
    public func storeSetting(_ key: String, value: String, expectedVersion: Int) async throws {
        let now = clock()
        let actor = actor
        try await write("setting.update", entity: "setting", detail: "\(key) = \(value)") { database in
            let existing = try await BureauSettingModel.query(on: database).filter(\.$key == key).first()
            let current = existing?.version ?? 0
            guard current == expectedVersion else {
                throw StoreError.conflict(entity: "setting \(key)", id: existing?.id ?? UUID(), currentVersion: current)
            }
            let model = existing ?? BureauSettingModel()
            if existing == nil {
                model.id = UUID()
                model.key = key
            }
            model.value = value
            model.version = current + 1
            model.updatedAt = now
            model.updatedBy = actor
            if existing == nil { try await model.create(on: database) } else { try await model.update(on: database) }
            return ((), key)
        }
    }

    // MARK: Helpers

    fileprivate func claimExchange(_ id: UUID, expectedVersion: Int, in states: Set<ExchangeState>, on database: any Database)
        async throws -> ExchangeModel
    {
        let version = try await claimVersion(
            table: "exchanges", entity: "exchange", id: id, expected: expectedVersion, on: database)
        guard let model = try await ExchangeModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "exchange", id: id)
        }
        let state = try decoded(ExchangeState.self, model.state, column: "exchanges.state")
        guard states.contains(state) else {
            throw StoreError.alreadyDone("the exchange is \(state.rawValue); this can no longer be done")
        }
        model.version = version
        return model
    }

    fileprivate func checkParties(_ draft: ExchangeDraft, on database: any Database) async throws {
        var issues: [ValidationIssue] = []
        let counterparty = try await ExchangePartyModel.find(draft.counterpartyID, on: database)
        if counterparty?.role != ExchangePartyRole.counterparty.rawValue {
            issues.append(.unknownReference("counterpartyId", "counterparty", draft.counterpartyID))
        }
        if let mediatorID = draft.mediatorID,
            try await ExchangePartyModel.find(mediatorID, on: database)?.role != ExchangePartyRole.mediator.rawValue
        {
            issues.append(.unknownReference("mediatorId", "mediator", mediatorID))
        }
        if !issues.isEmpty { throw ValidationError(issues) }
    }

    fileprivate func checkPersons(_ ids: [UUID], affiliation: Affiliation, field: String, on database: any Database) async throws
    {
        var found: [UUID: String] = [:]
        for chunk in ids.chunked(Register.batchChunk) {
            for model in try await PersonModel.query(on: database).filter(\._$id ~~ Array(chunk)).all() {
                found[try model.requireID()] = model.affiliation
            }
        }
        var issues: [ValidationIssue] = []
        for (index, id) in ids.enumerated() {
            switch found[id] {
            case nil: issues.append(.unknownReference("\(field)[\(index)]", "person", id))
            case affiliation.rawValue?: break
            case let other?:
                issues.append(
                    ValidationIssue(
                        field: "\(field)[\(index)]", rule: "affiliation",
                        message: "person \(id) is \(other), and this list names \(affiliation.rawValue) persons only"))
            }
        }
        if !issues.isEmpty { throw ValidationError(issues) }
    }

    fileprivate func exchange(_ model: ExchangeModel, on database: any Database) async throws -> Exchange {
        let ids = [model.counterpartyID] + (model.mediatorID.map { [$0] } ?? [])
        let parties = Dictionary(
            try await ExchangePartyModel.query(on: database).filter(\._$id ~~ ids).all().map {
                (try $0.requireID(), try $0.party())
            },
            uniquingKeysWith: { first, _ in first })
        return try model.exchange(parties: parties)
    }

    private func activeHolds(of ids: Set<UUID>?) async throws -> [UUID: [FundHold]] {
        var models: [FundHoldModel] = []
        if let ids {
            for chunk in Array(ids).chunked(Register.batchChunk) {
                models += try await FundHoldModel.query(on: database).filter(\.$personID ~~ Array(chunk)).filter(
                    \.$liftedAt == nil
                )
                .all()
            }
        } else {
            models = try await FundHoldModel.query(on: database).filter(\.$liftedAt == nil).all()
        }
        return Dictionary(grouping: try models.map { try $0.hold() }, by: \.personID)
    }

    /// Persons named on the agreed list of their people of an exchange still to be held.
    private func promisedPersons(excluding exchangeID: UUID?) async throws -> [UUID: UUID] {
        let agreed = try await ExchangeModel.query(on: database).filter(\.$state == ExchangeState.agreed.rawValue).all()
        var promised: [UUID: UUID] = [:]
        for exchange in agreed where exchange.id != exchangeID {
            guard let listID = exchange.agreedTheirsListID, let exchangeID = exchange.id else { continue }
            for entry in try await ExchangeListPersonModel.query(on: database).filter(\.$listID == listID).all() {
                promised[entry.personID] = exchangeID
            }
        }
        return promised
    }

    /// Persons with a standing (not corrected) event of this kind.
    private func personsWithEvent(_ kind: EventKind, among ids: Set<UUID>?) async throws -> Set<UUID> {
        let rows = try await eventRows(among: ids) { persons in
            """
            SELECT DISTINCT e.person_id AS person_id FROM events e
            WHERE e.kind = \(bind: kind.rawValue) \(persons)
              AND NOT EXISTS (SELECT 1 FROM events c WHERE c.supersedes = e.id)
            """
        }
        return Set(try rows.map { try uuid(row: $0, column: "person_id") })
    }

    /// The earliest standing date of events of these kinds, per person.
    private func earliestEventDates(kinds: [EventKind], among ids: Set<UUID>?) async throws -> [UUID: PartialDate] {
        // ISO partial dates ("2023", "2023-05", "2023-05-06") sort as text in the order they can begin.
        let rows = try await eventRows(among: ids) { persons in
            """
            SELECT e.person_id AS person_id, MIN(e.date) AS date FROM events e
            WHERE e.kind IN (\(binds: kinds.map(\.rawValue))) AND e.date IS NOT NULL \(persons)
              AND NOT EXISTS (SELECT 1 FROM events c WHERE c.supersedes = e.id)
            GROUP BY e.person_id
            """
        }
        var dates: [UUID: PartialDate] = [:]
        for row in rows {
            dates[try uuid(row: row, column: "person_id")] = try decodedDate(
                try row.decode(column: "date", as: String.self), column: "events.date")
        }
        return dates
    }

    /// Runs a query of events once for everyone, or once per chunk of the persons named, so that
    /// a page about a few persons reads only their events.
    private func eventRows(among ids: Set<UUID>?, _ query: (SQLQueryString) -> SQLQueryString) async throws -> [any SQLRow] {
        let sql = try database.sqlDatabase()
        guard let ids else { return try await sql.raw(query("")).all() }
        var rows: [any SQLRow] = []
        for chunk in Array(ids).chunked(Register.batchChunk) {
            let values: [any Encodable & Sendable] = store.isSQLite ? chunk.map(\.uuidString) : Array(chunk)
            rows += try await sql.raw(query("AND e.person_id IN (\(binds: values))")).all()
        }
        return rows
    }

    private func latestMedicalFindings(of ids: Set<UUID>?) async throws -> [UUID: MedicalFinding] {
        var models: [MedicalFindingModel] = []
        if let ids {
            for chunk in Array(ids).chunked(Register.batchChunk) {
                models += try await MedicalFindingModel.query(on: database).filter(\.$personID ~~ Array(chunk)).all()
            }
        } else {
            models = try await MedicalFindingModel.query(on: database).all()
        }
        var latest: [UUID: MedicalFinding] = [:]
        for finding in try models.map({ try $0.finding() }) {
            if let current = latest[finding.personID], current.recordedAt >= finding.recordedAt { continue }
            latest[finding.personID] = finding
        }
        return latest
    }

    private func uuid(row: any SQLRow, column: String) throws -> UUID {
        if store.isSQLite {
            let text = try row.decode(column: column, as: String.self)
            guard let id = UUID(uuidString: text) else {
                throw StoreError.internalInconsistency("column \(column) holds '\(text)', which is not an id")
            }
            return id
        }
        return try row.decode(column: column, as: UUID.self)
    }

    static func encodedFormula(_ formula: ExchangeFormula) throws -> String { try json(formula) }
}

final class ExchangePartyModel: Model, @unchecked Sendable {
    static let schema = "exchange_parties"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "role") var role: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    func party() throws -> ExchangeParty {
        ExchangeParty(
            id: try requireID(), name: name, role: try decoded(ExchangePartyRole.self, role, column: "exchange_parties.role"),
            note: note)
    }
}

final class ExchangeModel: Model, @unchecked Sendable {
    static let schema = "exchanges"

    @ID(key: .id) var id: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "title") var title: String
    @Field(key: "counterparty_id") var counterpartyID: UUID
    @OptionalField(key: "mediator_id") var mediatorID: UUID?
    @Field(key: "state") var state: String
    @Field(key: "formula") var formula: String
    @Field(key: "round") var round: Int
    @OptionalField(key: "planned_on") var plannedOn: String?
    @OptionalField(key: "held_on") var heldOn: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String
    @OptionalField(key: "agreed_at") var agreedAt: Date?
    @OptionalField(key: "agreed_by") var agreedBy: String?
    @OptionalField(key: "agreed_ours_list_id") var agreedOursListID: UUID?
    @OptionalField(key: "agreed_theirs_list_id") var agreedTheirsListID: UUID?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "closed_by") var closedBy: String?
    @OptionalField(key: "source_id") var sourceID: UUID?
    @OptionalField(key: "cancel_reason") var cancelReason: String?

    init() {}

    func exchange(parties: [UUID: ExchangeParty]) throws -> Exchange {
        let id = try requireID()
        guard let counterparty = parties[counterpartyID] else {
            throw StoreError.internalInconsistency("exchange \(id) names counterparty \(counterpartyID), which does not exist")
        }
        let formula: ExchangeFormula
        do {
            formula = try JSONDecoder().decode(ExchangeFormula.self, from: Data(self.formula.utf8))
        } catch {
            throw StoreError.internalInconsistency("column exchanges.formula of \(id) does not hold a formula: \(error)")
        }
        return Exchange(
            id: id, version: version, title: title, counterparty: counterparty, mediator: mediatorID.flatMap { parties[$0] },
            state: try decoded(ExchangeState.self, state, column: "exchanges.state"), formula: formula, round: round,
            plannedOn: try decodedDate(plannedOn, column: "exchanges.planned_on"),
            heldOn: try decodedDate(heldOn, column: "exchanges.held_on"), note: note, createdAt: createdAt,
            createdBy: createdBy, agreedAt: agreedAt, agreedBy: agreedBy, agreedOursListID: agreedOursListID,
            agreedTheirsListID: agreedTheirsListID, closedAt: closedAt, closedBy: closedBy, sourceID: sourceID,
            cancelReason: cancelReason)
    }
}

final class ExchangeListModel: Model, @unchecked Sendable {
    static let schema = "exchange_lists"

    @ID(key: .id) var id: UUID?
    @Field(key: "exchange_id") var exchangeID: UUID
    @Field(key: "round") var round: Int
    @Field(key: "side") var side: String
    @Field(key: "version") var version: Int
    @Field(key: "proposed_by") var proposedBy: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "persons") var persons: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String

    init() {}

    func list(personIDs: [UUID]) throws -> ExchangeList {
        ExchangeList(
            id: try requireID(), exchangeID: exchangeID, round: round,
            side: try decoded(ExchangeSide.self, side, column: "exchange_lists.side"), version: version,
            proposedBy: try decoded(ListProposer.self, proposedBy, column: "exchange_lists.proposed_by"), note: note,
            personIDs: personIDs, createdAt: createdAt, createdBy: createdBy)
    }
}

final class ExchangeListPersonModel: Model, @unchecked Sendable {
    static let schema = "exchange_list_persons"

    @ID(key: .id) var id: UUID?
    @Field(key: "list_id") var listID: UUID
    @Field(key: "person_id") var personID: UUID
    @Field(key: "position") var position: Int

    init() {}
}

final class ExchangeOutcomeModel: Model, @unchecked Sendable {
    static let schema = "exchange_outcomes"

    @ID(key: .id) var id: UUID?
    @Field(key: "exchange_id") var exchangeID: UUID
    @Field(key: "person_id") var personID: UUID
    @Field(key: "side") var side: String
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "recorded_by") var recordedBy: String

    init() {}
}

final class MedicalFindingModel: Model, @unchecked Sendable {
    static let schema = "medical_findings"

    @ID(key: .id) var id: UUID?
    @Field(key: "person_id") var personID: UUID
    @OptionalField(key: "condition") var condition: String?
    @OptionalField(key: "decision") var decision: String?
    @OptionalField(key: "decided_on") var decidedOn: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "recorded_by") var recordedBy: String

    init() {}

    func finding() throws -> MedicalFinding {
        MedicalFinding(
            personID: personID,
            condition: try condition.map { try decoded(Article110Condition.self, $0, column: "medical_findings.condition") },
            decision: try decision.map { try decoded(CommissionDecision.self, $0, column: "medical_findings.decision") },
            decidedOn: try decodedDate(decidedOn, column: "medical_findings.decided_on"), note: note, recordedAt: recordedAt,
            recordedBy: recordedBy)
    }
}

final class FundHoldModel: Model, @unchecked Sendable {
    static let schema = "fund_holds"

    @ID(key: .id) var id: UUID?
    @Field(key: "person_id") var personID: UUID
    @Field(key: "reason") var reason: String
    @OptionalField(key: "note") var note: String?
    @Field(key: "recorded_at") var recordedAt: Date
    @Field(key: "recorded_by") var recordedBy: String
    @OptionalField(key: "lifted_at") var liftedAt: Date?
    @OptionalField(key: "lifted_by") var liftedBy: String?

    init() {}

    func hold() throws -> FundHold {
        FundHold(
            id: try requireID(), personID: personID, reason: try decoded(FundExclusion.self, reason, column: "fund_holds.reason"),
            note: note, recordedAt: recordedAt, recordedBy: recordedBy, liftedAt: liftedAt, liftedBy: liftedBy)
    }
}

final class BureauSettingModel: Model, @unchecked Sendable {
    static let schema = "bureau_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "value") var value: String
    @Field(key: "version") var version: Int
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: String

    init() {}
}

extension Register {
    /// The persons of these ids that exist, by id: one query per few hundred, for showing a list.
    public func persons(ids: [UUID]) async throws -> [UUID: Person] {
        var found: [UUID: Person] = [:]
        for chunk in Array(Set(ids)).chunked(Register.batchChunk) {
            for model in try await PersonModel.query(on: database).filter(\._$id ~~ Array(chunk)).all() {
                let person = try model.person()
                found[person.id] = person
            }
        }
        return found
    }
}
