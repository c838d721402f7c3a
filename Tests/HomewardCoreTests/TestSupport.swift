import Foundation
import HomewardCore

/// A UUID whose last digits are `number`, so a failing expectation names events readably.
func uuid(_ number: Int) -> UUID {
    let hex = String(number, radix: 16)
    let padded = String(repeating: "0", count: 12 - hex.count) + hex
    return UUID(uuidString: "00000000-0000-4000-8000-\(padded)")!
}

/// Parses a date literal written in a test; a typo there is a bug in the test, not in the code.
func date(_ iso: String) -> PartialDate {
    guard let date = PartialDate(iso) else { preconditionFailure("'\(iso)' is not a valid test date") }
    return date
}

/// Every event is recorded at the same instant unless a test is about the recording time.
let defaultRecordedAt = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z

let testPersonID = uuid(0xFFFF)

func event(
    _ number: Int,
    _ kind: EventKind,
    on day: String? = nil,
    credibility: Credibility = .probablyTrue,
    supersedes: Int? = nil,
    recordedAt: Date = defaultRecordedAt
) -> Event {
    Event(
        id: uuid(number),
        personID: testPersonID,
        kind: kind,
        date: day.map(date),
        credibility: credibility,
        supersedes: supersedes.map(uuid),
        recordedAt: recordedAt
    )
}
