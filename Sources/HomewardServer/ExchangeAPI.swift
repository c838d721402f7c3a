import Foundation
import HomewardCore
import HomewardStore
import OpenAPIRuntime

/// The exchange routes of openapi.yaml: negotiations, lists, the planner, the day and the fund.
extension RegisterAPI {
    private var desk: ExchangeDesk {
        get throws { ExchangeDesk(register: try register, today: Validator(now: clock()).today) }
    }

    func listExchangeParties(_ input: Operations.ListExchangeParties.Input) async throws
        -> Operations.ListExchangeParties.Output
    {
        .ok(.init(body: .json(try await register.parties().map(\.wire))))
    }

    func createExchangeParty(_ input: Operations.CreateExchangeParty.Input) async throws
        -> Operations.CreateExchangeParty.Output
    {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let party = try await register.createParty(name: body.name, role: converted(body.role), note: body.note)
        return .created(.init(body: .json(party.wire)))
    }

    func listExchanges(_ input: Operations.ListExchanges.Input) async throws -> Operations.ListExchanges.Output {
        let exchanges = try await register.exchanges(state: input.query.state.map { converted($0) })
        return .ok(.init(body: .json(exchanges.map(\.wire))))
    }

    func createExchange(_ input: Operations.CreateExchange.Input) async throws -> Operations.CreateExchange.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        var reader = InputReader()
        let counterparty = reader.id(body.counterpartyId, "counterpartyId")
        let mediator = reader.id(body.mediatorId, "mediatorId")
        let plannedOn = reader.date(body.plannedOn, "plannedOn")
        try reader.finish()
        let exchange = try await register.createExchange(
            ExchangeDraft(
                title: body.title, counterpartyID: counterparty!, mediatorID: mediator, formula: ExchangeFormula(body.formula),
                plannedOn: plannedOn, note: body.note))
        return .created(.init(body: .json(exchange.wire)))
    }

    func getExchange(_ input: Operations.GetExchange.Input) async throws -> Operations.GetExchange.Output {
        let id = try pathID(input.path.exchangeId, "exchangeId")
        let register = try register
        let detail = try await detail(of: id, on: register)
        try await register.noteView(entity: "exchange", id: id)
        return .ok(.init(body: .json(detail)))
    }

    func putExchangeList(_ input: Operations.PutExchangeList.Input) async throws -> Operations.PutExchangeList.Output {
        let id = try pathID(input.path.exchangeId, "exchangeId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        var reader = InputReader()
        let persons = body.personIds.enumerated().compactMap { reader.id($1, "personIds[\($0)]") }
        try reader.finish()
        let register = try register
        let side: ExchangeSide = converted(body.side)
        let put = try await register.replaceList(
            id, expectedVersion: body.version, side: side, personIDs: persons, proposedBy: converted(body.proposedBy),
            note: body.note)
        return .created(.init(body: .json(put.list.wire(previous: put.previous))))
    }

    func openExchangeRound(_ input: Operations.OpenExchangeRound.Input) async throws -> Operations.OpenExchangeRound.Output {
        let id = try pathID(input.path.exchangeId, "exchangeId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        return .ok(.init(body: .json(try await register.openRound(id, expectedVersion: body.version).wire)))
    }

    func planExchange(_ input: Operations.PlanExchange.Input) async throws -> Operations.PlanExchange.Output {
        let id = try pathID(input.path.exchangeId, "exchangeId")
        let desk = try desk
        let plan = try await desk.plan(for: try await desk.register.exchange(id)).plan
        try await desk.register.noteListing(entity: "person", query: "exchange plan for \(id)")
        return .ok(.init(body: .json(plan.wire)))
    }

    func agreeExchange(_ input: Operations.AgreeExchange.Input) async throws -> Operations.AgreeExchange.Output {
        let id = try pathID(input.path.exchangeId, "exchangeId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        return .ok(.init(body: .json(try await register.agreeExchange(id, expectedVersion: body.version).wire)))
    }

    func recordExchangeDay(_ input: Operations.RecordExchangeDay.Input) async throws -> Operations.RecordExchangeDay.Output {
        let id = try pathID(input.path.exchangeId, "exchangeId")
        let body =
            switch input.body {
            case .json(let body): body
            }
        var reader = InputReader()
        let heldOn = reader.date(body.heldOn, "heldOn")
        let outcomes = body.outcomes.enumerated().compactMap { index, outcome in
            reader.id(outcome.personId, "outcomes[\(index)].personId").map {
                ExchangeOutcome(
                    personID: $0, side: converted(outcome.side), outcome: converted(outcome.outcome), note: outcome.note)
            }
        }
        try reader.finish()
        let register = try register
        _ = try await register.recordExchangeDay(
            id, expectedVersion: body.version, heldOn: heldOn!, outcomes: outcomes, close: body.close ?? false)
        return .ok(.init(body: .json(try await detail(of: id, on: register))))
    }

    func getExchangeFund(_ input: Operations.GetExchangeFund.Input) async throws -> Operations.GetExchangeFund.Output {
        let register = try register
        var fund = try await register.fund()
        if let exchangeable = input.query.exchangeable { fund = fund.filter { $0.isExchangeable == exchangeable } }
        try await register.noteListing(
            entity: "person", query: "exchange fund" + (input.query.exchangeable.map { " exchangeable=\($0)" } ?? ""))
        return .ok(.init(body: .json(fund.map(\.wire))))
    }

    private func detail(of id: UUID, on register: Register) async throws -> Components.Schemas.ExchangeDetail {
        let exchange = try await register.exchange(id)
        var previous: [ExchangeSide: ExchangeList] = [:]
        var lists: [Components.Schemas.ExchangeList] = []
        for list in try await register.lists(of: id) {
            lists.append(list.wire(previous: previous[list.side]))
            previous[list.side] = list
        }
        return .init(exchange: exchange.wire, lists: lists, outcomes: try await register.outcomes(of: id).map(\.wire))
    }
}

extension ExchangeParty {
    var wire: Components.Schemas.ExchangeParty { .init(id: id.uuidString, name: name, role: converted(role), note: note) }
}

extension ExchangeFormula {
    init(_ wire: Components.Schemas.ExchangeFormula) {
        self.init(
            rules: wire.rules.map {
                ExchangeRule(
                    ours: converted($0.ours), theirs: converted($0.theirs), oursCount: $0.oursCount, theirsCount: $0.theirsCount)
            }, limit: wire.limit)
    }

    var wire: Components.Schemas.ExchangeFormula {
        .init(
            rules: rules.map {
                .init(
                    ours: converted($0.ours), theirs: converted($0.theirs), oursCount: $0.oursCount, theirsCount: $0.theirsCount)
            }, limit: limit)
    }
}

extension Exchange {
    var wire: Components.Schemas.Exchange {
        .init(
            id: id.uuidString, version: version, title: title, counterparty: counterparty.wire, mediator: mediator?.wire,
            state: converted(state), formula: formula.wire, round: round, plannedOn: plannedOn?.description,
            heldOn: heldOn?.description, note: note, createdAt: createdAt, createdBy: createdBy, agreedAt: agreedAt,
            agreedOursListId: agreedOursListID?.uuidString, agreedTheirsListId: agreedTheirsListID?.uuidString,
            closedAt: closedAt, sourceId: sourceID?.uuidString, cancelReason: cancelReason)
    }
}

extension ExchangeList {
    func wire(previous: ExchangeList?) -> Components.Schemas.ExchangeList {
        let difference = ListDifference(from: previous?.personIDs ?? [], to: personIDs)
        return .init(
            id: id.uuidString, round: round, side: converted(side), version: version, proposedBy: converted(proposedBy),
            note: note, personIds: personIDs.map(\.uuidString), added: difference.added.map(\.uuidString),
            removed: difference.removed.map(\.uuidString), createdAt: createdAt, createdBy: createdBy)
    }
}

extension ExchangeOutcome {
    var wire: Components.Schemas.ExchangeOutcome {
        .init(personId: personID.uuidString, side: converted(side), outcome: converted(outcome), note: note)
    }
}

extension Priority {
    var wireContributions: [Components.Schemas.PriorityContribution] {
        contributions.map { .init(factor: converted($0.factor), points: $0.points, quantity: $0.quantity) }
    }
}

extension ExchangePlan {
    var wire: Components.Schemas.ExchangePlan {
        .init(
            returning: returning.map {
                .init(
                    personId: $0.personID.uuidString, rank: $0.rank, rule: $0.rule, priority: $0.priority.score,
                    contributions: $0.priority.wireContributions)
            },
            handingOver: handingOver.map { .init(personId: $0.personID.uuidString, rule: $0.rule, reason: converted($0.reason)) },
            nextInLine: nextInLine.map {
                .init(personId: $0.personID.uuidString, rank: $0.rank, priority: $0.priority.score, reason: converted($0.reason))
            },
            totalPriority: totalPriority, leftOut: leftOut, unusedFund: unusedFund)
    }
}

extension FundEntry {
    var wire: Components.Schemas.FundEntry {
        .init(
            person: person.wire, exchangeable: isExchangeable, exclusions: exclusions.map { converted($0) },
            agreedIn: agreedIn?.uuidString, heldSince: heldSince?.description)
    }
}
