import Foundation

/// Where statements come from.
public enum SourceKind: String, Sendable, Codable, CaseIterable {
    case relativeApplication = "relative-application"
    case adversaryList = "adversary-list"
    case icrcNotification = "icrc-notification"
    case returneeTestimony = "returnee-testimony"
    case openSource = "open-source"
    case officialDocument = "official-document"
    case ownRegistration = "own-registration"
}

/// How far a source has proved reliable: the Admiralty (NATO AJP-2.1) grades A to F.
public enum Reliability: String, Sendable, Codable, CaseIterable, Comparable {
    case completelyReliable = "A"
    case usuallyReliable = "B"
    case fairlyReliable = "C"
    case notUsuallyReliable = "D"
    case unreliable = "E"
    case cannotBeJudged = "F"

    public static func < (lhs: Reliability, rhs: Reliability) -> Bool { lhs.rawValue < rhs.rawValue }
}

public struct Source: Identifiable, Hashable, Sendable {
    public let id: UUID
    public var version: Int
    public var kind: SourceKind
    public var title: String
    public var reliability: Reliability
    public var receivedOn: PartialDate?
    /// The source's own reference: a letter number, a list's name, a URL.
    public var reference: String?
    public var notes: String?
    public var createdAt: Date

    public init(
        id: UUID,
        version: Int,
        kind: SourceKind,
        title: String,
        reliability: Reliability,
        receivedOn: PartialDate?,
        reference: String?,
        notes: String?,
        createdAt: Date
    ) {
        self.id = id
        self.version = version
        self.kind = kind
        self.title = title
        self.reliability = reliability
        self.receivedOn = receivedOn
        self.reference = reference
        self.notes = notes
        self.createdAt = createdAt
    }
}

public struct SourceDraft: Hashable, Sendable {
    public var kind: SourceKind
    public var title: String
    public var reliability: Reliability
    public var receivedOn: PartialDate?
    public var reference: String?
    public var notes: String?

    public init(
        kind: SourceKind,
        title: String,
        reliability: Reliability,
        receivedOn: PartialDate? = nil,
        reference: String? = nil,
        notes: String? = nil
    ) {
        self.kind = kind
        self.title = title
        self.reliability = reliability
        self.receivedOn = receivedOn
        self.reference = reference
        self.notes = notes
    }
}
