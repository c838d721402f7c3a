import Foundation
import Testing

@testable import HomewardCore

@Suite("Inquiries: the answer levels and the case code")
struct InquiryTests {
    @Test("every status gives the level a family is owed; a death is never shown by a page")
    func levels() {
        #expect(AnswerLevel.level(for: nil) == .notInRegister)
        #expect(AnswerLevel.level(for: .noInformation) == .noInformation)
        #expect(AnswerLevel.level(for: .captivityReported) == .captivityReported)
        #expect(AnswerLevel.level(for: .captivityConfirmed) == .captivityConfirmed)
        #expect(AnswerLevel.level(for: .returned) == .returned)
        #expect(AnswerLevel.level(for: .died) == .deceased)
        #expect(AnswerLevel.level(for: .remainsReturned) == .deceased)
        #expect(AnswerLevel.level(for: .escaped) == .noInformation)
        #expect(AnswerLevel.deceased.forPublic == .contactTheBureau)
        for level in AnswerLevel.allCases where level != .deceased { #expect(level.forPublic == level) }
        for status in PersonStatus.allCases { #expect(AnswerLevel.level(for: status) != .contactTheBureau) }
    }

    @Test("a case code reads back in any case and spacing, and a typo is caught by its check character")
    func caseCodes() throws {
        var generator = SplitMix64(seed: 7)
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let code = CaseCode.make { generator.next() }
            #expect(code.count == 11 && code.split(separator: "-").map(\.count) == [4, 4, 1])
            #expect(CaseCode.normalised(code) == code)
            #expect(CaseCode.normalised(code.lowercased().replacingOccurrences(of: "-", with: " ")) == code)
            seen.insert(code)
            // Any one character changed is caught.
            var characters = Array(code)
            let position = [0, 3, 5, 7, 10][seen.count % 5]
            let replacement = CaseCode.alphabet.first { $0 != characters[position] }!
            characters[position] = replacement
            #expect(CaseCode.normalised(String(characters)) == nil, "\(code) → \(String(characters))")
        }
        #expect(seen.count == 2_000)
        #expect(CaseCode.normalised("ABCD-EFGH") == nil)
        #expect(CaseCode.normalised("0OIL-0OIL-0") == nil)
    }
}

@Suite("Inquiries: what a filed request must hold")
struct InquiryDraftTests {
    static func draft() -> InquiryDraft {
        InquiryDraft(
            applicant: Applicant(
                name: PersonName(surname: "Петренко", givenNames: "Ганна", language: .ukrainian),
                dateOfBirth: PartialDate("1962-03-08")!, relationship: .mother, email: "hanna@example.org"),
            sought: SoughtParticulars(
                name: PersonName(surname: "Петренко", givenNames: "Олександр", patronymic: "Миколайович", language: .ukrainian),
                dateOfBirth: PartialDate("1987-05-04"), unit: "А1556", lastSeenOn: PartialDate("2024-02"),
                lastSeenPlace: "Авдіївка"),
            consent: true, channel: .publicForm)
    }

    @Test("a complete request passes")
    func complete() throws {
        try Self.draft().validate(today: PartialDate("2025-11-24")!)
    }

    @Test("every problem is named by its field at once")
    func problems() {
        var draft = Self.draft()
        draft.applicant.email = "hanna at example"
        draft.sought.name.surname = " "
        draft.sought.lastSeenOn = PartialDate("2030")
        draft.consent = false
        #expect(throws: ValidationError.self) { try draft.validate(today: PartialDate("2025-11-24")!) }
        do {
            try draft.validate(today: PartialDate("2025-11-24")!)
        } catch {
            #expect(error.issues.map(\.field) == ["applicant.email", "sought.name.surname", "sought.lastSeenOn", "consent"])
        }
        draft = Self.draft()
        draft.applicant.email = nil
        do {
            try draft.validate(today: PartialDate("2025-11-24")!)
            Issue.record("accepted without a way to answer")
        } catch {
            #expect(error.issues.map(\.field) == ["applicant.contact"])
        }
    }

    @Test("kinship documents are told by their bytes, not their names, and limited in number and size")
    func documents() {
        let pdf = KinshipDocument(fileName: "certificate.png", bytes: Array("%PDF-1.4\n".utf8))
        let jpeg = KinshipDocument(fileName: "scan", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0x00])
        let png = KinshipDocument(fileName: "photo.pdf", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00])
        #expect([pdf, jpeg, png].map(\.contentType) == ["application/pdf", "image/jpeg", "image/png"])
        let script = KinshipDocument(fileName: "certificate.pdf", bytes: Array("<html><script>".utf8))
        let empty = KinshipDocument(fileName: "empty.pdf", bytes: [])
        let large = KinshipDocument(
            fileName: "large.pdf", bytes: Array("%PDF-".utf8) + [UInt8](repeating: 0, count: KinshipDocument.maximumBytes))
        var validator = Validator(today: PartialDate("2025-11-24")!)
        KinshipDocument.validate([pdf, script, empty, large], into: &validator)
        #expect(
            validator.issues.map { "\($0.field) \($0.rule)" } == [
                "documents max-count", "documents[2] type", "documents[3] empty", "documents[4] max-size",
            ])
        #expect(validator.issues[1].message == "certificate.pdf is not a PDF, JPEG or PNG file")
    }
}
