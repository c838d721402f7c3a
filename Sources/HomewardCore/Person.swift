import Foundation

/// Whose person this is, from the bureau's side of the conflict.
public enum Affiliation: String, Sendable, Codable, CaseIterable {
    /// Our own people, held by the adversary or missing: the bureau traces them.
    case own
    /// The adversary's people whom we hold: the bureau registers them and reports them to the CTA.
    case adversary
}

public enum PersonCategory: String, Sendable, Codable, CaseIterable {
    case servicemember
    case civilian
    case medicalPersonnel = "medical-personnel"
    case religiousPersonnel = "religious-personnel"
    case journalist
    case other
}

public enum Sex: String, Sendable, Codable, CaseIterable {
    case female, male
}

/// The person to be informed (GC III Art. 122, Annex IV B): who, and where to write.
public struct NextOfKin: Hashable, Sendable, Codable {
    public var name: String
    public var relationship: String?
    public var address: String?
    public var phone: String?

    public init(name: String, relationship: String? = nil, address: String? = nil, phone: String? = nil) {
        self.name = name
        self.relationship = relationship
        self.address = address
        self.phone = phone
    }
}

/// The particulars the Geneva Conventions ask for (GC III Art. 17 and 122 §4, GC IV Art. 138).
public struct PersonIdentity: Hashable, Sendable, Codable {
    public var name: PersonName
    public var sex: Sex?
    public var dateOfBirth: PartialDate?
    public var placeOfBirth: String?
    public var citizenship: String?
    /// The Power on which the person depends (GC III Art. 122).
    public var dependentPower: String?
    public var rank: String?
    public var serviceNumber: String?
    public var unit: String?
    public var fatherFirstName: String?
    public var mothersMaidenName: String?
    public var nextOfKin: NextOfKin?

    public init(
        name: PersonName,
        sex: Sex? = nil,
        dateOfBirth: PartialDate? = nil,
        placeOfBirth: String? = nil,
        citizenship: String? = nil,
        dependentPower: String? = nil,
        rank: String? = nil,
        serviceNumber: String? = nil,
        unit: String? = nil,
        fatherFirstName: String? = nil,
        mothersMaidenName: String? = nil,
        nextOfKin: NextOfKin? = nil
    ) {
        self.name = name
        self.sex = sex
        self.dateOfBirth = dateOfBirth
        self.placeOfBirth = placeOfBirth
        self.citizenship = citizenship
        self.dependentPower = dependentPower
        self.rank = rank
        self.serviceNumber = serviceNumber
        self.unit = unit
        self.fatherFirstName = fatherFirstName
        self.mothersMaidenName = mothersMaidenName
        self.nextOfKin = nextOfKin
    }
}

/// One human being the bureau knows of. Their status is derived from events, never typed.
public struct Person: Identifiable, Hashable, Sendable {
    public let id: UUID
    /// Increases with every change; an update naming an older version is refused.
    public var version: Int
    public var affiliation: Affiliation
    public var category: PersonCategory
    public var identity: PersonIdentity
    public var status: PersonStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID,
        version: Int,
        affiliation: Affiliation,
        category: PersonCategory,
        identity: PersonIdentity,
        status: PersonStatus,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.version = version
        self.affiliation = affiliation
        self.category = category
        self.identity = identity
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What a registrar supplies to register a person or change their particulars.
public struct PersonDraft: Hashable, Sendable {
    public var affiliation: Affiliation
    public var category: PersonCategory
    public var identity: PersonIdentity

    public init(affiliation: Affiliation, category: PersonCategory, identity: PersonIdentity) {
        self.affiliation = affiliation
        self.category = category
        self.identity = identity
    }
}
