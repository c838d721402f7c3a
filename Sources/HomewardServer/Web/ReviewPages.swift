import Foundation
import HomewardCore
import HomewardStore
import Hummingbird

extension WebApplication {
    // MARK: The queue

    func reviewQueue(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let state = page.query("state").flatMap(ReviewState.init(rawValue:)) ?? .open
        let offset = max(0, Int(page.query("offset") ?? "") ?? 0)
        let queue = try await register.reviewQueue(state: state, offset: offset, limit: 50)
        try await register.noteListing(entity: "match_candidate", query: "review queue \(state.rawValue) from \(offset)")
        let rows: [[String: Any]] = queue.items.map { candidate in
            [
                "link": Site.reviewPair.link(candidate.id.uuidString),
                "left": candidate.left.particulars.name.fullName,
                "right": candidate.right.particulars.name.fullName,
                "leftDate": candidate.left.particulars.dateOfBirth?.description ?? "",
                "rightDate": candidate.right.particulars.dateOfBirth?.description ?? "",
                "probability": percent(candidate.probability),
                // Pairs that reading them together raised or lowered show what they scored alone.
                "alone": candidate.context.flatMap { context -> String? in
                    guard changesTheReading(context, of: candidate.probability) else { return nil }
                    return context.scored.map { t.format("review_alone", ["probability": percent($0)]) }
                        ?? t["review_alone_never_compared"]
                } as Any,
                "unlinked": candidate.right.personID == nil,
                "decidedBy": candidate.decidedBy ?? "",
            ]
        }
        let tabs: [[String: Any]] = ReviewState.allCases.map {
            [
                "label": t["review_state_\($0.rawValue)"], "link": "\(Site.reviewQueue.path)?state=\($0.rawValue)",
                "current": $0 == state,
            ]
        }
        return pages.render(
            "review_queue",
            [
                "rows": rows, "tabs": tabs, "empty": rows.isEmpty, "showDecider": state != .open,
                "summary": t.format("review_count", ["total": t.number(queue.total)]),
                "next":
                    (queue.offset + queue.limit < queue.total
                    ? "\(Site.reviewQueue.path)?state=\(state.rawValue)&offset=\(queue.offset + queue.limit)" : nil) as Any,
                "refreshAction": Site.refreshReviewQueue.path,
            ],
            for: page, title: t["review_title"])
    }

    func refreshReviewQueue(_ page: PageRequest) async throws -> Response {
        try await duplicates.refresh(actor: try page.signedIn.actor)
        return pages.redirect(to: Site.reviewQueue.path)
    }

    // MARK: One pair

    func reviewPair(_ page: PageRequest, error: String? = nil) async throws -> Response {
        let t = page.t
        let register = try register(page)
        let candidate = try await register.matchCandidate(try page.id())
        try await register.noteView(entity: "match_candidate", id: candidate.id)
        var persons: [UUID: Person] = [:]
        for id in [candidate.left.personID, candidate.right.personID].compactMap({ $0 }) {
            persons[id] = try? await register.person(id)
        }
        var sources: [UUID: Source] = [:]
        for id in Set([candidate.left.sourceID, candidate.right.sourceID]) { sources[id] = try? await register.source(id) }

        func side(_ record: Record) -> [String: Any] {
            let particulars = record.particulars
            let person = record.personID.flatMap { persons[$0] }
            return [
                "name": particulars.name.fullName,
                "source": sources[record.sourceID]?.label ?? "",
                "person": person.map { $0.identity.name.fullName } ?? t["review_no_person"],
                "personLink": person.map { Site.person.link($0.id.uuidString) } as Any,
                "status": person.map { t["status_\($0.status.rawValue)"] } ?? "",
                "fields": [
                    ["label": t["field_surname"], "value": particulars.name.surname],
                    ["label": t["field_givenNames"], "value": particulars.name.givenNames ?? ""],
                    ["label": t["field_patronymic"], "value": particulars.name.patronymic ?? ""],
                    [
                        "label": t["field_dateOfBirth"],
                        "value": particulars.dateOfBirth?.description ?? particulars.dateOfBirthText ?? "",
                    ],
                    ["label": t["field_placeOfBirth"], "value": particulars.placeOfBirth ?? ""],
                    ["label": t["field_serviceNumber"], "value": particulars.serviceNumber ?? ""],
                    ["label": t["field_unit"], "value": particulars.unit ?? ""],
                ],
            ]
        }
        let evidence: [[String: Any]] = candidate.evidence.map { item in
            let label = t["field_\(item.field)"]
            let level = t.strings["level_\(item.level)"] ?? item.level
            return [
                "field": label, "level": level, "weight": String(format: "%+.1f", item.weight),
                "bar": EvidenceBar(weight: item.weight, label: "\(label): \(level)").svg,
            ]
        }
        let decided = candidate.state == .linked || candidate.state == .notSame
        return pages.render(
            "review_pair",
            [
                "left": side(candidate.left), "right": side(candidate.right),
                "probability": percent(candidate.probability),
                "evidence": evidence,
                "limit": candidate.limit as Any,
                "context": candidate.context.flatMap {
                    changesTheReading($0, of: candidate.probability) ? context(of: $0, t: t) : nil
                }
                    as Any,
                "state": t["review_state_\(candidate.state.rawValue)"],
                "decided": decided,
                "decidedBy": candidate.decidedBy as Any,
                "decideAction": Site.decidePair.link(candidate.id.uuidString),
                "undoAction": Site.undoDecision.link(candidate.id.uuidString),
                "error": error as Any,
                "queueLink": Site.reviewQueue.path,
            ],
            for: page, title: t["review_pair_title"], status: error == nil ? .ok : .conflict)
    }

    func decidePair(_ page: PageRequest) async throws -> Response {
        let register = try register(page)
        let id = try page.id()
        guard let decision = page.form["decision"].flatMap(ReviewDecision.init(rawValue:)) else {
            return try await reviewPair(page, error: page.t["error_choose"])
        }
        let candidate: MatchCandidate
        do {
            candidate = try await register.decide(id, decision)
        } catch let error as ValidationError {
            return try await reviewPair(page, error: error.issues.map(\.message).joined(separator: "; "))
        }
        for personID in [candidate.left.personID, candidate.right.personID].compactMap({ $0 }) {
            try await search.refresh(personID)
        }
        await outbox.sweepAfterChange(about: [candidate.left.personID, candidate.right.personID].compactMap { $0 })
        // The next pair waits: an analyst works through the queue without going back to it.
        let next = try await register.reviewQueue(state: .open, offset: 0, limit: 1).items.first
        return pages.redirect(to: next.map { Site.reviewPair.link($0.id.uuidString) } ?? Site.reviewQueue.path)
    }

    func undoDecision(_ page: PageRequest) async throws -> Response {
        let register = try register(page)
        let before = try await register.matchCandidate(try page.id())
        let candidate = try await register.undoDecision(before.id)
        let affected = [before.left.personID, before.right.personID, candidate.right.personID]
        for personID in Set(affected.compactMap { $0 }) { try await search.refresh(personID) }
        await outbox.sweepAfterChange(about: affected.compactMap { $0 })
        return pages.redirect(to: Site.reviewPair.link(candidate.id.uuidString))
    }

    func unlinkRecord(_ page: PageRequest) async throws -> Response {
        let register = try register(page)
        let id = try page.id()
        let record = try await register.record(id)
        _ = try await register.unlinkRecord(id)
        await outbox.sweepAfterChange(about: record.personID.map { [$0] } ?? [])
        if let personID = record.personID {
            try await search.refresh(personID)
            return pages.redirect(to: Site.person.link(personID.uuidString))
        }
        return pages.redirect(to: Site.search.path)
    }

    func percent(_ probability: Double) -> String { String(format: "%.0f %%", probability * 100) }

    /// Whether reading the pairs together changed the probability the page shows. Most pairs a
    /// third record raises were nearly certain already (99.99995 % raised to 99.99998 %): "scored
    /// alone: 100 %" above a pair of 100 % would only puzzle the reader.
    func changesTheReading(_ context: PairContext, of probability: Double) -> Bool {
        context.scored.map { percent($0) != percent(probability) } ?? true
    }

    /// Why the pair's probability is not what its fields add up to, in the page's language.
    func context(of context: PairContext, t: Translations) -> String {
        let records = context.records.map { "«\($0)»" }
        let scored = context.scored.map { t.format("review_context_scored", ["probability": percent($0)]) + " " } ?? ""
        switch context.reason {
        case .sharedRecord:
            return (context.scored == nil ? t["review_context_never_compared"] + " " : scored)
                + t.format("review_context_shared", ["record": records.first ?? ""])
        case .rival: return scored + t.format("review_context_rival", ["record": records.first ?? ""])
        case .keptApart:
            return scored
                + t.format(
                    "review_context_kept_apart", ["first": records.first ?? "", "second": records.dropFirst().first ?? ""])
        }
    }
}

/// One field's weight of evidence as a small horizontal bar: to the right for one person, to the
/// left against, its length the weight (capped at ±10 bits).
struct EvidenceBar {
    let weight: Double
    let label: String

    var svg: String {
        let width = 200.0
        let middle = width / 2
        let length = min(abs(weight), 10) / 10 * middle
        let x = weight >= 0 ? middle : middle - length
        let kind = weight >= 0 ? "for" : "against"
        return
            "<svg viewBox=\"0 0 \(Int(width)) 14\" width=\"200\" height=\"14\" role=\"img\" aria-label=\"\(escape(label)) \(String(format: "%+.1f", weight))\" class=\"evidence\">"
            + "<line x1=\"\(Int(middle))\" y1=\"0\" x2=\"\(Int(middle))\" y2=\"14\" class=\"axis-line\"/>"
            + "<rect x=\"\(String(format: "%.1f", x))\" y=\"2\" width=\"\(String(format: "%.1f", length))\" height=\"10\" class=\"\(kind)\"/></svg>"
    }
}
