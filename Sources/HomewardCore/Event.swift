import Foundation

/// A dated fact about a person's fate (GC III Art. 122 §5 and the bureau's practice).
public enum EventKind: String, Sendable, Codable, CaseIterable {
    case lastSeen = "last-seen"
    case captured
    case captivityReported = "captivity-reported"
    case captivityConfirmed = "captivity-confirmed"
    case heldAt = "held-at"
    case transferred
    case hospitalised
    case healthReport = "health-report"
    case visitedByICRC = "visited-by-icrc"
    case released
    case exchanged
    case repatriated
    case escaped
    case refusedRepatriation = "refused-repatriation"
    case died
    case remainsReturned = "remains-returned"
    case identified
    /// Withdraws the event it supersedes without putting another fact in its place.
    case retraction
}

/// How a person came into captivity.
public enum CaptureMode: String, Sendable, Codable, CaseIterable {
    case combat
    case voluntarySurrender = "voluntary-surrender"
    case orderedSurrender = "ordered-surrender"
    case wounded
    case encirclement
    case filtration
    case other
}

/// How far one statement is believed: the Admiralty (NATO AJP-2.1) credibility grades 1 to 6.
public enum Credibility: Int, Sendable, Codable, CaseIterable, Comparable {
    case confirmed = 1
    case probablyTrue = 2
    case possiblyTrue = 3
    case doubtful = 4
    case improbable = 5
    case cannotBeJudged = 6

    /// Whether this grade is at least as strong as `other` (a lower number is stronger).
    public func isAtLeastAsStrong(as other: Credibility) -> Bool { rawValue <= other.rawValue }

    public static func < (lhs: Credibility, rhs: Credibility) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A statement that something happened to a person. Events are never edited or deleted: a
/// correction is a new event that supersedes the old one, and both stay visible.
public struct Event: Identifiable, Hashable, Sendable {
    public let id: UUID
    public var personID: UUID
    public var kind: EventKind
    public var date: PartialDate?
    public var place: String?
    public var facilityID: UUID?
    public var sourceID: UUID?
    public var recordID: UUID?
    public var credibility: Credibility
    public var captureMode: CaptureMode?
    public var note: String?
    /// The event this one corrects; the corrected event no longer counts as evidence.
    public var supersedes: UUID?
    /// When the bureau learnt of it; orders undated events and same-day statements.
    public var recordedAt: Date

    public init(
        id: UUID,
        personID: UUID,
        kind: EventKind,
        date: PartialDate? = nil,
        place: String? = nil,
        facilityID: UUID? = nil,
        sourceID: UUID? = nil,
        recordID: UUID? = nil,
        credibility: Credibility,
        captureMode: CaptureMode? = nil,
        note: String? = nil,
        supersedes: UUID? = nil,
        recordedAt: Date
    ) {
        self.id = id
        self.personID = personID
        self.kind = kind
        self.date = date
        self.place = place
        self.facilityID = facilityID
        self.sourceID = sourceID
        self.recordID = recordID
        self.credibility = credibility
        self.captureMode = captureMode
        self.note = note
        self.supersedes = supersedes
        self.recordedAt = recordedAt
    }
}

public struct EventDraft: Hashable, Sendable {
    public var kind: EventKind
    public var date: PartialDate?
    public var place: String?
    public var facilityID: UUID?
    public var sourceID: UUID?
    public var recordID: UUID?
    public var credibility: Credibility
    public var captureMode: CaptureMode?
    public var note: String?
    public var supersedes: UUID?

    public init(
        kind: EventKind,
        date: PartialDate? = nil,
        place: String? = nil,
        facilityID: UUID? = nil,
        sourceID: UUID? = nil,
        recordID: UUID? = nil,
        credibility: Credibility,
        captureMode: CaptureMode? = nil,
        note: String? = nil,
        supersedes: UUID? = nil
    ) {
        self.kind = kind
        self.date = date
        self.place = place
        self.facilityID = facilityID
        self.sourceID = sourceID
        self.recordID = recordID
        self.credibility = credibility
        self.captureMode = captureMode
        self.note = note
        self.supersedes = supersedes
    }
}
