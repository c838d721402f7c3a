import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Hummingbird

/// The negotiators' pages: negotiations and their lists, the planner, the day itself, the fund
/// and the priorities.
extension WebApplication {
    func desk(_ page: PageRequest) throws -> ExchangeDesk {
        ExchangeDesk(register: try register(page), today: Validator(now: clock()).today)
    }

    /// Runs a change; what the register refuses is shown on the page the change came from.
    private func attempt(
        _ page: PageRequest, otherwise: (String, HTTPResponse.Status) async throws -> Response,
        _ body: () async throws -> Response
    ) async throws -> Response {
        do {
            return try await body()
        } catch let error as ValidationError {
            let messages = error.issues.map { issue in
                page.t.strings["rule_\(issue.rule)"].map { "\($0): \(issue.message)" } ?? issue.message
            }
            return try await otherwise(messages.joined(separator: "; "), .unprocessableContent)
        } catch StoreError.conflict {
            return try await otherwise(page.t["exchange_conflict"], .conflict)
        } catch StoreError.alreadyDone(let what) {
            return try await otherwise(what, .conflict)
        }
    }

    private func expectedVersion(_ page: PageRequest) -> Int { Int(page.form["version"] ?? "") ?? 0 }

    // MARK: The figures and the negotiations

    func exchangesPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let exchanges = try await register.exchanges()
        let parties = try await register.parties()
        let figures = try await register.statistics()
        let fund = try await register.fund()
        let rows: [[String: Any]] = exchanges.map { exchange in
            [
                "title": exchange.title, "link": Site.exchange.link(exchange.id.uuidString),
                "counterparty": exchange.counterparty.name, "mediator": exchange.mediator?.name ?? "—",
                "state": t["exchange_state_\(exchange.state.rawValue)"], "stateClass": exchange.state.rawValue,
                "round": String(exchange.round),
                "date": (exchange.heldOn ?? exchange.plannedOn)?.description ?? "—",
            ]
        }
        return pages.render(
            "exchanges",
            [
                "error": error as Any,
                "figures": t.format(
                    "exchange_figures",
                    [
                        "returned": t.number(figures.ownReturned), "exchanges": t.number(figures.exchanges),
                        "held": t.number(figures.ownHeld),
                    ]),
                "fundFigures": t.format(
                    "exchange_fund_figures",
                    [
                        "held": t.number(fund.count), "exchangeable": t.number(fund.filter(\.isExchangeable).count),
                        "handedOver": t.number(figures.adversaryExchanged),
                    ]),
                "exchanges": rows, "hasExchanges": !rows.isEmpty,
                "counterparties": parties.filter { $0.role == .counterparty }.map {
                    ["id": $0.id.uuidString, "name": $0.name]
                },
                "mediators": parties.filter { $0.role == .mediator }.map { ["id": $0.id.uuidString, "name": $0.name] },
                "parties": parties.map { ["name": $0.name, "role": t["party_\($0.role.rawValue)"], "note": $0.note ?? ""] },
                "hasParties": !parties.isEmpty,
                "hasCounterparties": parties.contains { $0.role == .counterparty },
                "presets": ExchangeFormula.presets.map { ["value": $0.name, "label": t["formula_\($0.name)"]] },
                "classes": ExchangeClass.allCases.map(\.rawValue).joined(separator: ", "),
                "createAction": Site.createExchange.path, "partyAction": Site.createParty.path,
                "fundLink": Site.exchangeFund.path, "prioritiesLink": Site.exchangePriorities.path,
            ],
            for: page, title: t["exchanges_title"], status: status)
    }

    func createExchange(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let form = page.form
        return try await attempt(page, otherwise: { try await exchangesPage(page, error: $0, status: $1) }) {
            guard let counterparty = form["counterparty"].flatMap(UUID.init(uuidString:)) else {
                throw ValidationError([
                    ValidationIssue(field: "counterparty", rule: "required", message: t["exchange_choose_counterparty"])
                ])
            }
            var errors: [String: String] = [:]
            let plannedOn = parseDate(form["plannedOn"], field: "plannedOn", into: &errors, t)
            if let problem = errors.values.first {
                throw ValidationError([ValidationIssue(field: "plannedOn", rule: "date", message: problem)])
            }
            let formula = try formula(from: form)
            let exchange = try await register(page).createExchange(
                ExchangeDraft(
                    title: form["title"] ?? "", counterpartyID: counterparty,
                    mediatorID: form["mediator"].flatMap(UUID.init(uuidString:)), formula: formula, plannedOn: plannedOn,
                    note: form["note"]))
            return pages.redirect(to: Site.exchange.link(exchange.id.uuidString))
        }
    }

    /// The formula of a form: rules written out, or else a preset; and the number agreed.
    private func formula(from form: FormFields) throws -> ExchangeFormula {
        var formula =
            ExchangeFormula.presets.first { $0.name == form["preset"] }?.formula ?? ExchangeFormula.oneForOne()
        if let rules = form["rules"] { formula.rules = try ExchangeFormula.parsingRules(rules) }
        if let limit = form["limit"] {
            guard let number = Int(limit) else {
                throw ValidationError([ValidationIssue(field: "limit", rule: "number", message: "'\(limit)' is not a number")])
            }
            formula.limit = number
        }
        try formula.validate()
        return formula
    }

    func createParty(_ page: PageRequest) async throws -> Response {
        let form = page.form
        return try await attempt(page, otherwise: { try await exchangesPage(page, error: $0, status: $1) }) {
            guard let role = form["role"].flatMap(ExchangePartyRole.init(rawValue:)) else {
                throw ValidationError([ValidationIssue(field: "role", rule: "required", message: page.t["error_choose"])])
            }
            _ = try await register(page).createParty(name: form["name"] ?? "", role: role, note: form["note"])
            return pages.redirect(to: Site.exchanges.path)
        }
    }

    // MARK: One negotiation

    func exchangePage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let desk = try desk(page)
        let register = desk.register
        let exchange = try await register.exchange(try page.id())
        let lists = try await register.lists(of: exchange.id)
        let persons = try await register.persons(ids: lists.flatMap(\.personIDs))
        try await register.noteView(entity: "exchange", id: exchange.id)
        let latest = Dictionary(lists.map { ($0.side, $0) }) { _, last in last }
        let weights = try await desk.weights().weights
        let candidates = Dictionary(
            try await register.exchangeCandidates(personIDs: latest[.ours]?.personIDs ?? []).map { ($0.person.id, $0) }
        ) { first, _ in first }
        let fund = Dictionary(
            try await register.fund(personIDs: latest[.theirs]?.personIDs ?? [], excludingExchange: exchange.id).map {
                ($0.person.id, $0)
            }
        ) { first, _ in first }
        let outcomes = Dictionary(try await register.outcomes(of: exchange.id).map { ($0.personID, $0) }) { first, _ in first }

        func personRow(_ id: UUID, side: ExchangeSide, position: Int) -> [String: Any] {
            let person = persons[id]
            var detail = ""
            var warning = false
            if side == .ours, let candidate = candidates[id] {
                let priority = desk.priority(of: candidate, weights: weights)
                detail =
                    t.format("priority_score", ["score": Self.points(priority.score)])
                    + " · " + explain(priority, t)
            } else if side == .theirs {
                let exclusions = fund[id]?.exclusions ?? []
                warning = !exclusions.isEmpty || fund[id] == nil
                detail =
                    fund[id] == nil
                    ? t["fund_not_held"] : exclusions.map { t["fund_exclusion_\($0.rawValue)"] }.joined(separator: ", ")
            }
            return [
                "position": String(position + 1), "name": person?.identity.name.fullName ?? id.uuidString,
                "link": Site.person.link(id.uuidString), "dateOfBirth": person?.identity.dateOfBirth?.description ?? "",
                "status": person.map { t["status_\($0.status.rawValue)"] } ?? "", "detail": detail, "warning": warning,
                "outcome": outcomes[id].map { t["outcome_\($0.outcome.rawValue)"] } as Any,
            ]
        }
        func listContext(_ side: ExchangeSide) -> [String: Any] {
            let list = latest[side]
            return [
                "side": side.rawValue, "heading": t["exchange_side_\(side.rawValue)"],
                "summary": list.map {
                    t.format(
                        "exchange_list_summary",
                        [
                            "version": String($0.version), "round": String($0.round), "count": t.number($0.personIDs.count),
                            "by": t["proposer_\($0.proposedBy.rawValue)"],
                        ])
                } ?? t["exchange_list_none"],
                "persons": (list?.personIDs ?? []).enumerated().map { personRow($1, side: side, position: $0) },
                "editLink": Site.exchangeList.link(exchange.id.uuidString, side.rawValue),
            ]
        }
        var previous: [ExchangeSide: ExchangeList] = [:]
        var history: [[String: Any]] = []
        for list in lists {
            let difference = ListDifference(from: previous[list.side]?.personIDs ?? [], to: list.personIDs)
            func names(_ ids: [UUID]) -> String {
                ids.map { persons[$0]?.identity.name.fullName ?? $0.uuidString }.joined(separator: "; ")
            }
            history.append([
                "round": String(list.round),
                "title": t.format(
                    "exchange_version",
                    [
                        "side": t["exchange_side_\(list.side.rawValue)"], "version": String(list.version),
                        "by": t["proposer_\(list.proposedBy.rawValue)"], "count": t.number(list.personIDs.count),
                    ]),
                "when": ISO8601DateFormatter().string(from: list.createdAt), "who": list.createdBy,
                "added": (difference.added.isEmpty ? nil : names(difference.added)) as Any,
                "removed": (difference.removed.isEmpty ? nil : names(difference.removed)) as Any,
                "unchanged": previous[list.side] != nil && difference.isEmpty,
                "note": list.note as Any,
            ])
            previous[list.side] = list
        }
        let tally = ExchangeTally(Array(outcomes.values))
        let id = exchange.id.uuidString
        return pages.render(
            "exchange",
            [
                "error": error as Any, "title": exchange.title, "version": String(exchange.version),
                "state": t["exchange_state_\(exchange.state.rawValue)"], "stateClass": exchange.state.rawValue,
                "counterparty": exchange.counterparty.name, "mediator": exchange.mediator?.name as Any,
                "formula": describe(exchange.formula, t), "round": String(exchange.round),
                "plannedOn": exchange.plannedOn?.description as Any, "heldOn": exchange.heldOn?.description as Any,
                "note": exchange.note as Any, "cancelReason": exchange.cancelReason as Any,
                "negotiating": exchange.state == .negotiating, "agreed": exchange.state == .agreed,
                "completed": exchange.state == .completed,
                "canCancel": exchange.state == .negotiating || exchange.state == .agreed,
                "lists": [listContext(.ours), listContext(.theirs)],
                "history": history.reversed() as [[String: Any]], "hasHistory": !history.isEmpty,
                "tally":
                    (exchange.state == .completed
                    ? t.format(
                        "exchange_tally",
                        [
                            "returned": t.number(tally.returned), "handedOver": t.number(tally.handedOver),
                            "refused": t.number(tally.refused), "notHandedOver": t.number(tally.notHandedOver),
                        ]) : nil) as Any,
                "planLink": Site.exchangePlan.link(id), "roundAction": Site.openExchangeRound.link(id),
                "agreeAction": Site.agreeExchange.link(id), "cancelAction": Site.cancelExchange.link(id),
                "dayLink": Site.exchangeDay.link(id), "reportLink": Site.exchangeReport.link(id),
                "nextRound": String(exchange.round + 1), "backLink": Site.exchanges.path,
            ],
            for: page, title: exchange.title, status: status)
    }

    func openExchangeRound(_ page: PageRequest) async throws -> Response {
        let id = try page.id()
        return try await attempt(page, otherwise: { try await exchangePage(page, error: $0, status: $1) }) {
            _ = try await register(page).openRound(id, expectedVersion: expectedVersion(page))
            return pages.redirect(to: Site.exchange.link(id.uuidString))
        }
    }

    func agreeExchange(_ page: PageRequest) async throws -> Response {
        let id = try page.id()
        return try await attempt(page, otherwise: { try await exchangePage(page, error: $0, status: $1) }) {
            _ = try await register(page).agreeExchange(id, expectedVersion: expectedVersion(page))
            return pages.redirect(to: Site.exchange.link(id.uuidString))
        }
    }

    func cancelExchange(_ page: PageRequest) async throws -> Response {
        let id = try page.id()
        return try await attempt(page, otherwise: { try await exchangePage(page, error: $0, status: $1) }) {
            _ = try await register(page).cancelExchange(
                id, expectedVersion: expectedVersion(page), reason: page.form["reason"] ?? "")
            return pages.redirect(to: Site.exchange.link(id.uuidString))
        }
    }

    // MARK: Editing a list

    func exchangeListPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let exchange = try await register.exchange(try page.id())
        guard let side = page.context.parameters.get("side").flatMap(ExchangeSide.init(rawValue:)) else {
            throw HTTPError(.notFound)
        }
        let current = try await register.latestList(exchange.id, side: side)
        let currentIDs = current?.personIDs ?? []
        let persons = try await register.persons(ids: currentIDs)
        try await register.noteView(entity: "exchange", id: exchange.id)
        let query = page.rawQuery("q")
        var found: [[String: Any]] = []
        if !query.trimmingCharacters(in: .whitespaces).isEmpty {
            let (_, documents) = try await search.search(query, facets: ["affiliation:\(side.affiliation.rawValue)"], limit: 50)
            try await register.noteListing(entity: "person", query: "exchange list search \"\(query)\"")
            let listed = Set(currentIDs)
            found = documents.filter { !listed.contains($0.id) && $0.status.isHeld }.map { document in
                [
                    "id": document.id.uuidString,
                    "name": document.displayName,
                    "dateOfBirth": document.displayDateOfBirth ?? "", "status": t["status_\(document.status.rawValue)"],
                ]
            }
        }
        return pages.render(
            "exchange_list",
            [
                "error": error as Any, "exchangeTitle": exchange.title, "heading": t["exchange_side_\(side.rawValue)"],
                "version": String(exchange.version), "round": String(exchange.round),
                "negotiating": exchange.state == .negotiating,
                "current": currentIDs.map { id in
                    [
                        "id": id.uuidString, "name": persons[id]?.identity.name.fullName ?? id.uuidString,
                        "dateOfBirth": persons[id]?.identity.dateOfBirth?.description ?? "",
                        "status": persons[id].map { t["status_\($0.status.rawValue)"] } ?? "",
                    ]
                },
                "hasCurrent": !currentIDs.isEmpty, "query": query, "found": found, "hasFound": !found.isEmpty,
                "searched": !query.isEmpty,
                "proposers": ListProposer.allCases.map {
                    ["value": $0.rawValue, "label": t["proposer_\($0.rawValue)"], "selected": $0 == (current?.proposedBy ?? .us)]
                },
                "action": Site.putExchangeList.link(exchange.id.uuidString, side.rawValue),
                "backLink": Site.exchange.link(exchange.id.uuidString),
            ],
            for: page, title: "\(exchange.title): \(t["exchange_side_\(side.rawValue)"])", status: status)
    }

    func putExchangeList(_ page: PageRequest) async throws -> Response {
        let id = try page.id()
        guard let side = page.context.parameters.get("side").flatMap(ExchangeSide.init(rawValue:)) else {
            throw HTTPError(.notFound)
        }
        return try await attempt(page, otherwise: { try await exchangeListPage(page, error: $0, status: $1) }) {
            var personIDs: [UUID] = []
            for value in page.form.all("person") {
                guard let person = UUID(uuidString: value) else {
                    throw ValidationError([
                        ValidationIssue(field: "person", rule: "format", message: "'\(value)' is not a person id")
                    ])
                }
                if !personIDs.contains(person) { personIDs.append(person) }
            }
            _ = try await register(page).putList(
                id, expectedVersion: expectedVersion(page), side: side, personIDs: personIDs,
                proposedBy: page.form["proposedBy"].flatMap(ListProposer.init(rawValue:)) ?? .us, note: page.form["note"])
            return pages.redirect(to: Site.exchange.link(id.uuidString))
        }
    }

    // MARK: The planner

    func exchangePlanPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let desk = try desk(page)
        let exchange = try await desk.register.exchange(try page.id())
        let result = try await desk.plan(for: exchange)
        let plan = result.plan
        try await desk.register.noteListing(entity: "person", query: "exchange plan for \(exchange.id)")
        func name(_ id: UUID) -> String {
            result.candidates[id]?.person.identity.name.fullName ?? result.fund[id]?.person.identity.name.fullName
                ?? id.uuidString
        }
        func ruleText(_ index: Int) -> String {
            exchange.formula.rules.indices.contains(index) ? describe(exchange.formula.rules[index], t) : ""
        }
        return pages.render(
            "exchange_plan",
            [
                "error": error as Any, "exchangeTitle": exchange.title, "formula": describe(exchange.formula, t),
                "summary": t.format(
                    "plan_summary",
                    [
                        "returning": t.number(plan.returning.count), "handingOver": t.number(plan.handingOver.count),
                        "priority": Self.points(plan.totalPriority), "leftOut": t.number(plan.leftOut),
                        "unused": t.number(plan.unusedFund),
                    ]),
                "rules": plan.rules.enumerated().map { index, usage in
                    [
                        "rule": ruleText(index), "returning": t.number(usage.returning),
                        "handingOver": t.number(usage.handingOver),
                        "available": t.number(usage.fundAvailable),
                    ]
                },
                "returning": plan.returning.map { chosen in
                    [
                        "rank": String(chosen.rank), "name": name(chosen.personID),
                        "link": Site.person.link(chosen.personID.uuidString),
                        "score": Self.points(chosen.priority.score), "why": explain(chosen.priority, t),
                        "rule": ruleText(chosen.rule),
                    ]
                },
                "handingOver": plan.handingOver.map { chosen in
                    [
                        "name": name(chosen.personID), "link": Site.person.link(chosen.personID.uuidString),
                        "why": t["handover_\(chosen.reason.rawValue)"], "rule": ruleText(chosen.rule),
                    ]
                },
                "nextInLine": plan.nextInLine.prefix(20).map { left in
                    [
                        "rank": String(left.rank), "name": name(left.personID),
                        "link": Site.person.link(left.personID.uuidString),
                        "score": Self.points(left.priority.score), "why": t["left_out_\(left.reason.rawValue)"],
                    ]
                },
                "hasPlan": !plan.returning.isEmpty, "negotiating": exchange.state == .negotiating,
                "version": String(exchange.version), "round": String(exchange.round),
                "adoptAction": Site.adoptExchangePlan.link(exchange.id.uuidString),
                "backLink": Site.exchange.link(exchange.id.uuidString), "prioritiesLink": Site.exchangePriorities.path,
            ],
            for: page, title: "\(exchange.title): \(t["plan_title"])", status: status)
    }

    /// Puts the plan forward as our proposal: both lists, as new versions of this round.
    func adoptExchangePlan(_ page: PageRequest) async throws -> Response {
        let id = try page.id()
        return try await attempt(page, otherwise: { try await exchangePlanPage(page, error: $0, status: $1) }) {
            let desk = try desk(page)
            let exchange = try await desk.register.exchange(id)
            guard exchange.version == expectedVersion(page) else {
                throw StoreError.conflict(entity: "exchange", id: id, currentVersion: exchange.version)
            }
            let plan = try await desk.plan(for: exchange).plan
            let note = page.t.format("plan_note", ["formula": describe(exchange.formula, page.t)])
            _ = try await desk.register.transaction { register in
                let ours = try await register.putList(
                    id, expectedVersion: exchange.version, side: .ours, personIDs: plan.returning.map(\.personID),
                    proposedBy: .us,
                    note: note)
                _ = try await register.putList(
                    id, expectedVersion: exchange.version + 1, side: .theirs, personIDs: plan.handingOver.map(\.personID),
                    proposedBy: .us, note: note)
                return ours.id
            }
            return pages.redirect(to: Site.exchange.link(id.uuidString))
        }
    }

    // MARK: The day

    func exchangeDayPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let exchange = try await register.exchange(try page.id())
        let agreed = try await register.agreedLists(of: exchange)
        let persons = try await register.persons(ids: agreed.flatMap(\.personIDs))
        let recorded = Dictionary(try await register.outcomes(of: exchange.id).map { ($0.personID, $0) }) { first, _ in first }
        try await register.noteView(entity: "exchange", id: exchange.id)
        let sides: [[String: Any]] = agreed.map { list in
            [
                "heading": t["exchange_side_\(list.side.rawValue)"],
                "persons": list.personIDs.map { id in
                    let chosen = page.form["outcome-\(id.uuidString)"] ?? recorded[id]?.outcome.rawValue
                    return [
                        "id": id.uuidString, "name": persons[id]?.identity.name.fullName ?? id.uuidString,
                        "dateOfBirth": persons[id]?.identity.dateOfBirth?.description ?? "",
                        "outcomes": HandoverOutcome.allCases.map { outcome in
                            [
                                "value": outcome.rawValue, "label": t["outcome_\(outcome.rawValue)"],
                                "checked": chosen == outcome.rawValue,
                            ]
                        },
                        "note": page.form["note-\(id.uuidString)"] ?? recorded[id]?.note ?? "",
                    ] as [String: Any]
                },
            ]
        }
        return pages.render(
            "exchange_day",
            [
                "error": error as Any, "exchangeTitle": exchange.title, "version": String(exchange.version),
                "agreed": exchange.state == .agreed,
                "state": t["exchange_state_\(exchange.state.rawValue)"],
                "heldOn": page.form["heldOn"] ?? (exchange.heldOn ?? exchange.plannedOn)?.description
                    ?? Validator(now: clock()).today.description,
                "sides": sides, "action": Site.recordExchangeDay.link(exchange.id.uuidString),
                "backLink": Site.exchange.link(exchange.id.uuidString),
            ],
            for: page, title: "\(exchange.title): \(t["day_title"])", status: status)
    }

    func recordExchangeDay(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let id = try page.id()
        return try await attempt(page, otherwise: { try await exchangeDayPage(page, error: $0, status: $1) }) {
            let register = try register(page)
            let exchange = try await register.exchange(id)
            var errors: [String: String] = [:]
            guard let heldOn = parseDate(page.form["heldOn"], field: "heldOn", into: &errors, t), errors.isEmpty else {
                throw ValidationError([
                    ValidationIssue(field: "heldOn", rule: "date", message: errors["heldOn"] ?? t["day_date_required"])
                ])
            }
            var outcomes: [ExchangeOutcome] = []
            for list in try await register.agreedLists(of: exchange) {
                let side = list.side
                for person in list.personIDs {
                    guard let value = page.form["outcome-\(person.uuidString)"] else { continue }
                    guard let outcome = HandoverOutcome(rawValue: value) else {
                        throw ValidationError([
                            ValidationIssue(field: "outcome-\(person)", rule: "choice", message: "'\(value)' is not an outcome")
                        ])
                    }
                    outcomes.append(
                        ExchangeOutcome(
                            personID: person, side: side, outcome: outcome, note: page.form["note-\(person.uuidString)"]))
                }
            }
            let close = page.form["action"] == "close"
            _ = try await register.recordExchangeDay(
                id, expectedVersion: expectedVersion(page), heldOn: heldOn, outcomes: outcomes, close: close)
            await outbox.sweepAfterChange(about: outcomes.map(\.personID))
            return pages.redirect(to: close ? Site.exchange.link(id.uuidString) : Site.exchangeDay.link(id.uuidString))
        }
    }

    /// The record of one exchange, to print: parties, formula, the agreed lists and what became of each person.
    func exchangeReport(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let exchange = try await register.exchange(try page.id())
        let lists = try await register.lists(of: exchange.id)
        let agreed = try await register.agreedLists(of: exchange)
        let persons = try await register.persons(ids: agreed.flatMap(\.personIDs))
        let outcomes = try await register.outcomes(of: exchange.id)
        let byPerson = Dictionary(outcomes.map { ($0.personID, $0) }) { first, _ in first }
        try await register.noteView(entity: "exchange", id: exchange.id)
        let tally = ExchangeTally(outcomes)
        let timestamp = ISO8601DateFormatter()
        return pages.render(
            "exchange_report",
            [
                "exchangeTitle": exchange.title, "counterparty": exchange.counterparty.name,
                "mediator": exchange.mediator?.name as Any,
                "state": t["exchange_state_\(exchange.state.rawValue)"], "formula": describe(exchange.formula, t),
                "heldOn": exchange.heldOn?.description ?? "—", "rounds": String(exchange.round),
                "versions": String(lists.count),
                "agreedAt": exchange.agreedAt.map { timestamp.string(from: $0) } ?? "—", "agreedBy": exchange.agreedBy ?? "—",
                "closedAt": exchange.closedAt.map { timestamp.string(from: $0) } ?? "—", "closedBy": exchange.closedBy ?? "—",
                "tally": t.format(
                    "exchange_tally",
                    [
                        "returned": t.number(tally.returned), "handedOver": t.number(tally.handedOver),
                        "refused": t.number(tally.refused), "notHandedOver": t.number(tally.notHandedOver),
                    ]),
                "sides": agreed.map { list in
                    [
                        "heading": t["exchange_side_\(list.side.rawValue)"],
                        "persons": list.personIDs.enumerated().map { position, id in
                            let person = persons[id]
                            return [
                                "position": String(position + 1), "name": person?.identity.name.fullName ?? id.uuidString,
                                "dateOfBirth": person?.identity.dateOfBirth?.description ?? "",
                                "serviceNumber": person?.identity.serviceNumber ?? "",
                                "outcome": byPerson[id].map { t["outcome_\($0.outcome.rawValue)"] } ?? "—",
                                "note": byPerson[id]?.note ?? "",
                            ]
                        },
                    ] as [String: Any]
                },
                "generated": timestamp.string(from: clock()), "bureau": configuration.bureauName,
                "backLink": Site.exchange.link(exchange.id.uuidString),
            ],
            for: page, title: "\(exchange.title): \(t["report_title"])")
    }

    // MARK: The fund

    func exchangeFundPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let fund = try await register.fund()
        let show = page.query("show") ?? "all"
        try await register.noteListing(entity: "person", query: "exchange fund (\(show))")
        let shown = fund.filter { show == "exchangeable" ? $0.isExchangeable : show == "excluded" ? !$0.isExchangeable : true }
        var counts: [FundExclusion: Int] = [:]
        for entry in fund { for exclusion in entry.exclusions { counts[exclusion, default: 0] += 1 } }
        return pages.render(
            "exchange_fund",
            [
                "error": error as Any,
                "summary": t.format(
                    "exchange_fund_figures",
                    [
                        "held": t.number(fund.count), "exchangeable": t.number(fund.filter(\.isExchangeable).count),
                        "handedOver": t.number(try await register.statistics().adversaryExchanged),
                    ]),
                "reasons": FundExclusion.allCases.map {
                    ["label": t["fund_exclusion_\($0.rawValue)"], "count": t.number(counts[$0] ?? 0)]
                },
                "filters": ["all", "exchangeable", "excluded"].map {
                    [
                        "value": $0, "label": t["fund_show_\($0)"], "current": $0 == show,
                        "link": "\(Site.exchangeFund.path)?show=\($0)",
                    ]
                },
                "entries": shown.prefix(500).map { entry in
                    [
                        "name": entry.person.identity.name.fullName, "link": Site.personExchange.link(entry.person.id.uuidString),
                        "category": t["category_\(entry.person.category.rawValue)"],
                        "status": t["status_\(entry.person.status.rawValue)"], "heldSince": entry.heldSince?.description ?? "",
                        "medical": entry.medical.map { describe($0, t) } ?? "",
                        "exchangeable": entry.isExchangeable,
                        "reasons": entry.exclusions.map { exclusion in
                            let note = entry.holds.first { $0.reason == exclusion }?.note
                            return [t["fund_exclusion_\(exclusion.rawValue)"], note].compactMap { $0 }.joined(separator: ": ")
                        }.joined(separator: "; "),
                    ] as [String: Any]
                },
                "shownCount": t.format("fund_shown", ["shown": t.number(min(shown.count, 500)), "total": t.number(shown.count)]),
            ],
            for: page, title: t["fund_title"], status: status)
    }

    func liftFundHold(_ page: PageRequest) async throws -> Response {
        let hold = try await register(page).liftHold(try page.id())
        return pages.redirect(to: Site.personExchange.link(hold.personID.uuidString))
    }

    // MARK: Priorities

    static let weightFields: [(name: String, path: WritableKeyPath<PriorityWeights, Double>)] = [
        ("seriouslyWoundedOrSick", \.seriouslyWoundedOrSick),
        ("commissionDirectRepatriation", \.commissionDirectRepatriation),
        ("commissionNeutralAccommodation", \.commissionNeutralAccommodation), ("civilian", \.civilian), ("woman", \.woman),
        ("minor", \.minor), ("elderly", \.elderly), ("perYearInCaptivity", \.perYearInCaptivity),
        ("captivityConfirmed", \.captivityConfirmed),
    ]

    func exchangePrioritiesPage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let t = page.t
        let desk = try desk(page)
        let (weights, version) = try await desk.weights()
        let candidates = try await desk.register.exchangeCandidates()
        try await desk.register.noteListing(entity: "person", query: "exchange priorities")
        let ranked = candidates.map { ($0, desk.priority(of: $0, weights: weights)) }
            .sorted { $0.1.score != $1.1.score ? $0.1.score > $1.1.score : $0.0.person.id.uuidString < $1.0.person.id.uuidString }
        var fields: [[String: Any]] = Self.weightFields.map { field in
            [
                "name": field.name, "label": t["weight_\(field.name)"],
                "value": page.form[field.name] ?? Self.points(weights[keyPath: field.path]),
            ]
        }
        fields.append([
            "name": "elderlyFromAge", "label": t["weight_elderlyFromAge"],
            "value": page.form["elderlyFromAge"] ?? String(weights.elderlyFromAge),
        ])
        return pages.render(
            "exchange_priorities",
            [
                "error": error as Any, "fields": fields, "version": String(version),
                "held": t.format("priorities_held", ["count": t.number(candidates.count)]),
                "ranked": ranked.prefix(100).enumerated().map { index, pair in
                    [
                        "rank": String(index + 1), "name": pair.0.person.identity.name.fullName,
                        "link": Site.personExchange.link(pair.0.person.id.uuidString), "score": Self.points(pair.1.score),
                        "why": explain(pair.1, t),
                    ]
                },
                "action": Site.saveExchangePriorities.path,
            ],
            for: page, title: t["priorities_title"], status: status)
    }

    func saveExchangePriorities(_ page: PageRequest) async throws -> Response {
        try await attempt(page, otherwise: { try await exchangePrioritiesPage(page, error: $0, status: $1) }) {
            let desk = try desk(page)
            var weights = try await desk.weights().weights
            var issues: [ValidationIssue] = []
            for field in Self.weightFields {
                guard let text = page.form[field.name] else { continue }
                guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                    issues.append(
                        ValidationIssue(field: field.name, rule: "number", message: "\(field.name): '\(text)' is not a number"))
                    continue
                }
                weights[keyPath: field.path] = value
            }
            if let text = page.form["elderlyFromAge"] {
                if let age = Int(text) {
                    weights.elderlyFromAge = age
                } else {
                    issues.append(
                        ValidationIssue(field: "elderlyFromAge", rule: "number", message: "'\(text)' is not a whole number"))
                }
            }
            if !issues.isEmpty { throw ValidationError(issues) }
            try await desk.saveWeights(weights, expectedVersion: expectedVersion(page))
            return pages.redirect(to: Site.exchangePriorities.path)
        }
    }

    // MARK: One person's standing in exchanges

    func personExchangePage(_ page: PageRequest, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let t = page.t
        let desk = try desk(page)
        let register = desk.register
        let person = try await register.person(try page.id())
        try await register.noteView(entity: "person", id: person.id)
        let findings = try await register.medicalFindings(of: person.id)
        var values: [String: Any] = [
            "error": error as Any, "name": person.identity.name.fullName, "link": Site.person.link(person.id.uuidString),
            "status": t["status_\(person.status.rawValue)"], "own": person.affiliation == .own,
            "findings": findings.map { finding in
                [
                    "text": describe(finding, t), "note": finding.note ?? "", "by": finding.recordedBy,
                    "at": ISO8601DateFormatter().string(from: finding.recordedAt),
                ]
            },
            "hasFindings": !findings.isEmpty,
            "conditions": Article110Condition.allCases.map { ["value": $0.rawValue, "label": t["condition_\($0.rawValue)"]] },
            "decisions": CommissionDecision.allCases.map { ["value": $0.rawValue, "label": t["decision_\($0.rawValue)"]] },
            "medicalAction": Site.recordMedicalFinding.link(person.id.uuidString),
            "holdAction": Site.placeFundHold.link(person.id.uuidString),
        ]
        if person.affiliation == .own {
            let weights = try await desk.weights().weights
            if let candidate = try await register.exchangeCandidates(personIDs: [person.id]).first {
                let priority = desk.priority(of: candidate, weights: weights)
                values["priority"] = [
                    "score": Self.points(priority.score),
                    "contributions": priority.contributions.map { contribution in
                        ["label": factorLabel(contribution, t), "points": "+" + Self.points(contribution.points)]
                    },
                ]
            }
        } else {
            let entry = try await register.fund(personIDs: [person.id]).first
            let holds = try await register.holds(of: person.id)
            values["fund"] = [
                "held": entry != nil,
                "exchangeable": entry?.isExchangeable ?? false,
                "exclusions": (entry?.exclusions ?? []).map { t["fund_exclusion_\($0.rawValue)"] }.joined(separator: ", "),
            ]
            values["holds"] = holds.map { hold in
                [
                    "reason": t["fund_exclusion_\(hold.reason.rawValue)"], "note": hold.note ?? "", "by": hold.recordedBy,
                    "at": ISO8601DateFormatter().string(from: hold.recordedAt),
                    "lifted": hold.liftedAt.map {
                        t.format("hold_lifted", ["at": ISO8601DateFormatter().string(from: $0), "by": hold.liftedBy ?? ""])
                    } as Any,
                    "liftAction": Site.liftFundHold.link(hold.id.uuidString),
                ] as [String: Any]
            }
            values["hasHolds"] = !holds.isEmpty
            values["reasons"] = FundExclusion.allCases.filter { $0 != .onAgreedList }.map {
                ["value": $0.rawValue, "label": t["fund_exclusion_\($0.rawValue)"]]
            }
        }
        return pages.render("person_exchange", values, for: page, title: person.identity.name.fullName, status: status)
    }

    func recordMedicalFinding(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let id = try page.id()
        return try await attempt(page, otherwise: { try await personExchangePage(page, error: $0, status: $1) }) {
            var errors: [String: String] = [:]
            let decidedOn = parseDate(page.form["decidedOn"], field: "decidedOn", into: &errors, t)
            if let problem = errors.values.first {
                throw ValidationError([ValidationIssue(field: "decidedOn", rule: "date", message: problem)])
            }
            _ = try await register(page).recordMedicalFinding(
                for: id, condition: page.form["condition"].flatMap(Article110Condition.init(rawValue:)),
                decision: page.form["decision"].flatMap(CommissionDecision.init(rawValue:)), decidedOn: decidedOn,
                note: page.form["note"])
            return pages.redirect(to: Site.personExchange.link(id.uuidString))
        }
    }

    func placeFundHold(_ page: PageRequest) async throws -> Response {
        let id = try page.id()
        return try await attempt(page, otherwise: { try await personExchangePage(page, error: $0, status: $1) }) {
            guard let reason = page.form["reason"].flatMap(FundExclusion.init(rawValue:)) else {
                throw ValidationError([ValidationIssue(field: "reason", rule: "required", message: page.t["error_choose"])])
            }
            _ = try await register(page).placeHold(on: id, reason: reason, note: page.form["note"])
            return pages.redirect(to: Site.personExchange.link(id.uuidString))
        }
    }

    // MARK: Words for numbers and rules

    /// Points with at most one decimal, as a negotiator reads them.
    static func points(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    func explain(_ priority: Priority, _ t: Translations) -> String {
        priority.contributions.map { "\(factorLabel($0, t)) +\(Self.points($0.points))" }.joined(separator: " · ")
    }

    func factorLabel(_ contribution: PriorityContribution, _ t: Translations) -> String {
        switch contribution.factor {
        case .captivityLength:
            t.format("factor_captivity-length", ["days": t.number(contribution.quantity ?? 0)])
        case .minor, .elderly:
            t.format("factor_\(contribution.factor.rawValue)", ["age": String(contribution.quantity ?? 0)])
        default: t["factor_\(contribution.factor.rawValue)"]
        }
    }

    func describe(_ rule: ExchangeRule, _ t: Translations) -> String {
        t.format(
            "formula_rule",
            [
                "ours": t["class_\(rule.ours.rawValue)"], "theirs": t["class_\(rule.theirs.rawValue)"],
                "a": String(rule.oursCount), "b": String(rule.theirsCount),
            ])
    }

    func describe(_ formula: ExchangeFormula, _ t: Translations) -> String {
        let rules = formula.rules.map { describe($0, t) }.joined(separator: "; ")
        guard let limit = formula.limit else { return rules }
        return rules + " · " + t.format("formula_limit", ["limit": t.number(limit)])
    }

    func describe(_ finding: MedicalFinding, _ t: Translations) -> String {
        var parts: [String] = []
        if let condition = finding.condition { parts.append(t["condition_\(condition.rawValue)"]) }
        if let decision = finding.decision { parts.append(t["decision_\(decision.rawValue)"]) }
        if let decidedOn = finding.decidedOn { parts.append(decidedOn.description) }
        return parts.isEmpty ? t["condition_none"] : parts.joined(separator: " · ")
    }
}
