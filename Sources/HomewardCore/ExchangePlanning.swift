import Foundation

// MARK: - Priority

/// How much each circumstance weighs in our people's priority; the bureau sets them.
///
/// The weights are policy, not law: the Conventions say who must go home first (the seriously
/// wounded and sick, GC III Art. 109–110), and the bureau decides how the rest of a family's
/// claims count against each other. Keeping them as numbers lets every plan say why.
public struct PriorityWeights: Hashable, Sendable, Codable {
    /// Art. 110 condition, or a Mixed Medical Commission decision A or B.
    public var seriouslyWoundedOrSick: Double
    /// Added on top for a Mixed Medical Commission's decision A: the Commission found them fit only to go home.
    public var commissionDirectRepatriation: Double
    /// Added on top for decision B: accommodation in a neutral country is owed, home is better still.
    public var commissionNeutralAccommodation: Double
    public var civilian: Double
    public var woman: Double
    /// Under 18 on the day of planning.
    public var minor: Double
    /// At least `elderlyFromAge` on the day of planning.
    public var elderly: Double
    public var elderlyFromAge: Int
    /// Points per year in captivity; part years count (days / 365.25).
    public var perYearInCaptivity: Double
    /// Captivity confirmed by the ICRC: the adversary cannot deny holding them.
    public var captivityConfirmed: Double

    public init(
        seriouslyWoundedOrSick: Double = 40,
        commissionDirectRepatriation: Double = 50,
        commissionNeutralAccommodation: Double = 25,
        civilian: Double = 15,
        woman: Double = 10,
        minor: Double = 30,
        elderly: Double = 15,
        elderlyFromAge: Int = 60,
        perYearInCaptivity: Double = 5,
        captivityConfirmed: Double = 10
    ) {
        self.seriouslyWoundedOrSick = seriouslyWoundedOrSick
        self.commissionDirectRepatriation = commissionDirectRepatriation
        self.commissionNeutralAccommodation = commissionNeutralAccommodation
        self.civilian = civilian
        self.woman = woman
        self.minor = minor
        self.elderly = elderly
        self.elderlyFromAge = elderlyFromAge
        self.perYearInCaptivity = perYearInCaptivity
        self.captivityConfirmed = captivityConfirmed
    }

    public static let standard = PriorityWeights()

    private enum CodingKeys: String, CodingKey {
        case seriouslyWoundedOrSick, commissionDirectRepatriation, commissionNeutralAccommodation, civilian, woman, minor
        case elderly, elderlyFromAge, perYearInCaptivity, captivityConfirmed
    }

    /// Weights stored before a weight existed keep that weight's default, so adding a
    /// circumstance later never makes the bureau's stored choices unreadable.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let standard = PriorityWeights()
        func weight(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            try container.decodeIfPresent(Double.self, forKey: key) ?? fallback
        }
        self.init(
            seriouslyWoundedOrSick: try weight(.seriouslyWoundedOrSick, standard.seriouslyWoundedOrSick),
            commissionDirectRepatriation: try weight(.commissionDirectRepatriation, standard.commissionDirectRepatriation),
            commissionNeutralAccommodation: try weight(.commissionNeutralAccommodation, standard.commissionNeutralAccommodation),
            civilian: try weight(.civilian, standard.civilian), woman: try weight(.woman, standard.woman),
            minor: try weight(.minor, standard.minor), elderly: try weight(.elderly, standard.elderly),
            elderlyFromAge: try container.decodeIfPresent(Int.self, forKey: .elderlyFromAge) ?? standard.elderlyFromAge,
            perYearInCaptivity: try weight(.perYearInCaptivity, standard.perYearInCaptivity),
            captivityConfirmed: try weight(.captivityConfirmed, standard.captivityConfirmed))
    }

    /// The range a weight must lie in: a negative weight would punish a circumstance, and a huge
    /// one would silence every other.
    public static let weightRange: ClosedRange<Double> = 0...1000
    public static let elderlyFromAgeRange = 40...100

    public func validate() throws(ValidationError) {
        var issues: [ValidationIssue] = []
        let weights: [(String, Double)] = [
            ("seriouslyWoundedOrSick", seriouslyWoundedOrSick),
            ("commissionDirectRepatriation", commissionDirectRepatriation),
            ("commissionNeutralAccommodation", commissionNeutralAccommodation),
            ("civilian", civilian),
            ("woman", woman),
            ("minor", minor),
            ("elderly", elderly),
            ("perYearInCaptivity", perYearInCaptivity),
            ("captivityConfirmed", captivityConfirmed),
        ]
        for (name, value) in weights where !value.isFinite || !Self.weightRange.contains(value) {
            issues.append(
                ValidationIssue(
                    field: "weights.\(name)", rule: "range",
                    message: "must be a number between 0 and 1000, not \(value)"))
        }
        if !Self.elderlyFromAgeRange.contains(elderlyFromAge) {
            issues.append(
                ValidationIssue(
                    field: "weights.elderlyFromAge", rule: "range",
                    message: "must be an age between 40 and 100, not \(elderlyFromAge)"))
        }
        if !issues.isEmpty { throw ValidationError(issues) }
    }
}

/// One circumstance that raises a person's priority; the cases are in the order ties are shown.
public enum PriorityFactor: String, Sendable, Codable, CaseIterable {
    case seriouslyWoundedOrSick = "seriously-wounded-or-sick"
    case commissionDirectRepatriation = "commission-direct-repatriation"
    case commissionNeutralAccommodation = "commission-neutral-accommodation"
    case civilian
    case woman
    case minor
    case elderly
    case captivityLength = "captivity-length"
    case captivityConfirmed = "captivity-confirmed"

    /// The position among `allCases`, which breaks ties between equal contributions.
    var order: Int {
        switch self {
        case .seriouslyWoundedOrSick: 0
        case .commissionDirectRepatriation: 1
        case .commissionNeutralAccommodation: 2
        case .civilian: 3
        case .woman: 4
        case .minor: 5
        case .elderly: 6
        case .captivityLength: 7
        case .captivityConfirmed: 8
        }
    }
}

/// What one circumstance added, with the figure behind it so a reader can check it.
public struct PriorityContribution: Hashable, Sendable {
    public var factor: PriorityFactor
    public var points: Double
    /// Age in whole years for minor/elderly, days in captivity for captivityLength, nil otherwise.
    public var quantity: Int?

    public init(factor: PriorityFactor, points: Double, quantity: Int? = nil) {
        self.factor = factor
        self.points = points
        self.quantity = quantity
    }
}

/// A priority that explains itself: the score and what made it.
public struct Priority: Hashable, Sendable {
    public var score: Double
    /// Only the factors that apply with points > 0, largest first, ties in `PriorityFactor` order.
    public var contributions: [PriorityContribution]

    public init(score: Double, contributions: [PriorityContribution]) {
        self.score = score
        self.contributions = contributions
    }
}

/// What the priority of one of our people is computed from; nothing else counts, so the same
/// facts always give the same priority.
public struct PriorityFacts: Hashable, Sendable {
    public var personID: UUID
    public var category: PersonCategory
    public var sex: Sex?
    public var dateOfBirth: PartialDate?
    /// When captivity began (the captured / captivity-reported date), nil when unknown.
    public var capturedOn: PartialDate?
    public var status: PersonStatus
    public var medical: MedicalFinding?

    public init(
        personID: UUID, category: PersonCategory, sex: Sex?, dateOfBirth: PartialDate?, capturedOn: PartialDate?,
        status: PersonStatus, medical: MedicalFinding? = nil
    ) {
        self.personID = personID
        self.category = category
        self.sex = sex
        self.dateOfBirth = dateOfBirth
        self.capturedOn = capturedOn
        self.status = status
        self.medical = medical
    }

    /// The exchange classes (ExchangeClass) this person belongs to, `.anyone` always included.
    public var classes: Set<ExchangeClass> {
        let woundedOrSick = medical?.isWoundedOrSick ?? false
        return Set(
            ExchangeClass.allCases.filter { $0.contains(category: category, sex: sex, woundedOrSick: woundedOrSick) })
    }
}

/// Scores our people for an exchange. Partial dates are read so that no one gets points they
/// might not be owed: a "2007" birth is a minor only if even a 1 January birth would be.
public enum ExchangePriority {
    public static func assess(_ facts: PriorityFacts, weights: PriorityWeights, today: PartialDate) -> Priority {
        var contributions: [PriorityContribution] = []
        func add(_ factor: PriorityFactor, _ points: Double, quantity: Int? = nil) {
            if points > 0 { contributions.append(PriorityContribution(factor: factor, points: points, quantity: quantity)) }
        }
        if let medical = facts.medical {
            if medical.isWoundedOrSick { add(.seriouslyWoundedOrSick, weights.seriouslyWoundedOrSick) }
            switch medical.decision {
            case .directRepatriation?: add(.commissionDirectRepatriation, weights.commissionDirectRepatriation)
            case .neutralAccommodation?: add(.commissionNeutralAccommodation, weights.commissionNeutralAccommodation)
            case .notConcerned?, nil: break
            }
        }
        if facts.category == .civilian { add(.civilian, weights.civilian) }
        if facts.sex == .female { add(.woman, weights.woman) }
        if let birth = facts.dateOfBirth {
            // The oldest they can be: a minor only if even that is under 18.
            let oldest = wholeYears(from: birth.earliestDay, to: today.earliestDay)
            if (0..<18).contains(oldest) { add(.minor, weights.minor, quantity: oldest) }
            // The youngest they can be: elderly only if even that is old enough.
            let youngest = wholeYears(from: birth.latestDay, to: today.earliestDay)
            if youngest >= weights.elderlyFromAge { add(.elderly, weights.elderly, quantity: youngest) }
        }
        if let captured = facts.capturedOn {
            // The shortest captivity the date allows.
            let days = max(0, today.earliestDay - captured.latestDay)
            add(.captivityLength, weights.perYearInCaptivity * Double(days) / 365.25, quantity: days)
        }
        if facts.status == .captivityConfirmed { add(.captivityConfirmed, weights.captivityConfirmed) }

        contributions.sort { $0.points != $1.points ? $0.points > $1.points : $0.factor.order < $1.factor.order }
        let score = contributions.reduce(0) { $0 + $1.points }
        return Priority(score: score, contributions: contributions)
    }

    /// Whole years between two day numbers; a birthday not yet reached counts one less, and a
    /// 29 February birthday is reached on 1 March in common years.
    static func wholeYears(from birth: Int, to day: Int) -> Int {
        let born = PartialDate.civil(fromDayNumber: birth)
        let now = PartialDate.civil(fromDayNumber: day)
        var years = now.year - born.year
        if (now.month, now.day) < (born.month, born.day) { years -= 1 }
        return years
    }
}

// MARK: - Planning

/// One of our people who could come home in this exchange.
public struct PlanCandidate: Hashable, Sendable {
    public var personID: UUID
    public var classes: Set<ExchangeClass>
    public var priority: Priority

    public init(personID: UUID, classes: Set<ExchangeClass>, priority: Priority) {
        self.personID = personID
        self.classes = classes
        self.priority = priority
    }
}

/// A person of the exchange fund (the adversary's people we hold who can be exchanged).
public struct FundMember: Hashable, Sendable {
    public var personID: UUID
    public var classes: Set<ExchangeClass>
    /// Named in the counterparty's latest list: they asked for this person.
    public var requested: Bool
    public var woundedOrSick: Bool
    /// Day number (PartialDate day numbers) since which we hold them; nil when unknown.
    public var heldSinceDay: Int?

    public init(
        personID: UUID, classes: Set<ExchangeClass>, requested: Bool = false, woundedOrSick: Bool = false,
        heldSinceDay: Int? = nil
    ) {
        self.personID = personID
        self.classes = classes
        self.requested = requested
        self.woundedOrSick = woundedOrSick
        self.heldSinceDay = heldSinceDay
    }
}

/// Why a fund member was put on our list: the first that applies of the handover order's reasons.
public enum HandoverReason: String, Sendable, Codable, CaseIterable {
    case requestedByCounterparty = "requested-by-counterparty"
    case woundedOrSick = "wounded-or-sick"
    case longestHeld = "longest-held"
}

public struct PlannedReturn: Hashable, Sendable {
    public var personID: UUID
    /// The index into `formula.rules` of the rule that brings them home.
    public var rule: Int
    /// 1-based rank among all candidates by priority.
    public var rank: Int
    public var priority: Priority

    public init(personID: UUID, rule: Int, rank: Int, priority: Priority) {
        self.personID = personID
        self.rule = rule
        self.rank = rank
        self.priority = priority
    }
}

public struct PlannedHandover: Hashable, Sendable {
    public var personID: UUID
    /// The index into `formula.rules` of the rule they are handed over under.
    public var rule: Int
    public var reason: HandoverReason

    public init(personID: UUID, rule: Int, reason: HandoverReason) {
        self.personID = personID
        self.rule = rule
        self.reason = reason
    }
}

/// Why a candidate is not in the plan, so a family can be told honestly.
public enum LeftOutReason: String, Sendable, Codable, CaseIterable {
    /// The agreed number was reached by people ranked higher.
    case limitReached = "limit-reached"
    /// No fund member was left to count against them.
    case fundExhausted = "fund-exhausted"
    /// No rule of the formula counts people of their classes.
    case noRuleForClass = "no-rule-for-class"
}

public struct LeftOut: Hashable, Sendable {
    public var personID: UUID
    public var rank: Int
    public var priority: Priority
    public var reason: LeftOutReason

    public init(personID: UUID, rank: Int, priority: Priority, reason: LeftOutReason) {
        self.personID = personID
        self.rank = rank
        self.priority = priority
        self.reason = reason
    }
}

/// What one rule of the formula did.
public struct RuleUsage: Hashable, Sendable {
    public var rule: ExchangeRule
    public var returning: Int
    public var handingOver: Int
    /// Fund members of the rule's class still unused when the rule's turn came.
    public var fundAvailable: Int

    public init(rule: ExchangeRule, returning: Int, handingOver: Int, fundAvailable: Int) {
        self.rule = rule
        self.returning = returning
        self.handingOver = handingOver
        self.fundAvailable = fundAvailable
    }
}

/// A proposal for the negotiators, not a decision: who would come home, whom we would hand over,
/// and who is next in line and why.
public struct ExchangePlan: Hashable, Sendable {
    /// In rank order.
    public var returning: [PlannedReturn]
    /// In the order they were chosen.
    public var handingOver: [PlannedHandover]
    /// One per rule of the formula, in its order.
    public var rules: [RuleUsage]
    public var totalPriority: Double
    /// The best-placed candidates left out, in rank order, at most 50, each with why.
    public var nextInLine: [LeftOut]
    /// How many candidates were not chosen.
    public var leftOut: Int
    public var unusedFund: Int

    public init(
        returning: [PlannedReturn] = [], handingOver: [PlannedHandover] = [], rules: [RuleUsage] = [],
        totalPriority: Double = 0, nextInLine: [LeftOut] = [], leftOut: Int = 0, unusedFund: Int = 0
    ) {
        self.returning = returning
        self.handingOver = handingOver
        self.rules = rules
        self.totalPriority = totalPriority
        self.nextInLine = nextInLine
        self.leftOut = leftOut
        self.unusedFund = unusedFund
    }

    /// How many left-out candidates `nextInLine` names at most.
    public static let nextInLineLimit = 50
}

/// Proposes who comes home and whom we hand over under a formula, greedily and explainably:
///
/// 1. Candidates are ranked by score, highest first; equal scores by `personID.uuidString`.
/// 2. Rules apply in the formula's order. A rule of `a` ours for `b` theirs takes the best-ranked
///    candidates not yet chosen whose classes hold its `ours` class: as many as the unused fund of
///    its `theirs` class pays for (`available × a / b`, rounded down) and the limit allows. It hands
///    over `k × b / a` fund members, rounded up. A candidate the rule leaves out can still be taken
///    by a later rule that counts them ("wounded for wounded, then all for all").
/// 3. The fund is handed over in this order: those the counterparty asked for; then those who fit
///    fewer of the later rules' `theirs` classes, so a general rule does not use up the people a
///    later specific rule needs; then the wounded and sick; then the longest held; then by
///    `personID.uuidString`.
///
/// A person listed twice counts once: a candidate with the higher priority and the classes of both
/// entries, a fund member with everything either entry says.
public enum ExchangePlanner {
    /// Deterministic: the same inputs give the same plan, whatever their order.
    public static func plan(candidates: [PlanCandidate], fund: [FundMember], formula: ExchangeFormula) -> ExchangePlan {
        let ranked = rank(candidates)
        let members = merge(fund)
        let rules = formula.rules
        var chosenRule = [Int?](repeating: nil, count: ranked.count)
        var used = [Bool](repeating: false, count: members.count)
        var remaining = formula.limit.map { max(0, $0) }
        var usages: [RuleUsage] = []
        var handovers: [PlannedHandover] = []
        usages.reserveCapacity(rules.count)

        for (ruleIndex, rule) in rules.enumerated() {
            let oursBit = ClassMask(rule.ours)
            let theirsBit = ClassMask(rule.theirs)
            let available = members.indices.filter { !used[$0] && members[$0].classes.contains(theirsBit) }
            let ratioIsValid = rule.oursCount > 0 && rule.theirsCount > 0
            var eligibleCount = 0
            for index in ranked.indices where chosenRule[index] == nil && ranked[index].classes.contains(oursBit) {
                eligibleCount += 1
            }
            let payable = ratioIsValid ? available.count * rule.oursCount / rule.theirsCount : 0
            let count = min(eligibleCount, payable, remaining ?? Int.max)
            guard count > 0 else {
                usages.append(RuleUsage(rule: rule, returning: 0, handingOver: 0, fundAvailable: available.count))
                continue
            }

            var taken = 0
            for index in ranked.indices where taken < count {
                guard chosenRule[index] == nil, ranked[index].classes.contains(oursBit) else { continue }
                chosenRule[index] = ruleIndex
                taken += 1
            }
            if let limit = remaining { remaining = limit - count }

            let owed = (count * rule.theirsCount + rule.oursCount - 1) / rule.oursCount
            let later = rules[(ruleIndex + 1)...].reduce(ClassMask()) { $0.union(ClassMask($1.theirs)) }
            let order = available.map { HandoverKey(members[$0], index: $0, later: later) }.sorted()
            for key in order.prefix(owed) {
                used[key.index] = true
                let member = members[key.index]
                let reason: HandoverReason =
                    member.requested ? .requestedByCounterparty : member.woundedOrSick ? .woundedOrSick : .longestHeld
                handovers.append(PlannedHandover(personID: member.id, rule: ruleIndex, reason: reason))
            }
            usages.append(RuleUsage(rule: rule, returning: count, handingOver: owed, fundAvailable: available.count))
        }

        let counted = rules.reduce(ClassMask()) { $0.union(ClassMask($1.ours)) }
        let limitReached = remaining == 0
        var plan = ExchangePlan(rules: usages)
        for (index, candidate) in ranked.enumerated() {
            if let rule = chosenRule[index] {
                plan.returning.append(
                    PlannedReturn(personID: candidate.id, rule: rule, rank: index + 1, priority: candidate.priority))
                plan.totalPriority += candidate.priority.score
                continue
            }
            plan.leftOut += 1
            guard plan.nextInLine.count < ExchangePlan.nextInLineLimit else { continue }
            let reason: LeftOutReason =
                candidate.classes.isDisjoint(with: counted)
                ? .noRuleForClass : limitReached ? .limitReached : .fundExhausted
            plan.nextInLine.append(
                LeftOut(personID: candidate.id, rank: index + 1, priority: candidate.priority, reason: reason))
        }
        plan.handingOver = handovers
        plan.unusedFund = used.count(where: { !$0 })
        return plan
    }

    /// A candidate reduced to what planning compares.
    private struct Ranked {
        var id: UUID
        var key: IDKey
        var classes: ClassMask
        var priority: Priority
        /// NaN would make the order depend on the input's; it ranks last.
        var rankingScore: Double { priority.score.isNaN ? -.infinity : priority.score }

        func ranksBefore(_ other: Ranked) -> Bool {
            if rankingScore != other.rankingScore { return rankingScore > other.rankingScore }
            return key < other.key
        }
    }

    private static func rank(_ candidates: [PlanCandidate]) -> [Ranked] {
        var byID: [UUID: Ranked] = [:]
        byID.reserveCapacity(candidates.count)
        for candidate in candidates {
            let entry = Ranked(
                id: candidate.personID, key: IDKey(candidate.personID), classes: ClassMask(candidate.classes),
                priority: candidate.priority)
            if let existing = byID[candidate.personID] {
                var kept = prefers(entry.priority, over: existing.priority) ? entry : existing
                kept.classes = existing.classes.union(entry.classes)
                byID[candidate.personID] = kept
            } else {
                byID[candidate.personID] = entry
            }
        }
        return byID.values.sorted { $0.ranksBefore($1) }
    }

    /// Which of two priorities of one person listed twice is kept: the higher, and between equal
    /// scores a fixed choice, so the input's order does not matter.
    private static func prefers(_ new: Priority, over old: Priority) -> Bool {
        let newScore = new.score.isNaN ? -Double.infinity : new.score
        let oldScore = old.score.isNaN ? -Double.infinity : old.score
        if newScore != oldScore { return newScore > oldScore }
        if new.contributions.count != old.contributions.count {
            return new.contributions.count > old.contributions.count
        }
        for (a, b) in zip(new.contributions, old.contributions) where a != b {
            if a.factor != b.factor { return a.factor.order < b.factor.order }
            if a.points != b.points { return a.points > b.points }
            return (a.quantity ?? -1) > (b.quantity ?? -1)
        }
        return false
    }

    /// A fund member reduced to what planning compares.
    private struct Member {
        var id: UUID
        var key: IDKey
        var classes: ClassMask
        var requested: Bool
        var woundedOrSick: Bool
        var heldSinceDay: Int?
    }

    private static func merge(_ fund: [FundMember]) -> [Member] {
        var byID: [UUID: Member] = [:]
        byID.reserveCapacity(fund.count)
        for member in fund {
            let entry = Member(
                id: member.personID, key: IDKey(member.personID), classes: ClassMask(member.classes),
                requested: member.requested, woundedOrSick: member.woundedOrSick, heldSinceDay: member.heldSinceDay)
            guard var merged = byID[member.personID] else {
                byID[member.personID] = entry
                continue
            }
            merged.classes = merged.classes.union(entry.classes)
            merged.requested = merged.requested || entry.requested
            merged.woundedOrSick = merged.woundedOrSick || entry.woundedOrSick
            merged.heldSinceDay = [merged.heldSinceDay, entry.heldSinceDay].compactMap { $0 }.min()
            byID[member.personID] = merged
        }
        return byID.values.sorted { $0.key < $1.key }
    }

    /// The handover order of one fund member at one rule's turn, as a value that sorts.
    private struct HandoverKey: Comparable {
        var notRequested: Bool
        var laterFits: Int
        var notWoundedOrSick: Bool
        var heldSinceUnknown: Bool
        var heldSinceDay: Int
        var key: IDKey
        var index: Int

        init(_ member: Member, index: Int, later: ClassMask) {
            notRequested = !member.requested
            laterFits = member.classes.intersection(later).count
            notWoundedOrSick = !member.woundedOrSick
            heldSinceUnknown = member.heldSinceDay == nil
            heldSinceDay = member.heldSinceDay ?? 0
            key = member.key
            self.index = index
        }

        static func < (lhs: HandoverKey, rhs: HandoverKey) -> Bool {
            if lhs.notRequested != rhs.notRequested { return !lhs.notRequested }
            if lhs.laterFits != rhs.laterFits { return lhs.laterFits < rhs.laterFits }
            if lhs.notWoundedOrSick != rhs.notWoundedOrSick { return !lhs.notWoundedOrSick }
            if lhs.heldSinceUnknown != rhs.heldSinceUnknown { return !lhs.heldSinceUnknown }
            if lhs.heldSinceDay != rhs.heldSinceDay { return lhs.heldSinceDay < rhs.heldSinceDay }
            return lhs.key < rhs.key
        }
    }
}

/// A UUID as two big-endian integers: they order exactly as `uuidString` does (fixed-width
/// upper-case hex of the same bytes), without making a string per comparison.
private struct IDKey: Comparable {
    var high: UInt64
    var low: UInt64

    init(_ id: UUID) {
        let bytes = id.uuid
        high = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5, bytes.6, bytes.7]
            .reduce(0) { $0 << 8 | UInt64($1) }
        low = [bytes.8, bytes.9, bytes.10, bytes.11, bytes.12, bytes.13, bytes.14, bytes.15]
            .reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func < (lhs: IDKey, rhs: IDKey) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }
}

/// A set of exchange classes as bits, so planning does not hash a `Set` per comparison.
private struct ClassMask {
    var bits: UInt8 = 0

    init() {}

    init(_ exchangeClass: ExchangeClass) {
        switch exchangeClass {
        case .anyone: bits = 1
        case .servicemembers: bits = 2
        case .civilians: bits = 4
        case .woundedOrSick: bits = 8
        case .women: bits = 16
        }
    }

    init(_ classes: Set<ExchangeClass>) {
        for exchangeClass in classes { bits |= ClassMask(exchangeClass).bits }
    }

    func contains(_ other: ClassMask) -> Bool { bits & other.bits == other.bits && other.bits != 0 }
    func union(_ other: ClassMask) -> ClassMask { ClassMask(bits: bits | other.bits) }
    func intersection(_ other: ClassMask) -> ClassMask { ClassMask(bits: bits & other.bits) }
    func isDisjoint(with other: ClassMask) -> Bool { bits & other.bits == 0 }
    var count: Int { bits.nonzeroBitCount }

    private init(bits: UInt8) { self.bits = bits }
}
