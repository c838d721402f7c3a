import Foundation

public enum FacilityKind: String, Sendable, Codable, CaseIterable {
    case camp
    case prison
    case detentionCentre = "detention-centre"
    case filtrationPoint = "filtration-point"
    case hospital
    case other
}

/// A place where people are held or treated.
public struct Facility: Identifiable, Hashable, Sendable {
    public let id: UUID
    public var version: Int
    public var name: String
    public var kind: FacilityKind
    public var location: String?
    /// Which side runs it: ours holds the exchange fund, theirs holds our people.
    public var controlledBy: Affiliation
    public var notes: String?

    public init(
        id: UUID,
        version: Int,
        name: String,
        kind: FacilityKind,
        location: String?,
        controlledBy: Affiliation,
        notes: String?
    ) {
        self.id = id
        self.version = version
        self.name = name
        self.kind = kind
        self.location = location
        self.controlledBy = controlledBy
        self.notes = notes
    }
}

public struct FacilityDraft: Hashable, Sendable {
    public var name: String
    public var kind: FacilityKind
    public var location: String?
    public var controlledBy: Affiliation
    public var notes: String?

    public init(name: String, kind: FacilityKind, location: String? = nil, controlledBy: Affiliation, notes: String? = nil) {
        self.name = name
        self.kind = kind
        self.location = location
        self.controlledBy = controlledBy
        self.notes = notes
    }
}
