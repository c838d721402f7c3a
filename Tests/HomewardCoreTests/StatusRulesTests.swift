import Foundation
import HomewardCore
import Testing

/// The status each kind of event points to, written out from the domain description rather than read from
/// `StatusRules.claimedStatus`, so that a change there has to be made here too, on purpose.
enum ExpectedClaims {
    static let own: [EventKind: PersonStatus] = [
        .lastSeen: .noInformation,
        .captured: .captivityReported,
        .captivityReported: .captivityReported,
        .heldAt: .captivityReported,
        .transferred: .captivityReported,
        .hospitalised: .captivityReported,
        .healthReport: .captivityReported,
        .refusedRepatriation: .captivityReported,
        .captivityConfirmed: .captivityConfirmed,
        .visitedByICRC: .captivityConfirmed,
        .released: .returned,
        .exchanged: .returned,
        .repatriated: .returned,
        .died: .died,
        .remainsReturned: .remainsReturned,
    ]
    static let ownWithoutClaim: Set<EventKind> = [.escaped, .identified, .retraction]

    static let adversary: [EventKind: PersonStatus] = [
        .captured: .inCustody,
        .captivityReported: .inCustody,
        .captivityConfirmed: .inCustody,
        .heldAt: .inCustody,
        .healthReport: .inCustody,
        .visitedByICRC: .inCustody,
        .refusedRepatriation: .inCustody,
        .hospitalised: .hospitalised,
        .transferred: .transferred,
        .released: .released,
        .exchanged: .exchanged,
        .repatriated: .repatriated,
        .escaped: .escaped,
        .died: .died,
        .remainsReturned: .died,
    ]
    static let adversaryWithoutClaim: Set<EventKind> = [.lastSeen, .identified, .retraction]

    static func claim(_ kind: EventKind, for affiliation: Affiliation) -> PersonStatus? {
        switch affiliation {
        case .own: own[kind]
        case .adversary: adversary[kind]
        }
    }
}

private func assess(_ affiliation: Affiliation, _ events: Event...) -> StatusAssessment {
    StatusRules.assess(affiliation: affiliation, events: events)
}

@Suite("Status: what each event points to")
struct StatusClaimTests {
    @Test("the expected tables name every kind of event exactly once")
    func tablesAreComplete() {
        let all = Set(EventKind.allCases)
        #expect(Set(ExpectedClaims.own.keys).isDisjoint(with: ExpectedClaims.ownWithoutClaim))
        #expect(Set(ExpectedClaims.own.keys).union(ExpectedClaims.ownWithoutClaim) == all)
        #expect(Set(ExpectedClaims.adversary.keys).isDisjoint(with: ExpectedClaims.adversaryWithoutClaim))
        #expect(Set(ExpectedClaims.adversary.keys).union(ExpectedClaims.adversaryWithoutClaim) == all)
    }

    @Test("one event from registration", arguments: EventKind.allCases, Affiliation.allCases)
    func singleEvent(kind: EventKind, affiliation: Affiliation) {
        let expected = ExpectedClaims.claim(kind, for: affiliation)
        for credibility in Credibility.allCases {
            let single = event(1, kind, on: "2023-03-01", credibility: credibility)
            let assessment = StatusRules.assess(affiliation: affiliation, events: [single])
            // Our people's registration is evidence of nothing, so any grade moves them. The adversary's
            // registration is our own first-hand word that we hold them: only a statement graded 1–3
            // takes them out of custody.
            let leavesCustody = expected.map { !$0.isHeld } ?? false
            let outweighed = affiliation == .adversary && leavesCustody && credibility > .possiblyTrue
            let moves = expected != nil && !outweighed
            #expect(assessment.status == (moves ? expected! : PersonStatus.initial(for: affiliation)), "\(credibility)")
            #expect(assessment.decidingEventID == (expected == nil || outweighed ? nil : uuid(1)), "\(credibility)")
            #expect(assessment.since == (expected == nil || outweighed ? nil : date("2023-03-01")), "\(credibility)")
            #expect(assessment.outweighed.map(\.eventID) == (outweighed ? [uuid(1)] : []), "\(credibility)")
            #expect(assessment.superseded.isEmpty)
        }
    }

    @Test("claimedStatus agrees with the expected table", arguments: EventKind.allCases, Affiliation.allCases)
    func claimedStatus(kind: EventKind, affiliation: Affiliation) {
        #expect(StatusRules.claimedStatus(of: kind, for: affiliation) == ExpectedClaims.claim(kind, for: affiliation))
    }

    @Test("registration alone: our people are sought, theirs are held")
    func noEvents() {
        let own = StatusRules.assess(affiliation: .own, events: [])
        #expect(own.status == .noInformation)
        #expect(own.decidingEventID == nil)
        #expect(own.since == nil)
        let adversary = StatusRules.assess(affiliation: .adversary, events: [])
        #expect(adversary.status == .inCustody)
        #expect(adversary.decidingEventID == nil)
        #expect(adversary.since == nil)
    }

    @Test("the statuses possible for each side")
    func possibleStatuses() {
        #expect(
            Set(PersonStatus.possible(for: .own))
                == [.noInformation, .captivityReported, .captivityConfirmed, .returned, .died, .remainsReturned]
        )
        #expect(
            Set(PersonStatus.possible(for: .adversary))
                == [.inCustody, .hospitalised, .transferred, .released, .exchanged, .repatriated, .escaped, .died]
        )
        #expect(
            Set(PersonStatus.possible(for: .own)).union(PersonStatus.possible(for: .adversary)).count
                == PersonStatus.allCases.count)
        for affiliation in Affiliation.allCases {
            #expect(PersonStatus.possible(for: affiliation).contains(PersonStatus.initial(for: affiliation)))
        }
    }

    @Test("held means held by a party to the conflict")
    func isHeld() {
        let held: Set<PersonStatus> = [
            .captivityReported, .captivityConfirmed, .inCustody, .hospitalised, .transferred,
        ]
        for status in PersonStatus.allCases {
            #expect(status.isHeld == held.contains(status), "\(status)")
        }
    }
}

@Suite("Status: our own people's ladder")
struct OwnLadderTests {
    @Test("captivity reported, then confirmed by the ICRC")
    func reportedThenConfirmed() {
        let assessment = assess(
            .own,
            event(1, .captivityReported, on: "2023-03-01"),
            event(2, .captivityConfirmed, on: "2023-04-01")
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.decidingEventID == uuid(2))
        #expect(assessment.since == date("2023-04-01"))
    }

    @Test(
        "a later report does not undo an ICRC confirmation",
        arguments: [
            EventKind.captivityReported, .captured, .heldAt, .transferred, .hospitalised, .healthReport,
            .refusedRepatriation,
        ])
    func confirmationDoesNotRegress(laterKind: EventKind) {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed),
            event(2, laterKind, on: "2023-05-01", credibility: .confirmed)
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.decidingEventID == uuid(1))
        #expect(assessment.since == date("2023-03-01"))
        #expect(assessment.outweighed.isEmpty)
    }

    @Test(
        "a later 'last seen' does not take a captive back to no information",
        arguments: [EventKind.captured, .captivityConfirmed], Credibility.allCases)
    func lastSeenDoesNotUndoCaptivity(captivity: EventKind, lastSeenCredibility: Credibility) {
        let assessment = assess(
            .own,
            event(1, captivity, on: "2023-03-01", credibility: .improbable),
            event(2, .lastSeen, on: "2023-05-01", credibility: lastSeenCredibility)
        )
        #expect(assessment.status == ExpectedClaims.own[captivity])
        #expect(assessment.decidingEventID == uuid(1))
        #expect(assessment.outweighed.isEmpty)
    }

    @Test("a credible 'last seen' after a return starts a new disappearance")
    func lastSeenAfterReturn() {
        let assessment = assess(
            .own,
            event(1, .captured, on: "2023-03-01", credibility: .confirmed),
            event(2, .released, on: "2023-09-01", credibility: .confirmed),
            event(3, .lastSeen, on: "2024-02-01", credibility: .probablyTrue),
            event(4, .captivityReported, on: "2024-03-01", credibility: .cannotBeJudged)
        )
        #expect(assessment.status == .captivityReported)
        #expect(assessment.decidingEventID == uuid(4))
    }

    @Test("a visit by the ICRC confirms captivity")
    func visitConfirms() {
        let assessment = assess(
            .own,
            event(1, .captured, on: "2023-03-01"),
            event(2, .visitedByICRC, on: "2023-06-01")
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.decidingEventID == uuid(2))
    }

    @Test("the first event to reach a rung decides; later ones on the same rung do not replace it")
    func firstOnRungDecides() {
        let assessment = assess(
            .own,
            event(1, .captured, on: "2023-03-01"),
            event(2, .heldAt, on: "2023-04-01"),
            event(3, .captivityReported, on: "2023-05-01"),
            event(4, .captivityConfirmed, on: "2023-06-01"),
            event(5, .visitedByICRC, on: "2023-07-01")
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.decidingEventID == uuid(4))
        #expect(assessment.since == date("2023-06-01"))
    }

    @Test("an undated deciding event leaves `since` unknown")
    func undatedDecidingEvent() {
        let assessment = assess(.own, event(1, .captured))
        #expect(assessment.status == .captivityReported)
        #expect(assessment.decidingEventID == uuid(1))
        #expect(assessment.since == nil)
    }

    @Test("an escape of one of our people is not yet a return")
    func escapeIsNotReturn() {
        let alone = assess(.own, event(1, .escaped, on: "2023-05-01", credibility: .confirmed))
        #expect(alone.status == .noInformation)
        #expect(alone.decidingEventID == nil)

        let afterCapture = assess(
            .own,
            event(1, .captured, on: "2023-03-01"),
            event(2, .escaped, on: "2023-05-01", credibility: .confirmed)
        )
        #expect(afterCapture.status == .captivityReported)
        #expect(afterCapture.decidingEventID == uuid(1))
        #expect(afterCapture.outweighed.isEmpty)
    }

    @Test("an identification changes no status")
    func identificationChangesNothing() {
        let died = event(1, .died, on: "2023-03-01")
        let before = assess(.own, died)
        let after = assess(.own, died, event(2, .identified, on: "2023-09-01", credibility: .confirmed))
        #expect(after == before)
        #expect(after.status == .died)
        #expect(after.decidingEventID == uuid(1))
    }

    @Test("return after captivity", arguments: [EventKind.released, .exchanged, .repatriated])
    func returnAfterCaptivity(kind: EventKind) {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01"),
            event(2, kind, on: "2024-01-15")
        )
        #expect(assessment.status == .returned)
        #expect(assessment.decidingEventID == uuid(2))
        #expect(assessment.since == date("2024-01-15"))
    }

    @Test("remains returned is not undone by a later death record")
    func remainsReturnedNotUndone() {
        let assessment = assess(
            .own,
            event(1, .remainsReturned, on: "2023-08-01", credibility: .confirmed),
            event(2, .died, on: "2023-09-01", credibility: .confirmed)
        )
        #expect(assessment.status == .remainsReturned)
        #expect(assessment.decidingEventID == uuid(1))
        #expect(assessment.outweighed.isEmpty)
    }

    @Test("death, then remains returned")
    func diedThenRemainsReturned() {
        let assessment = assess(
            .own,
            event(1, .died, on: "2023-03-01"),
            event(2, .remainsReturned, on: "2023-08-01")
        )
        #expect(assessment.status == .remainsReturned)
        #expect(assessment.decidingEventID == uuid(2))
    }

    @Test("a doubtful release does not override confirmed remains returned")
    func doubtfulReleaseAfterRemains() {
        let assessment = assess(
            .own,
            event(1, .remainsReturned, on: "2023-08-01", credibility: .confirmed),
            event(2, .released, on: "2023-09-01", credibility: .doubtful)
        )
        #expect(assessment.status == .remainsReturned)
        #expect(assessment.outweighed.map(\.eventID) == [uuid(2)])
    }
}

@Suite("Status: weighing evidence")
struct EvidenceWeightTests {
    @Test("a later release beats an earlier confirmation")
    func laterReleaseBeatsConfirmation() {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed),
            event(2, .released, on: "2023-09-01", credibility: .probablyTrue)
        )
        #expect(assessment.status == .returned)
        #expect(assessment.decidingEventID == uuid(2))
        #expect(assessment.outweighed.isEmpty)
    }

    @Test("an improbable death report does not override an ICRC confirmation")
    func improbableDeathOutweighed() {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed),
            event(2, .died, on: "2023-05-01", credibility: .improbable)
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.decidingEventID == uuid(1))
        #expect(assessment.outweighed.count == 1)
        #expect(assessment.outweighed.first?.eventID == uuid(2))
        #expect(assessment.outweighed.first?.claimed == .died)
        #expect(assessment.outweighed.first?.outweighedBy == .confirmed)
    }

    @Test("a doubtful captivity report does not override a probably true death")
    func doubtfulReportAfterDeath() {
        let assessment = assess(
            .own,
            event(1, .died, on: "2023-03-01", credibility: .probablyTrue),
            event(2, .captivityReported, on: "2023-05-01", credibility: .doubtful)
        )
        #expect(assessment.status == .died)
        #expect(assessment.decidingEventID == uuid(1))
        #expect(assessment.outweighed.map(\.eventID) == [uuid(2)])
        #expect(assessment.outweighed.map(\.claimed) == [.captivityReported])
        #expect(assessment.outweighed.map(\.outweighedBy) == [.probablyTrue])
    }

    @Test("any report moves a person out of no information, however weak", arguments: Credibility.allCases)
    func weakReportLeavesNoInformation(credibility: Credibility) {
        let assessment = assess(
            .own,
            event(1, .lastSeen, on: "2023-02-01", credibility: .confirmed),
            event(2, .captivityReported, on: "2023-04-01", credibility: credibility)
        )
        #expect(assessment.status == .captivityReported)
        #expect(assessment.decidingEventID == uuid(2))
        #expect(assessment.outweighed.isEmpty)
    }

    @Test("weak evidence moves a phase that rests on equally weak evidence")
    func weakAgainstEquallyWeak() {
        let assessment = assess(
            .own,
            event(1, .captivityReported, on: "2023-03-01", credibility: .improbable),
            event(2, .released, on: "2023-09-01", credibility: .improbable)
        )
        #expect(assessment.status == .returned)
        #expect(assessment.decidingEventID == uuid(2))
    }

    @Test("weak evidence does not move a phase that rests on stronger weak evidence")
    func weakerAgainstWeak() {
        let assessment = assess(
            .own,
            event(1, .captivityReported, on: "2023-03-01", credibility: .improbable),
            event(2, .released, on: "2023-09-01", credibility: .cannotBeJudged)
        )
        #expect(assessment.status == .captivityReported)
        #expect(assessment.outweighed.map(\.outweighedBy) == [.improbable])
    }

    /// Rule 5, restated independently: grades 1–3 always change phase; 4–6 only against evidence no stronger.
    @Test("changing phase", arguments: Credibility.allCases, Credibility.allCases)
    func changingPhase(phaseEvidence: Credibility, statement: Credibility) {
        let assessment = assess(
            .own,
            event(1, .captivityReported, on: "2023-03-01", credibility: phaseEvidence),
            event(2, .released, on: "2023-09-01", credibility: statement)
        )
        let moves = statement.rawValue <= 3 || statement.rawValue <= phaseEvidence.rawValue
        #expect(assessment.status == (moves ? .returned : .captivityReported))
        #expect(assessment.decidingEventID == (moves ? uuid(2) : uuid(1)))
        #expect(assessment.outweighed.map(\.eventID) == (moves ? [] : [uuid(2)]))
    }

    @Test("the strongest evidence anywhere in the phase is what a new statement must match")
    func strongestInPhaseCounts() {
        let assessment = assess(
            .own,
            event(1, .captivityReported, on: "2023-03-01", credibility: .probablyTrue),
            event(2, .captivityConfirmed, on: "2023-04-01", credibility: .doubtful),
            event(3, .died, on: "2023-05-01", credibility: .doubtful)
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.decidingEventID == uuid(2))
        #expect(assessment.outweighed.map(\.eventID) == [uuid(3)])
        #expect(assessment.outweighed.map(\.outweighedBy) == [.probablyTrue])
    }

    @Test("a weak report that was outweighed does not strengthen the next weak report")
    func outweighedIsNotEvidence() {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed),
            event(2, .died, on: "2023-05-01", credibility: .improbable),
            event(3, .remainsReturned, on: "2023-06-01", credibility: .improbable)
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.outweighed.map(\.eventID) == [uuid(2), uuid(3)])
        #expect(assessment.outweighed.map(\.claimed) == [.died, .remainsReturned])
    }

    @Test("evidence for an earlier phase does not protect the phase that replaced it")
    func phaseStrengthResetsOnChange() {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed),
            event(2, .released, on: "2023-09-01", credibility: .possiblyTrue),
            event(3, .died, on: "2023-10-01", credibility: .doubtful)
        )
        #expect(assessment.status == .returned)
        #expect(assessment.outweighed.map(\.eventID) == [uuid(3)])
        #expect(assessment.outweighed.map(\.outweighedBy) == [.possiblyTrue])
    }

    @Test("moving within a phase is free, however weak the statement")
    func withinPhaseIsFree() {
        let own = assess(
            .own,
            event(1, .died, on: "2023-03-01", credibility: .confirmed),
            event(2, .remainsReturned, on: "2023-06-01", credibility: .cannotBeJudged)
        )
        #expect(own.status == .remainsReturned)
        #expect(own.outweighed.isEmpty)

        let adversary = assess(
            .adversary,
            event(1, .heldAt, on: "2023-03-01", credibility: .confirmed),
            event(2, .hospitalised, on: "2023-06-01", credibility: .cannotBeJudged)
        )
        #expect(adversary.status == .hospitalised)
        #expect(adversary.outweighed.isEmpty)
    }
}

@Suite("Status: corrections")
struct CorrectionTests {
    @Test("a correction replaces the event it supersedes")
    func correctionReplaces() {
        let assessment = assess(
            .own,
            event(1, .died, on: "2023-03-01", credibility: .confirmed),
            event(2, .captured, on: "2023-03-01", credibility: .confirmed, supersedes: 1)
        )
        #expect(assessment.status == .captivityReported)
        #expect(assessment.decidingEventID == uuid(2))
        #expect(assessment.superseded == [uuid(1)])
        #expect(assessment.outweighed.isEmpty)
    }

    @Test("a superseded event is not counted even when the correction comes first in time")
    func correctionDatedEarlier() {
        let assessment = assess(
            .own,
            event(1, .released, on: "2023-09-01", credibility: .confirmed),
            event(2, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed, supersedes: 1)
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.superseded == [uuid(1)])
    }

    @Test("a retraction withdraws an event without putting anything in its place")
    func retractionWithdraws() {
        let assessment = assess(
            .own,
            event(1, .captured, on: "2023-03-01"),
            event(2, .retraction, on: "2023-04-01", supersedes: 1)
        )
        #expect(assessment.status == .noInformation)
        #expect(assessment.decidingEventID == nil)
        #expect(assessment.since == nil)
        #expect(assessment.superseded == [uuid(1)])
    }

    @Test("withdrawing the latest event restores the status before it")
    func retractionRestoresEarlierStatus() {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01"),
            event(2, .died, on: "2023-05-01"),
            event(3, .retraction, on: "2023-06-01", supersedes: 2)
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.decidingEventID == uuid(1))
        #expect(assessment.outweighed.isEmpty)
    }

    @Test("a superseded event does not come back when its correction is itself superseded")
    func supersededStaysSuperseded() {
        let assessment = assess(
            .own,
            event(1, .died, on: "2023-03-01", credibility: .confirmed),
            event(2, .captured, on: "2023-03-01", credibility: .confirmed, supersedes: 1),
            event(3, .retraction, on: "2023-04-01", supersedes: 2)
        )
        #expect(assessment.status == .noInformation)
        #expect(assessment.decidingEventID == nil)
        #expect(assessment.superseded == [uuid(1), uuid(2)])
    }

    @Test("a correction of a correction is what counts")
    func correctionOfCorrection() {
        let assessment = assess(
            .adversary,
            event(1, .died, on: "2023-03-01"),
            event(2, .escaped, on: "2023-03-01", supersedes: 1),
            event(3, .exchanged, on: "2023-03-01", supersedes: 2)
        )
        #expect(assessment.status == .exchanged)
        #expect(assessment.decidingEventID == uuid(3))
        #expect(assessment.superseded == [uuid(1), uuid(2)])
    }

    @Test("a retraction itself has no effect on the status", arguments: Affiliation.allCases)
    func retractionHasNoEffect(affiliation: Affiliation) {
        let confirmed = event(1, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed)
        let retractionOfUnknown = event(2, .retraction, on: "2023-09-01", credibility: .confirmed, supersedes: 99)
        let with = StatusRules.assess(affiliation: affiliation, events: [confirmed, retractionOfUnknown])
        let without = StatusRules.assess(affiliation: affiliation, events: [confirmed])
        #expect(with.status == without.status)
        #expect(with.decidingEventID == uuid(1))
        #expect(with.since == without.since)
        #expect(with.outweighed.isEmpty)
        #expect(with.superseded == [uuid(99)])
    }

    @Test("a correction keeps its own credibility: a weak one cannot override strong evidence by correcting")
    func weakCorrectionIsWeighed() {
        let assessment = assess(
            .own,
            event(1, .captivityConfirmed, on: "2023-03-01", credibility: .confirmed),
            event(2, .captured, on: "2023-05-01", credibility: .confirmed),
            event(3, .died, on: "2023-05-01", credibility: .improbable, supersedes: 2)
        )
        #expect(assessment.status == .captivityConfirmed)
        #expect(assessment.outweighed.map(\.eventID) == [uuid(3)])
        #expect(assessment.superseded == [uuid(2)])
    }
}

@Suite("Status: chronology")
struct ChronologyTests {
    @Test("events are read by date, not in the order given")
    func readByDate() {
        let confirmed = event(1, .captivityConfirmed, on: "2023-03-01")
        let released = event(2, .released, on: "2023-09-01")
        #expect(StatusRules.assess(affiliation: .own, events: [released, confirmed]).status == .returned)
        #expect(StatusRules.assess(affiliation: .own, events: [confirmed, released]).status == .returned)

        let releasedEarlier = event(2, .released, on: "2022-09-01")
        #expect(
            StatusRules.assess(affiliation: .own, events: [confirmed, releasedEarlier]).status == .captivityConfirmed
        )
    }

    @Test("a year-only date is read from its first day")
    func yearOnlyReadsFromFirstDay() {
        let captureInYear = assess(
            .own,
            event(1, .released, on: "2023-05-04"),
            event(2, .captured, on: "2023")
        )
        #expect(captureInYear.status == .returned)

        let releaseInYear = assess(
            .own,
            event(1, .released, on: "2023"),
            event(2, .captured, on: "2023-05-04")
        )
        #expect(releaseInYear.status == .captivityReported)
        #expect(releaseInYear.decidingEventID == uuid(2))
    }

    @Test("a month-only date falls on the same day as the first of that month")
    func monthOnlySharesFirstDay() {
        let assessment = assess(
            .own,
            event(1, .released, on: "2023-05"),
            event(2, .captured, on: "2023-05-01")
        )
        #expect(assessment.status == .returned)
    }

    @Test("an undated event is placed on the day it was recorded")
    func undatedByRecordedAt() {
        let capturedRecordedInMarch = event(
            1, .captured, credibility: .probablyTrue, recordedAt: instant("2023-03-01T12:00:00Z")
        )
        #expect(
            assess(.own, capturedRecordedInMarch, event(2, .released, on: "2023-02-01")).status == .captivityReported
        )
        #expect(assess(.own, capturedRecordedInMarch, event(2, .released, on: "2023-04-01")).status == .returned)
    }

    @Test("an undated event recorded on the day of a dated one shares its day, to the last second in UTC")
    func undatedSameDayAsDated() {
        let capturedLate = event(1, .captured, recordedAt: instant("2023-03-01T23:59:59Z"))
        #expect(assess(.own, capturedLate, event(2, .released, on: "2023-03-01")).status == .returned)
        let releasedEarly = event(1, .released, recordedAt: instant("2023-03-01T00:00:00Z"))
        #expect(assess(.own, releasedEarly, event(2, .captured, on: "2023-03-01")).status == .returned)
        let releasedDayBefore = event(1, .released, recordedAt: instant("2023-02-28T23:59:59Z"))
        #expect(
            assess(.own, releasedDayBefore, event(2, .captured, on: "2023-03-01")).status == .captivityReported
        )
    }

    @Test("undated events are ordered by when they were recorded")
    func undatedAmongThemselves() {
        let early = instant("2023-03-01T08:00:00Z")
        let late = instant("2023-06-01T08:00:00Z")
        let releasedLate = assess(
            .own,
            event(1, .released, recordedAt: late),
            event(2, .captured, recordedAt: early)
        )
        #expect(releasedLate.status == .returned)
        let capturedLate = assess(
            .own,
            event(1, .released, recordedAt: early),
            event(2, .captured, recordedAt: late)
        )
        #expect(capturedLate.status == .captivityReported)
    }

    @Test(
        "events of the same day follow the order a fate unfolds",
        arguments: [
            (EventKind.captured, EventKind.released, Affiliation.own, PersonStatus.returned),
            (.captivityConfirmed, .exchanged, .own, .returned),
            (.captured, .captivityConfirmed, .own, .captivityConfirmed),
            (.captured, .died, .own, .died),
            (.died, .remainsReturned, .own, .remainsReturned),
            (.captured, .escaped, .adversary, .escaped),
            (.hospitalised, .released, .adversary, .released),
            (.heldAt, .transferred, .adversary, .transferred),
            (.captured, .hospitalised, .adversary, .hospitalised),
            (.repatriated, .died, .adversary, .died),
        ])
    func sameDayLifecycle(first: EventKind, second: EventKind, affiliation: Affiliation, expected: PersonStatus) {
        let earlier = event(1, first, on: "2023-05-04", recordedAt: instant("2023-05-10T10:00:00Z"))
        let later = event(2, second, on: "2023-05-04", recordedAt: instant("2023-05-05T10:00:00Z"))
        let givenInOrder = StatusRules.assess(affiliation: affiliation, events: [earlier, later])
        let givenReversed = StatusRules.assess(affiliation: affiliation, events: [later, earlier])
        #expect(givenInOrder.status == expected)
        #expect(givenReversed.status == expected)
        #expect(givenInOrder.decidingEventID == uuid(2))
    }

    @Test("the same kind on the same day is ordered by when it was recorded")
    func sameDaySameKindByRecordedAt() {
        let assessment = assess(
            .adversary,
            event(1, .heldAt, on: "2023-05-04", recordedAt: instant("2023-05-20T10:00:00Z")),
            event(2, .heldAt, on: "2023-05-04", recordedAt: instant("2023-05-06T10:00:00Z"))
        )
        #expect(assessment.decidingEventID == uuid(2))
    }

    @Test("happenedBefore is a strict order")
    func happenedBeforeIsStrict() {
        let a = event(1, .captured, on: "2023-05-04")
        let b = event(2, .captured, on: "2023-05-04")
        #expect(!StatusRules.happenedBefore(a, a))
        #expect(StatusRules.happenedBefore(a, b) != StatusRules.happenedBefore(b, a))
    }

    private func instant(_ text: String) -> Date {
        guard let date = ISO8601DateFormatter().date(from: text) else { preconditionFailure("bad instant \(text)") }
        return date
    }
}

@Suite("Status: people we hold")
struct AdversaryStatusTests {
    @Test("the latest statement within custody stands")
    func latestWithinCustody() {
        let assessment = assess(
            .adversary,
            event(1, .captured, on: "2023-03-01"),
            event(2, .hospitalised, on: "2023-04-01"),
            event(3, .heldAt, on: "2023-05-01")
        )
        #expect(assessment.status == .inCustody)
        #expect(assessment.decidingEventID == uuid(3))
        #expect(assessment.since == date("2023-05-01"))
    }

    @Test("hospitalised, then transferred")
    func hospitalisedThenTransferred() {
        let hospitalised = assess(
            .adversary,
            event(1, .heldAt, on: "2023-03-01"),
            event(2, .hospitalised, on: "2023-04-01")
        )
        #expect(hospitalised.status == .hospitalised)
        let transferred = assess(
            .adversary,
            event(1, .heldAt, on: "2023-03-01"),
            event(2, .hospitalised, on: "2023-04-01"),
            event(3, .transferred, on: "2023-05-01")
        )
        #expect(transferred.status == .transferred)
        #expect(transferred.decidingEventID == uuid(3))
    }

    @Test(
        "leaving custody",
        arguments: [
            (EventKind.exchanged, PersonStatus.exchanged),
            (.released, .released),
            (.repatriated, .repatriated),
            (.escaped, .escaped),
            (.died, .died),
            (.remainsReturned, .died),
        ])
    func leavingCustody(kind: EventKind, expected: PersonStatus) {
        let assessment = assess(
            .adversary,
            event(1, .captured, on: "2023-03-01", credibility: .confirmed),
            event(2, .heldAt, on: "2023-04-01", credibility: .confirmed),
            event(3, kind, on: "2024-01-10", credibility: .confirmed)
        )
        #expect(assessment.status == expected)
        #expect(assessment.decidingEventID == uuid(3))
        #expect(assessment.since == date("2024-01-10"))
    }

    @Test("remains returned after a death keeps the death as the deciding event")
    func remainsAfterDeath() {
        let assessment = assess(
            .adversary,
            event(1, .died, on: "2023-03-01"),
            event(2, .remainsReturned, on: "2023-06-01")
        )
        #expect(assessment.status == .died)
        #expect(assessment.decidingEventID == uuid(1))
    }

    @Test("recaptured after an escape")
    func recaptured() {
        let assessment = assess(
            .adversary,
            event(1, .heldAt, on: "2023-03-01"),
            event(2, .escaped, on: "2023-04-01"),
            event(3, .captured, on: "2023-04-03")
        )
        #expect(assessment.status == .inCustody)
        #expect(assessment.decidingEventID == uuid(3))
    }

    @Test("the latest statement after leaving custody stands")
    func latestAfterLeaving() {
        let assessment = assess(
            .adversary,
            event(1, .released, on: "2023-03-01", credibility: .confirmed),
            event(2, .repatriated, on: "2023-03-05", credibility: .cannotBeJudged)
        )
        #expect(assessment.status == .repatriated)
        #expect(assessment.decidingEventID == uuid(2))
    }

    @Test("a weak report of escape does not override confirmed custody")
    func weakEscapeOutweighed() {
        let assessment = assess(
            .adversary,
            event(1, .heldAt, on: "2023-03-01", credibility: .confirmed),
            event(2, .escaped, on: "2023-04-01", credibility: .improbable)
        )
        #expect(assessment.status == .inCustody)
        #expect(assessment.outweighed.map(\.eventID) == [uuid(2)])
        #expect(assessment.outweighed.map(\.claimed) == [.escaped])
        #expect(assessment.outweighed.map(\.outweighedBy) == [.confirmed])
    }

    @Test("last seen and identified say nothing about someone we hold")
    func noClaimKinds() {
        let held = event(1, .hospitalised, on: "2023-03-01")
        let assessment = assess(
            .adversary,
            held,
            event(2, .lastSeen, on: "2023-04-01", credibility: .confirmed),
            event(3, .identified, on: "2023-05-01", credibility: .confirmed)
        )
        #expect(assessment == assess(.adversary, held))
    }
}

@Suite("Status: properties over random timelines")
struct StatusPropertyTests {
    static let sequenceCount = 400

    @Test("invariants hold for random timelines", arguments: Affiliation.allCases)
    func invariants(affiliation: Affiliation) {
        var generator = SplitMix64(seed: affiliation == .own ? 0x5EED_0001 : 0x5EED_0002)
        for sequence in 0..<Self.sequenceCount {
            let events = randomTimeline(using: &generator)
            let assessment = StatusRules.assess(affiliation: affiliation, events: events)
            let context = Comment(rawValue: "sequence \(sequence): \(describe(events))")

            #expect(PersonStatus.possible(for: affiliation).contains(assessment.status), context)
            #expect(assessment.superseded == Set(events.compactMap(\.supersedes)), context)

            let counted = events.filter { !assessment.superseded.contains($0.id) && $0.kind != .retraction }
            if let deciding = assessment.decidingEventID {
                let decidingEvent = counted.first { $0.id == deciding }
                #expect(decidingEvent != nil, context)
                #expect(
                    decidingEvent.flatMap { ExpectedClaims.claim($0.kind, for: affiliation) } == assessment.status,
                    context)
                #expect(assessment.since == decidingEvent?.date, context)
            } else {
                #expect(assessment.status == PersonStatus.initial(for: affiliation), context)
                #expect(assessment.since == nil, context)
            }
            for evidence in assessment.outweighed {
                let outweighedEvent = counted.first { $0.id == evidence.eventID }
                #expect(
                    outweighedEvent.map { ExpectedClaims.claim($0.kind, for: affiliation) } == evidence.claimed,
                    context)
                // Only a weak statement (4–6) weaker than the standing evidence can be outweighed.
                #expect((outweighedEvent?.credibility.rawValue ?? 0) >= 4, context)
                #expect((outweighedEvent?.credibility ?? .confirmed) > evidence.outweighedBy, context)
            }

            for _ in 0..<3 {
                let shuffled = events.shuffled(using: &generator)
                #expect(StatusRules.assess(affiliation: affiliation, events: shuffled) == assessment, context)
            }
        }
    }

    @Test("retracting an event is the same as never having had it", arguments: Affiliation.allCases)
    func retractionEqualsRemoval(affiliation: Affiliation) {
        var generator = SplitMix64(seed: affiliation == .own ? 0xDE1E_7E01 : 0xDE1E_7E02)
        var checked = 0
        for sequence in 0..<Self.sequenceCount {
            let events = randomTimeline(using: &generator)
            let superseded = Set(events.compactMap(\.supersedes))
            // Removing an event that itself corrects another would bring the corrected one back; rule 1 says a
            // retraction must not, so only events that correct nothing and are not yet corrected qualify.
            let candidates = events.filter {
                $0.supersedes == nil && !superseded.contains($0.id) && $0.kind != .retraction
            }
            guard let target = candidates.randomElement(using: &generator) else { continue }
            let retraction = Event(
                id: uuid(10_000),
                personID: testPersonID,
                kind: .retraction,
                date: randomDate(using: &generator),
                credibility: Credibility.allCases.randomElement(using: &generator)!,
                supersedes: target.id,
                recordedAt: defaultRecordedAt
            )
            let retracted = StatusRules.assess(affiliation: affiliation, events: events + [retraction])
            let removed = StatusRules.assess(affiliation: affiliation, events: events.filter { $0.id != target.id })
            let context = Comment(rawValue: "sequence \(sequence), retracting \(target.id): \(describe(events))")
            #expect(retracted.status == removed.status, context)
            #expect(retracted.decidingEventID == removed.decidingEventID, context)
            #expect(retracted.since == removed.since, context)
            #expect(retracted.outweighed == removed.outweighed, context)
            #expect(retracted.superseded == removed.superseded.union([target.id]), context)
            checked += 1
        }
        #expect(checked > Self.sequenceCount / 2)
    }

    @Test("an event that points to no status changes nothing", arguments: Affiliation.allCases)
    func silentEventChangesNothing(affiliation: Affiliation) {
        var generator = SplitMix64(seed: affiliation == .own ? 0x0051_1E01 : 0x0051_1E02)
        let silentKinds = Array(
            affiliation == .own ? ExpectedClaims.ownWithoutClaim : ExpectedClaims.adversaryWithoutClaim
        ).filter { $0 != .retraction }
        for sequence in 0..<Self.sequenceCount {
            let events = randomTimeline(using: &generator)
            let silent = Event(
                id: uuid(10_001),
                personID: testPersonID,
                kind: silentKinds.randomElement(using: &generator)!,
                date: randomDate(using: &generator),
                credibility: .confirmed,
                recordedAt: defaultRecordedAt
            )
            let before = StatusRules.assess(affiliation: affiliation, events: events)
            let after = StatusRules.assess(affiliation: affiliation, events: events + [silent])
            #expect(after == before, Comment(rawValue: "sequence \(sequence): \(describe(events + [silent]))"))
        }
    }

    @Test("nothing but a change of phase moves a confirmed captive down the ladder")
    func confirmationNeverRegresses() {
        var generator = SplitMix64(seed: 0xC0F1_4DED)
        let sameOrNoPhase: [EventKind] = [
            .lastSeen, .captured, .captivityReported, .heldAt, .transferred, .hospitalised, .healthReport,
            .refusedRepatriation, .escaped, .identified,
        ]
        var checked = 0
        for sequence in 0..<Self.sequenceCount * 4 {
            let events = randomTimeline(using: &generator)
            guard StatusRules.assess(affiliation: .own, events: events).status == .captivityConfirmed else { continue }
            let later = Event(
                id: uuid(10_003),
                personID: testPersonID,
                kind: sameOrNoPhase.randomElement(using: &generator)!,
                date: date("2026-06-01"),
                credibility: Credibility.allCases.randomElement(using: &generator)!,
                recordedAt: defaultRecordedAt
            )
            let assessment = StatusRules.assess(affiliation: .own, events: events + [later])
            #expect(
                assessment.status == .captivityConfirmed,
                Comment(rawValue: "sequence \(sequence): \(describe(events + [later]))")
            )
            checked += 1
        }
        #expect(checked >= 20)
    }

    @Test("a credible death after everything else ends in death", arguments: Affiliation.allCases)
    func credibleDeathIsFinal(affiliation: Affiliation) {
        var generator = SplitMix64(seed: affiliation == .own ? 0xDEAD_0001 : 0xDEAD_0002)
        for sequence in 0..<Self.sequenceCount {
            let events = randomTimeline(using: &generator)
            let death = Event(
                id: uuid(10_002),
                personID: testPersonID,
                kind: .died,
                date: date("2026-06-01"),
                credibility: [.confirmed, .probablyTrue, .possiblyTrue].randomElement(using: &generator)!,
                recordedAt: defaultRecordedAt
            )
            let assessment = StatusRules.assess(affiliation: affiliation, events: events + [death])
            let dead: Set<PersonStatus> = affiliation == .own ? [.died, .remainsReturned] : [.died]
            #expect(dead.contains(assessment.status), Comment(rawValue: "sequence \(sequence): \(describe(events))"))
            #expect(assessment.outweighed.allSatisfy { $0.eventID != death.id })
        }
    }

    /// Up to ten events with every kind, grade and date precision, some undated, some correcting an earlier one.
    /// Every event is recorded at a distinct instant, so chronological order is always well defined.
    private func randomTimeline(using generator: inout SplitMix64) -> [Event] {
        let count = Int.random(in: 0...10, using: &generator)
        var events: [Event] = []
        let kinds = EventKind.allCases.filter { $0 != .retraction }
        for index in 0..<count {
            var kind = kinds.randomElement(using: &generator)!
            var supersedes: UUID?
            if !events.isEmpty {
                let roll = Int.random(in: 0..<100, using: &generator)
                if roll < 8 { kind = .retraction }
                if roll < 20 { supersedes = events.randomElement(using: &generator)!.id }
            }
            let recordedDay = Double(Int.random(in: 0..<900, using: &generator))
            events.append(
                Event(
                    id: uuid(index + 1),
                    personID: testPersonID,
                    kind: kind,
                    date: Int.random(in: 0..<4, using: &generator) == 0 ? nil : randomDate(using: &generator),
                    credibility: Credibility.allCases.randomElement(using: &generator)!,
                    supersedes: supersedes,
                    recordedAt: Date(timeIntervalSince1970: 1_640_995_200 + recordedDay * 86_400 + Double(index))
                )
            )
        }
        return events
    }

    private func randomDate(using generator: inout SplitMix64) -> PartialDate {
        let year = Int.random(in: 2022...2024, using: &generator)
        let month = Int.random(in: 1...12, using: &generator)
        let day = Int.random(in: 1...28, using: &generator)
        let result: PartialDate?
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: result = try? PartialDate(year: year)
        case 1: result = try? PartialDate(year: year, month: month)
        default: result = try? PartialDate(year: year, month: month, day: day)
        }
        return result!
    }

    private func describe(_ events: [Event]) -> String {
        events.map { event in
            let supersedes = event.supersedes.map { " ⊃\($0.uuidString.suffix(4))" } ?? ""
            return "\(event.id.uuidString.suffix(4)) \(event.kind.rawValue) \(event.date?.description ?? "undated")"
                + " c\(event.credibility.rawValue)\(supersedes)"
        }.joined(separator: "; ")
    }
}

@Suite("Custody rests on our own registration")
struct RegistrationEvidenceTests {
    @Test(
        "a rumour that someone we hold escaped or died does not move them out of custody",
        arguments: [EventKind.escaped, .died, .released])
    func rumourAgainstRegistration(kind: EventKind) {
        let rumour = event(1, kind, on: "2024-03-01", credibility: .cannotBeJudged)
        let assessment = StatusRules.assess(affiliation: .adversary, events: [rumour])
        #expect(assessment.status == .inCustody)
        #expect(assessment.outweighed.map(\.eventID) == [rumour.id])
    }

    @Test("a credible statement does move them")
    func credibleStatementAgainstRegistration() {
        let release = event(1, .released, on: "2024-03-01", credibility: .possiblyTrue)
        #expect(StatusRules.assess(affiliation: .adversary, events: [release]).status == .released)
    }
}
