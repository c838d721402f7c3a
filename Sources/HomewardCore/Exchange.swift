import Foundation

/// Who sits across the table in a negotiation, or helps it along.
public enum ExchangePartyRole: String, Sendable, Codable, CaseIterable {
    /// The other party to the conflict, whose people we hold and who holds ours.
    case counterparty
    /// A State or organisation carrying messages and guarantees between the parties.
    case mediator
}

public struct ExchangeParty: Identifiable, Hashable, Sendable {
    public var id: UUID
    public var name: String
    public var role: ExchangePartyRole
    public var note: String?

    public init(id: UUID, name: String, role: ExchangePartyRole, note: String? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.note = note
    }
}

/// Where an exchange stands. It only moves forward: negotiating → agreed → completed, or is
/// cancelled before the day.
public enum ExchangeState: String, Sendable, Codable, CaseIterable {
    case negotiating
    /// The lists are agreed and frozen; the day is prepared.
    case agreed
    /// The day was recorded and closed: events written, statuses changed.
    case completed
    case cancelled
}

/// The two lists of a round: the people each side asks to have back.
public enum ExchangeSide: String, Sendable, Codable, CaseIterable {
    /// Our own people we ask the counterparty to hand over.
    case ours
    /// Their people, whom we hold, that the counterparty asks us to hand over.
    case theirs

    /// The affiliation of the persons a list of this side may name.
    public var affiliation: Affiliation {
        switch self {
        case .ours: .own
        case .theirs: .adversary
        }
    }
}

/// A group of persons an exchange formula counts: "wounded for wounded", "civilians for civilians".
public enum ExchangeClass: String, Sendable, Codable, CaseIterable {
    case anyone
    case servicemembers
    case civilians
    /// Seriously wounded or seriously sick (GC III Art. 110), or found so by a Mixed Medical Commission.
    case woundedOrSick = "wounded-or-sick"
    case women

    public func contains(category: PersonCategory, sex: Sex?, woundedOrSick: Bool) -> Bool {
        switch self {
        case .anyone: true
        case .servicemembers: category == .servicemember
        case .civilians: category == .civilian
        case .woundedOrSick: woundedOrSick
        case .women: sex == .female
        }
    }
}

/// One term of an exchange formula: so many of our people of one class for so many of theirs.
public struct ExchangeRule: Hashable, Sendable, Codable {
    public var ours: ExchangeClass
    public var theirs: ExchangeClass
    /// How many of our people come home…
    public var oursCount: Int
    /// …for how many of theirs handed over.
    public var theirsCount: Int

    public init(ours: ExchangeClass, theirs: ExchangeClass, oursCount: Int = 1, theirsCount: Int = 1) {
        self.ours = ours
        self.theirs = theirs
        self.oursCount = oursCount
        self.theirsCount = theirsCount
    }
}

/// What the parties agreed to count: the rules in the order they apply, and at most how many
/// of our people this exchange brings home.
///
/// A person counts under the first rule whose class holds them and that still has room, so the
/// specific terms ("wounded for wounded") come before the general one ("all for all").
public struct ExchangeFormula: Hashable, Sendable, Codable {
    public var rules: [ExchangeRule]
    /// The number agreed ("103 for 103"); nil when only the fund limits it.
    public var limit: Int?

    public init(rules: [ExchangeRule], limit: Int? = nil) {
        self.rules = rules
        self.limit = limit
    }

    /// N for N: any one of ours for any one of theirs.
    public static func oneForOne(limit: Int? = nil) -> ExchangeFormula {
        ExchangeFormula(rules: [ExchangeRule(ours: .anyone, theirs: .anyone)], limit: limit)
    }

    public func validate() throws(ValidationError) {
        var issues: [ValidationIssue] = []
        if rules.isEmpty {
            issues.append(ValidationIssue(field: "formula.rules", rule: "required", message: "a formula needs at least one rule"))
        }
        for (index, rule) in rules.enumerated()
        where !(1...1000).contains(rule.oursCount) || !(1...1000).contains(rule.theirsCount) {
            issues.append(
                ValidationIssue(
                    field: "formula.rules[\(index)]", rule: "range",
                    message: "counts must be between 1 and 1000, not \(rule.oursCount) for \(rule.theirsCount)"))
        }
        if let limit, limit < 1 {
            issues.append(ValidationIssue(field: "formula.limit", rule: "range", message: "must be at least 1, not \(limit)"))
        }
        if !issues.isEmpty { throw ValidationError(issues) }
    }
}

/// The gravity of a prisoner's wounds or sickness under GC III Art. 110.
public enum Article110Condition: String, Sendable, Codable, CaseIterable {
    case seriouslyWounded = "seriously-wounded"
    case seriouslySick = "seriously-sick"
}

/// A Mixed Medical Commission's decision (GC III Art. 112 and Annex II).
public enum CommissionDecision: String, Sendable, Codable, CaseIterable {
    /// Repatriate directly.
    case directRepatriation = "A"
    /// Accommodate in a neutral country.
    case neutralAccommodation = "B"
    /// Not concerned: the conditions of Art. 110 are not met.
    case notConcerned = "NC"
}

/// What is known of a person's health that bears on repatriation; the latest finding counts.
public struct MedicalFinding: Hashable, Sendable {
    public var personID: UUID
    public var condition: Article110Condition?
    public var decision: CommissionDecision?
    public var decidedOn: PartialDate?
    public var note: String?
    public var recordedAt: Date
    public var recordedBy: String

    public init(
        personID: UUID, condition: Article110Condition?, decision: CommissionDecision?, decidedOn: PartialDate? = nil,
        note: String? = nil, recordedAt: Date, recordedBy: String
    ) {
        self.personID = personID
        self.condition = condition
        self.decision = decision
        self.decidedOn = decidedOn
        self.note = note
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }

    /// Whether the finding puts the person among the seriously wounded or sick a formula counts.
    public var isWoundedOrSick: Bool {
        switch decision {
        case .directRepatriation?, .neutralAccommodation?: true
        case .notConcerned?: false
        case nil: condition != nil
        }
    }
}

/// Why a person we hold cannot be handed over.
public enum FundExclusion: String, Sendable, Codable, CaseIterable {
    /// No one is repatriated against their will (GC III Art. 109 §3).
    case refusesRepatriation = "refuses-repatriation"
    case criminalProceedings = "criminal-proceedings"
    case medicalHold = "medical-hold"
    /// Already promised to the counterparty in another agreed exchange.
    case onAgreedList = "on-agreed-list"
}

/// A recorded reason why a person is not exchangeable, until it is lifted.
public struct FundHold: Identifiable, Hashable, Sendable {
    public var id: UUID
    public var personID: UUID
    public var reason: FundExclusion
    public var note: String?
    public var recordedAt: Date
    public var recordedBy: String
    public var liftedAt: Date?
    public var liftedBy: String?

    public init(
        id: UUID, personID: UUID, reason: FundExclusion, note: String?, recordedAt: Date, recordedBy: String,
        liftedAt: Date? = nil, liftedBy: String? = nil
    ) {
        self.id = id
        self.personID = personID
        self.reason = reason
        self.note = note
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.liftedAt = liftedAt
        self.liftedBy = liftedBy
    }
}

/// What happened to one listed person on the day.
public enum HandoverOutcome: String, Sendable, Codable, CaseIterable {
    case handedOver = "handed-over"
    /// The other side did not bring them, or we did not: they stay where they were.
    case notHandedOver = "not-handed-over"
    /// They refused to go (GC III Art. 109 §3).
    case refused
}

/// The changes between two versions of one side's list.
public struct ListDifference: Hashable, Sendable {
    public var added: [UUID]
    public var removed: [UUID]
    public var kept: [UUID]

    public init(from old: [UUID], to new: [UUID]) {
        let oldSet = Set(old)
        let newSet = Set(new)
        added = new.filter { !oldSet.contains($0) }
        removed = old.filter { !newSet.contains($0) }
        kept = new.filter { oldSet.contains($0) }
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }
}
