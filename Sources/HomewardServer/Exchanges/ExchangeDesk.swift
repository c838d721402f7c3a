import Foundation
import HomewardCore
import HomewardStore

/// The negotiators' work that the register alone does not do: priorities under the bureau's
/// weights, and plans under an exchange's formula. Shared by the pages and the JSON API.
struct ExchangeDesk: Sendable {
    static let weightsKey = "exchange.priority-weights"

    let register: Register
    let today: PartialDate

    /// A plan with what it was made from, for showing each person's reason.
    struct PlanResult: Sendable {
        var plan: ExchangePlan
        var candidates: [UUID: CandidateFacts]
        var fund: [UUID: FundEntry]
        var weights: PriorityWeights
    }

    /// The weights in force and their version (0 while the standard ones were never changed).
    func weights() async throws -> (weights: PriorityWeights, version: Int) {
        guard let stored = try await register.setting(Self.weightsKey) else { return (.standard, 0) }
        do {
            return (try JSONDecoder().decode(PriorityWeights.self, from: Data(stored.value.utf8)), stored.version)
        } catch {
            throw StoreError.internalInconsistency("the stored priority weights cannot be read: \(error)")
        }
    }

    func saveWeights(_ weights: PriorityWeights, expectedVersion: Int) async throws {
        try weights.validate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await register.storeSetting(
            Self.weightsKey, value: String(decoding: try encoder.encode(weights), as: UTF8.self), expectedVersion: expectedVersion
        )
    }

    static func facts(_ candidate: CandidateFacts) -> PriorityFacts {
        PriorityFacts(
            personID: candidate.person.id, category: candidate.person.category, sex: candidate.person.identity.sex,
            dateOfBirth: candidate.person.identity.dateOfBirth, capturedOn: candidate.capturedOn, status: candidate.person.status,
            medical: candidate.medical)
    }

    func priority(of candidate: CandidateFacts, weights: PriorityWeights) -> Priority {
        ExchangePriority.assess(Self.facts(candidate), weights: weights, today: today)
    }

    /// The best plan the fund allows under the exchange's formula. The counterparty's latest
    /// request for their people, if any, decides whom we hand over first.
    func plan(for exchange: Exchange) async throws -> PlanResult {
        let weights = try await weights().weights
        let candidates = try await register.exchangeCandidates()
        let fund = try await register.fund(excludingExchange: exchange.id)
        let lists = try await register.lists(of: exchange.id)
        let requested = Set(lists.last { $0.side == .theirs && $0.proposedBy == .them }?.personIDs ?? [])
        let planCandidates = candidates.map { candidate in
            PlanCandidate(
                personID: candidate.person.id, classes: Self.facts(candidate).classes,
                priority: priority(of: candidate, weights: weights))
        }
        let members = fund.filter(\.isExchangeable).map { entry in
            let woundedOrSick = entry.medical?.isWoundedOrSick ?? false
            return FundMember(
                personID: entry.person.id,
                classes: Set(
                    ExchangeClass.allCases.filter {
                        $0.contains(category: entry.person.category, sex: entry.person.identity.sex, woundedOrSick: woundedOrSick)
                    }),
                requested: requested.contains(entry.person.id), woundedOrSick: woundedOrSick,
                heldSinceDay: entry.heldSince?.earliestDay)
        }
        let plan = ExchangePlanner.plan(candidates: planCandidates, fund: members, formula: exchange.formula)
        return PlanResult(
            plan: plan, candidates: Dictionary(candidates.map { ($0.person.id, $0) }) { first, _ in first },
            fund: Dictionary(fund.map { ($0.person.id, $0) }) { first, _ in first }, weights: weights)
    }
}

extension ExchangeFormula {
    /// The formulas a negotiator starts from; any other is written rule by rule.
    static let presets: [(name: String, formula: ExchangeFormula)] = [
        ("all-for-all", .oneForOne()),
        (
            "wounded-first",
            ExchangeFormula(rules: [
                ExchangeRule(ours: .woundedOrSick, theirs: .woundedOrSick), ExchangeRule(ours: .anyone, theirs: .anyone),
            ])
        ),
        (
            "by-category",
            ExchangeFormula(rules: [
                ExchangeRule(ours: .civilians, theirs: .civilians), ExchangeRule(ours: .servicemembers, theirs: .servicemembers),
            ])
        ),
    ]

    /// Rules written one per line as `OURS THEIRS A:B`, e.g. `wounded-or-sick anyone 1:2`.
    static func parsingRules(_ text: String) throws(ValidationError) -> [ExchangeRule] {
        var rules: [ExchangeRule] = []
        var issues: [ValidationIssue] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard !words.isEmpty else { continue }
            let counts = words.count == 3 ? words[2].split(separator: ":").compactMap { Int($0) } : []
            guard words.count == 3, let ours = ExchangeClass(rawValue: words[0]), let theirs = ExchangeClass(rawValue: words[1]),
                counts.count == 2
            else {
                issues.append(
                    ValidationIssue(
                        field: "rules", rule: "format",
                        message:
                            "line \(index + 1), '\(line)': write OURS THEIRS A:B with classes among \(ExchangeClass.allCases.map(\.rawValue).joined(separator: ", "))"
                    ))
                continue
            }
            rules.append(ExchangeRule(ours: ours, theirs: theirs, oursCount: counts[0], theirsCount: counts[1]))
        }
        if !issues.isEmpty { throw ValidationError(issues) }
        return rules
    }

    /// The rules as `parsingRules` reads them.
    var rulesText: String {
        rules.map { "\($0.ours.rawValue) \($0.theirs.rawValue) \($0.oursCount):\($0.theirsCount)" }.joined(separator: "\n")
    }
}
