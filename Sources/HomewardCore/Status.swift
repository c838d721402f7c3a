import Foundation

/// Where a person stands, derived from the events recorded about them; never typed by anyone.
///
/// Our own people climb the ladder a family is told: in the register with no information on
/// captivity → captivity reported, not yet confirmed by the ICRC → captivity confirmed by the ICRC
/// → returned; or died / remains returned. People we hold are in custody, hospitalised or
/// transferred, until they are released, exchanged, repatriated, escape or die.
public enum PersonStatus: String, Sendable, Codable, CaseIterable {
    // Our own people.
    case noInformation = "no-information"
    case captivityReported = "captivity-reported"
    case captivityConfirmed = "captivity-confirmed"
    case returned
    case remainsReturned = "remains-returned"
    // People we hold.
    case inCustody = "in-custody"
    case hospitalised
    case transferred
    case released
    case exchanged
    case repatriated
    case escaped
    // Both.
    case died

    /// The statuses a person of this affiliation can have.
    public static func possible(for affiliation: Affiliation) -> [PersonStatus] {
        switch affiliation {
        case .own: [.noInformation, .captivityReported, .captivityConfirmed, .returned, .died, .remainsReturned]
        case .adversary: [.inCustody, .hospitalised, .transferred, .released, .exchanged, .repatriated, .escaped, .died]
        }
    }

    /// The status of someone registered with no events yet.
    public static func initial(for affiliation: Affiliation) -> PersonStatus {
        switch affiliation {
        // Registration alone says only that the person is sought.
        case .own: .noInformation
        // We register the adversary's people because we hold them.
        case .adversary: .inCustody
        }
    }

    /// Whether the person is held by a party to the conflict.
    public var isHeld: Bool {
        switch self {
        case .captivityReported, .captivityConfirmed, .inCustody, .hospitalised, .transferred: true
        default: false
        }
    }
}

/// The derived status with the evidence that decided it and the evidence that was outweighed.
public struct StatusAssessment: Hashable, Sendable {
    public var status: PersonStatus
    /// The event that put the person in this status; nil when no event has (just registered).
    public var decidingEventID: UUID?
    /// The date of the deciding event, when known.
    public var since: PartialDate?
    /// Statements that would have changed the status but were outweighed by stronger evidence.
    public var outweighed: [OutweighedEvidence]
    /// Events no longer counted because a later event corrected or withdrew them.
    public var superseded: Set<UUID>

    public struct OutweighedEvidence: Hashable, Sendable {
        public var eventID: UUID
        /// The status this statement pointed to.
        public var claimed: PersonStatus
        /// The strongest credibility behind the status that stood.
        public var outweighedBy: Credibility
    }
}

/// The one place where status is derived from evidence.
///
/// The rules, in order:
/// 1. **Corrections supersede.** An event named in another event's `supersedes` no longer counts;
///    a `retraction` counts for nothing itself. Nothing is deleted: both stay in the timeline.
///    A superseded event does not come back when its correction is itself corrected.
/// 2. **Chronology.** The remaining events are read in the order they happened: by the first day
///    their (possibly partial) date can mean; an undated event by the day it was recorded; events
///    of the same day in the order a fate unfolds (captured before confirmed before released).
/// 3. **Each event points to a status** (see `claimedStatus`); some point to none (an escape of one
///    of our people is not yet a return; an identification changes no status).
/// 4. **Moving within a phase is free, and captivity information never regresses.** A later report
///    of captivity does not undo an ICRC confirmation; remains returned is not undone by a later
///    death record.
/// 5. **Changing phase needs credible enough evidence.** A statement graded 1–3 (confirmed,
///    probably or possibly true) can move a person to another phase: a later release beats an
///    earlier confirmation. A weaker statement (4–6) moves them only if it is at least as strong as
///    the best evidence for the phase they are in; otherwise it is kept as outweighed evidence.
///    "No information" rests on no evidence, so any report moves a person out of it; custody of the
///    adversary's people rests on our own registration, which counts as confirmed.
public enum StatusRules {
    public static func assess(affiliation: Affiliation, events: [Event]) -> StatusAssessment {
        let superseded = Set(events.compactMap(\.supersedes))
        let evidence =
            events
            .filter { !superseded.contains($0.id) && $0.kind != .retraction }
            .sorted(by: happenedBefore)

        var assessment = StatusAssessment(
            status: PersonStatus.initial(for: affiliation),
            decidingEventID: nil,
            since: nil,
            outweighed: [],
            superseded: superseded
        )
        // The strongest credibility behind the current phase; nil while it rests on no evidence.
        // We register the adversary's people because we hold them: that is first-hand evidence of
        // custody. Our own people are registered because they are sought, which is evidence of nothing.
        var phaseStrength: Credibility? = affiliation == .adversary ? .confirmed : nil

        for event in evidence {
            guard let claimed = claimedStatus(of: event.kind, for: affiliation) else { continue }
            let current = assessment.status
            // "No information" is the ladder's bottom rung: a later "last seen" does not undo captivity (rule 4).
            if claimed == .noInformation, phase(of: current) == .captive { continue }
            if phase(of: claimed) == phase(of: current) {
                if rank(of: claimed) >= rank(of: current) || !isLadder(phase(of: current)) {
                    if claimed != current || assessment.decidingEventID == nil {
                        assessment.decidingEventID = event.id
                        assessment.since = event.date
                    }
                    assessment.status = claimed
                }
                if claimed != .noInformation { phaseStrength = strongest(phaseStrength, event.credibility) }
                continue
            }
            if let strength = phaseStrength, !canChangePhase(event.credibility, against: strength) {
                assessment.outweighed.append(.init(eventID: event.id, claimed: claimed, outweighedBy: strength))
                continue
            }
            assessment.status = claimed
            assessment.decidingEventID = event.id
            assessment.since = event.date
            phaseStrength = claimed == .noInformation ? nil : event.credibility
        }
        return assessment
    }

    /// The status an event of this kind points to for a person of this affiliation.
    public static func claimedStatus(of kind: EventKind, for affiliation: Affiliation) -> PersonStatus? {
        switch affiliation {
        case .own:
            switch kind {
            case .lastSeen: .noInformation
            case .captured, .captivityReported, .heldAt, .transferred, .hospitalised, .healthReport,
                .refusedRepatriation:
                .captivityReported
            case .captivityConfirmed, .visitedByICRC: .captivityConfirmed
            case .released, .exchanged, .repatriated: .returned
            case .died: .died
            case .remainsReturned: .remainsReturned
            // An escape is not yet a return home, and an identification changes no fate.
            case .escaped, .identified, .retraction: nil
            }
        case .adversary:
            switch kind {
            case .captured, .captivityReported, .captivityConfirmed, .heldAt, .healthReport, .visitedByICRC,
                .refusedRepatriation:
                .inCustody
            case .hospitalised: .hospitalised
            case .transferred: .transferred
            case .released: .released
            case .exchanged: .exchanged
            case .repatriated: .repatriated
            case .escaped: .escaped
            case .died, .remainsReturned: .died
            case .lastSeen, .identified, .retraction: nil
            }
        }
    }

    private enum Phase { case unknown, captive, returned, dead, custody, departed }

    private static func phase(of status: PersonStatus) -> Phase {
        switch status {
        case .noInformation: .unknown
        case .captivityReported, .captivityConfirmed: .captive
        case .returned: .returned
        case .died, .remainsReturned: .dead
        case .inCustody, .hospitalised, .transferred: .custody
        case .released, .exchanged, .repatriated, .escaped: .departed
        }
    }

    /// Phases whose statuses only climb; in the others the latest statement stands.
    private static func isLadder(_ phase: Phase) -> Bool { phase == .captive || phase == .dead }

    private static func rank(of status: PersonStatus) -> Int {
        switch status {
        case .captivityConfirmed, .remainsReturned: 1
        default: 0
        }
    }

    private static func canChangePhase(_ credibility: Credibility, against strength: Credibility) -> Bool {
        credibility.isAtLeastAsStrong(as: max(strength, .possiblyTrue))
    }

    private static func strongest(_ lhs: Credibility?, _ rhs: Credibility) -> Credibility {
        guard let lhs else { return rhs }
        return min(lhs, rhs)
    }

    /// Chronological order; see rule 2.
    public static func happenedBefore(_ lhs: Event, _ rhs: Event) -> Bool {
        let lhsDay = lhs.date?.earliestDay ?? dayNumber(of: lhs.recordedAt)
        let rhsDay = rhs.date?.earliestDay ?? dayNumber(of: rhs.recordedAt)
        if lhsDay != rhsDay { return lhsDay < rhsDay }
        let lhsStage = lifecycleStage(lhs.kind)
        let rhsStage = lifecycleStage(rhs.kind)
        if lhsStage != rhsStage { return lhsStage < rhsStage }
        if lhs.recordedAt != rhs.recordedAt { return lhs.recordedAt < rhs.recordedAt }
        return lhs.id.uuidString < rhs.id.uuidString
    }

    private static func dayNumber(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    private static func lifecycleStage(_ kind: EventKind) -> Int {
        let order: [EventKind] = [
            .lastSeen, .captured, .captivityReported, .heldAt, .transferred, .hospitalised, .healthReport,
            .visitedByICRC, .captivityConfirmed, .refusedRepatriation, .escaped, .released, .exchanged,
            .repatriated, .died, .remainsReturned, .identified, .retraction,
        ]
        return order.firstIndex(of: kind)!
    }
}
