import Foundation
import HomewardCore
import Testing

private let today = date("2024-06-15")

/// The broken rules as "field rule", which is what a client acts on; messages are for people and may be reworded.
private func brokenRules(_ validate: () throws -> Void) -> [String] {
    do {
        try validate()
        return []
    } catch let error as ValidationError {
        return error.issues.map { "\($0.field) \($0.rule)" }
    } catch {
        return ["unexpected error \(error)"]
    }
}

private func personDraft(
    surname: String = "Петренко",
    givenNames: String? = "Іван",
    change: (inout PersonIdentity) -> Void = { _ in }
) -> PersonDraft {
    var identity = PersonIdentity(
        name: PersonName(surname: surname, givenNames: givenNames, patronymic: "Миколайович", language: .ukrainian),
        sex: .male,
        dateOfBirth: date("1987-05-04"),
        placeOfBirth: "Полтава",
        citizenship: "Україна",
        rank: "солдат",
        serviceNumber: "АА123456",
        unit: "в/ч А0000",
        nextOfKin: NextOfKin(name: "Петренко Ганна", relationship: "мати", address: "Полтава", phone: "+380000000000")
    )
    change(&identity)
    return PersonDraft(affiliation: .own, category: .servicemember, identity: identity)
}

@Suite("Validating a person")
struct PersonValidationTests {
    @Test("a complete draft is valid")
    func validDraft() {
        #expect(brokenRules { try personDraft().validate(today: today) } == [])
    }

    @Test("the surname is required", arguments: ["", " ", "   \n\t"])
    func blankSurname(surname: String) {
        #expect(
            brokenRules { try personDraft(surname: surname).validate(today: today) } == [
                "identity.name.surname required"
            ])
    }

    @Test("given names and patronymic are optional")
    func optionalNames() {
        let draft = personDraft(givenNames: nil) { $0.name.patronymic = nil }
        #expect(brokenRules { try draft.validate(today: today) } == [])
    }

    @Test("a name is at most 200 characters")
    func surnameLength() {
        let longest = String(repeating: "Щ", count: 200)
        #expect(brokenRules { try personDraft(surname: longest).validate(today: today) } == [])
        #expect(
            brokenRules { try personDraft(surname: longest + "Щ").validate(today: today) } == [
                "identity.name.surname max-length"
            ])
    }

    @Test("length is counted in characters as a person sees them, not in bytes")
    func lengthInCharacters() {
        let combining = String(repeating: "\u{0438}\u{0306}", count: 200)
        #expect(combining.unicodeScalars.count == 400)
        #expect(brokenRules { try personDraft(surname: combining).validate(today: today) } == [])
    }

    @Test("the message says how long the value is and what is allowed")
    func maxLengthMessage() throws {
        let draft = personDraft(surname: String(repeating: "a", count: 201))
        let error = #expect(throws: ValidationError.self) { try draft.validate(today: today) }
        #expect(error?.issues.first?.message.contains("201") == true)
        #expect(error?.issues.first?.message.contains("200") == true)
    }

    @Test("a date of birth after today is refused", arguments: ["2024-06-16", "2024-07", "2025"])
    func futureDateOfBirth(text: String) {
        let draft = personDraft { $0.dateOfBirth = date(text) }
        #expect(brokenRules { try draft.validate(today: today) } == ["identity.dateOfBirth not-in-future"])
    }

    @Test("a date of birth that may be today is accepted", arguments: ["2024-06-15", "2024-06", "2024"])
    func dateOfBirthThatMayBeToday(text: String) {
        let draft = personDraft { $0.dateOfBirth = date(text) }
        #expect(brokenRules { try draft.validate(today: today) } == [])
    }

    @Test(
        "control characters are refused in names and short texts",
        arguments: [
            "\u{0007}", "\u{0000}", "\n", "\r", "\t", "\u{001B}", "\u{007F}", "\u{0085}",
        ])
    func controlCharacters(control: String) {
        #expect(
            brokenRules { try personDraft(surname: "Петр\(control)енко").validate(today: today) } == [
                "identity.name.surname control-characters"
            ])
        let draft = personDraft { $0.unit = "в/ч\(control)А0000" }
        #expect(brokenRules { try draft.validate(today: today) } == ["identity.unit control-characters"])
    }

    @Test("a value can break two rules at once")
    func twoRulesOneField() {
        let surname = String(repeating: "a", count: 201) + "\u{0007}"
        #expect(
            brokenRules { try personDraft(surname: surname).validate(today: today) } == [
                "identity.name.surname max-length", "identity.name.surname control-characters",
            ])
    }

    @Test("next of kin, when given, needs a name")
    func nextOfKinName() {
        let draft = personDraft { $0.nextOfKin = NextOfKin(name: " ", phone: "+380000000000") }
        #expect(brokenRules { try draft.validate(today: today) } == ["identity.nextOfKin.name required"])
    }

    @Test("a service number is at most 50 characters")
    func serviceNumberLength() {
        let draft = personDraft { $0.serviceNumber = String(repeating: "1", count: 51) }
        #expect(brokenRules { try draft.validate(today: today) } == ["identity.serviceNumber max-length"])
    }

    @Test("every broken rule is reported at once")
    func allIssuesAtOnce() {
        let draft = personDraft(surname: "", givenNames: String(repeating: "І", count: 201)) {
            $0.dateOfBirth = date("2030")
            $0.rank = "сол\u{0007}дат"
            $0.nextOfKin = NextOfKin(name: "")
        }
        let rules = brokenRules { try draft.validate(today: today) }
        #expect(
            Set(rules) == [
                "identity.name.surname required",
                "identity.name.givenNames max-length",
                "identity.dateOfBirth not-in-future",
                "identity.rank control-characters",
                "identity.nextOfKin.name required",
            ]
        )
        #expect(rules.count == 5)
    }

    @Test("the error describes every issue")
    func errorDescription() {
        let error = ValidationError([
            ValidationIssue(field: "a", rule: "required", message: "is required"),
            ValidationIssue(field: "b", rule: "max-length", message: "is too long"),
        ])
        #expect(error.description == "a: is required; b: is too long")
    }
}

@Suite("Validating an event")
struct EventValidationTests {
    @Test("a capture mode belongs to a capture")
    func captureMode() {
        let capture = EventDraft(kind: .captured, credibility: .probablyTrue, captureMode: .voluntarySurrender)
        #expect(brokenRules { try capture.validate(today: today) } == [])
        for kind in EventKind.allCases where kind != .captured && kind != .retraction {
            let draft = EventDraft(kind: kind, credibility: .probablyTrue, captureMode: .combat)
            #expect(brokenRules { try draft.validate(today: today) } == ["captureMode not-allowed"], "\(kind)")
        }
    }

    @Test("a retraction must name the event it withdraws")
    func retractionNeedsSupersedes() {
        let bare = EventDraft(kind: .retraction, credibility: .confirmed)
        #expect(brokenRules { try bare.validate(today: today) } == ["supersedes required"])
        let named = EventDraft(kind: .retraction, credibility: .confirmed, supersedes: uuid(1))
        #expect(brokenRules { try named.validate(today: today) } == [])
    }

    @Test("an event cannot have happened after today")
    func futureEvent() {
        let future = EventDraft(kind: .released, date: date("2024-06-16"), credibility: .confirmed)
        #expect(brokenRules { try future.validate(today: today) } == ["date not-in-future"])
        let sameMonth = EventDraft(kind: .released, date: date("2024-06"), credibility: .confirmed)
        #expect(brokenRules { try sameMonth.validate(today: today) } == [])
    }

    @Test("a note may span lines, but a place may not")
    func lineBreaks() {
        let note = EventDraft(kind: .heldAt, credibility: .possiblyTrue, note: "line one\nline two\r\n\tindented")
        #expect(brokenRules { try note.validate(today: today) } == [])
        let place = EventDraft(kind: .heldAt, place: "Оленівка\nДонецька обл.", credibility: .possiblyTrue)
        #expect(brokenRules { try place.validate(today: today) } == ["place control-characters"])
        let nul = EventDraft(kind: .heldAt, credibility: .possiblyTrue, note: "bad\u{0000}byte")
        #expect(brokenRules { try nul.validate(today: today) } == ["note control-characters"])
    }

    @Test("every broken rule is reported at once")
    func allIssuesAtOnce() {
        let draft = EventDraft(
            kind: .retraction,
            date: date("2025"),
            place: String(repeating: "x", count: 501),
            credibility: .confirmed,
            captureMode: .wounded
        )
        #expect(
            Set(brokenRules { try draft.validate(today: today) }) == [
                "date not-in-future", "place max-length", "captureMode not-allowed", "supersedes required",
            ]
        )
    }
}

@Suite("Validating a record")
struct RecordValidationTests {
    private func recordDraft(rowNumber: Int? = 2, surname: String = "Петренко", raw: [RawField] = []) -> RecordDraft {
        RecordDraft(
            sourceID: uuid(1),
            rowNumber: rowNumber,
            particulars: RecordParticulars(name: PersonName(surname: surname, language: .ukrainian)),
            raw: raw
        )
    }

    @Test("row numbers start at 1", arguments: [0, -1, Int.min])
    func rowNumberMinimum(rowNumber: Int) {
        #expect(brokenRules { try recordDraft(rowNumber: rowNumber).validate(today: today) } == ["rowNumber minimum"])
    }

    @Test("a record need not come from a list, and row 1 is a row")
    func rowNumberOptional() {
        #expect(brokenRules { try recordDraft(rowNumber: nil).validate(today: today) } == [])
        #expect(brokenRules { try recordDraft(rowNumber: 1).validate(today: today) } == [])
    }

    @Test("a record names someone")
    func surnameRequired() {
        #expect(
            brokenRules { try recordDraft(surname: "").validate(today: today) } == [
                "particulars.name.surname required"
            ])
    }

    @Test("raw cells are checked one by one and named by position")
    func rawCells() {
        let raw = [
            RawField(column: "ПІБ", value: "Петренко Іван"),
            RawField(column: "Примітка", value: "рядок 1\nрядок 2"),
            RawField(column: "Дата\u{0007}", value: "04.05.1987"),
        ]
        #expect(
            brokenRules { try recordDraft(raw: raw).validate(today: today) } == ["raw[2].column control-characters"])
    }

    @Test("at most 500 raw cells")
    func rawCellCount() {
        let cells = (0..<501).map { RawField(column: "c\($0)", value: "") }
        #expect(brokenRules { try recordDraft(raw: Array(cells.prefix(500))).validate(today: today) } == [])
        #expect(brokenRules { try recordDraft(raw: cells).validate(today: today) } == ["raw max-items"])
    }
}

@Suite("Validating a source and a facility")
struct SourceAndFacilityValidationTests {
    @Test("a source has a title", arguments: ["", "  "])
    func sourceTitle(title: String) {
        let draft = SourceDraft(kind: .adversaryList, title: title, reliability: .fairlyReliable)
        #expect(brokenRules { try draft.validate(today: today) } == ["title required"])
    }

    @Test("a source cannot have been received after today")
    func sourceReceivedOn() {
        let draft = SourceDraft(
            kind: .icrcNotification,
            title: "CTA notification 17",
            reliability: .completelyReliable,
            receivedOn: date("2024-06-16")
        )
        #expect(brokenRules { try draft.validate(today: today) } == ["receivedOn not-in-future"])
    }

    @Test("a valid source with multi-line notes")
    func validSource() {
        let draft = SourceDraft(
            kind: .returneeTestimony,
            title: "Свідчення повернутого",
            reliability: .usuallyReliable,
            receivedOn: today,
            reference: "вх. № 123",
            notes: "перший рядок\nдругий рядок"
        )
        #expect(brokenRules { try draft.validate(today: today) } == [])
    }

    @Test("a facility has a name")
    func facilityName() {
        let blank = FacilityDraft(name: " ", kind: .camp, controlledBy: .adversary)
        #expect(brokenRules { try blank.validate() } == ["name required"])
        let named = FacilityDraft(name: "ВК-120 Оленівка", kind: .camp, location: "Оленівка", controlledBy: .adversary)
        #expect(brokenRules { try named.validate() } == [])
    }
}

@Suite("Validator")
struct ValidatorTests {
    @Test("today is the UTC day of the given instant")
    func todayFromInstant() {
        #expect(Validator(now: Date(timeIntervalSince1970: 0)).today == date("1970-01-01"))
        #expect(Validator(now: Date(timeIntervalSince1970: 1_718_494_199)).today == date("2024-06-15"))
        #expect(Validator(now: Date(timeIntervalSince1970: 1_718_496_000)).today == date("2024-06-16"))
    }

    @Test("finishing without issues does not throw")
    func finishClean() {
        let validator = Validator(today: today)
        #expect(brokenRules { try validator.finish() } == [])
    }
}
