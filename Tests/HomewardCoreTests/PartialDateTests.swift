import Foundation
import HomewardCore
import Testing

@Suite("PartialDate")
struct PartialDateTests {
    @Test(
        "parses the three ISO 8601 forms",
        arguments: [
            ("1987", 1987, nil, nil),
            ("1987-05", 1987, 5, nil),
            ("1987-05-04", 1987, 5, 4),
            ("2000-02-29", 2000, 2, 29),
            ("1850-01-01", 1850, 1, 1),
            ("2200-12-31", 2200, 12, 31),
        ] as [(String, Int, Int?, Int?)])
    func parsesValid(text: String, year: Int, month: Int?, day: Int?) throws {
        let parsed = try PartialDate(iso: text)
        #expect(parsed.year == year)
        #expect(parsed.month == month)
        #expect(parsed.day == day)
    }

    @Test(
        "rejects what is not YYYY, YYYY-MM or YYYY-MM-DD",
        arguments: [
            "", "87", "987", "19870", "1987-5-4", "1987-5", "1987-05-4", "1987-", "1987--05", "-1987",
            "1987-05-04-01", "1987/05/04", "04.05.1987", "1987-05-04T00:00", " 1987", "+987", "١٩٨٧", "１９８７",
        ])
    func rejectsMalformed(text: String) {
        #expect(throws: PartialDateError.notISO(text)) { try PartialDate(iso: text) }
        #expect(PartialDate(text) == nil)
    }

    @Test("rejects dates that do not exist")
    func rejectsNonexistent() {
        #expect(throws: PartialDateError.monthOutOfRange(13)) { try PartialDate(iso: "1987-13") }
        #expect(throws: PartialDateError.monthOutOfRange(0)) { try PartialDate(iso: "1987-00") }
        #expect(throws: PartialDateError.dayOutOfRange(30, month: 2, year: 1987)) {
            try PartialDate(iso: "1987-02-30")
        }
        #expect(throws: PartialDateError.dayOutOfRange(31, month: 4, year: 1987)) {
            try PartialDate(iso: "1987-04-31")
        }
        #expect(throws: PartialDateError.dayOutOfRange(0, month: 5, year: 1987)) {
            try PartialDate(iso: "1987-05-00")
        }
    }

    @Test("29 February exists in leap years only; centuries are leap only when divisible by 400")
    func leapYears() throws {
        #expect(throws: PartialDateError.dayOutOfRange(29, month: 2, year: 1900)) {
            try PartialDate(iso: "1900-02-29")
        }
        #expect(throws: PartialDateError.dayOutOfRange(29, month: 2, year: 1987)) {
            try PartialDate(iso: "1987-02-29")
        }
        #expect(try PartialDate(iso: "2000-02-29").day == 29)
        #expect(try PartialDate(iso: "1988-02-29").day == 29)
    }

    @Test("years outside the plausible range are typing errors", arguments: ["0000", "0987", "1849", "2201", "9999"])
    func rejectsImplausibleYear(text: String) {
        #expect(throws: PartialDateError.yearOutOfRange(Int(text)!)) { try PartialDate(iso: text) }
    }

    @Test("a day needs a month")
    func dayWithoutMonth() {
        #expect(throws: PartialDateError.dayWithoutMonth) { try PartialDate(year: 1987, day: 4) }
    }

    @Test("the error explains itself")
    func errorDescription() {
        #expect(PartialDateError.monthOutOfRange(13).description == "month 13 is not between 1 and 12")
        #expect(PartialDateError.yearOutOfRange(1849).description.contains("1850"))
    }

    @Test(
        "description is the ISO form it was parsed from",
        arguments: [
            "1987", "1987-05", "1987-05-04", "1987-12-31", "2000-02-29", "1850", "2200-01",
        ])
    func descriptionRoundTrip(text: String) throws {
        let parsed = try PartialDate(iso: text)
        #expect(parsed.description == text)
        #expect(PartialDate(parsed.description) == parsed)
    }

    @Test("description pads month and day to two digits")
    func descriptionPads() throws {
        #expect(try PartialDate(year: 1987, month: 5, day: 4).description == "1987-05-04")
        #expect(try PartialDate(year: 1987, month: 11).description == "1987-11")
    }

    @Test("precision is the finest part given")
    func precision() {
        #expect(date("1987").precision == .year)
        #expect(date("1987-05").precision == .month)
        #expect(date("1987-05-04").precision == .day)
        #expect(PartialDate.Precision.year < .month)
        #expect(PartialDate.Precision.month < .day)
        #expect(!(PartialDate.Precision.day < .year))
    }

    @Test(
        "relation",
        arguments: [
            ("1987", "1987", PartialDate.Relation.same),
            ("1987-05", "1987-05", .same),
            ("1987-05-04", "1987-05-04", .same),
            ("1987", "1987-05-04", .overlapping),
            ("1987-05-04", "1987", .overlapping),
            ("1987", "1987-05", .overlapping),
            ("1987-05", "1987-05-31", .overlapping),
            ("1987-05", "1987-06-01", .before),
            ("1987-06-01", "1987-05", .after),
            ("1987-05-31", "1987-06", .before),
            ("1986-12-31", "1987", .before),
            ("1987", "1986-12-31", .after),
            ("1987", "1988-01", .before),
            ("1987-05-04", "1987-05-05", .before),
            ("1987-05-05", "1987-05-04", .after),
            ("1987-12", "1988", .before),
        ])
    func relation(lhs: String, rhs: String, expected: PartialDate.Relation) {
        #expect(date(lhs).relation(to: date(rhs)) == expected)
    }

    @Test("compatible when both can mean the same day")
    func compatibility() {
        #expect(date("1987").isCompatible(with: date("1987-05-04")))
        #expect(date("1987-05-04").isCompatible(with: date("1987")))
        #expect(date("1987-05").isCompatible(with: date("1987-05")))
        #expect(!date("1986").isCompatible(with: date("1987-05-04")))
        #expect(!date("1987-05").isCompatible(with: date("1987-06-01")))
        #expect(!date("1987-05-04").isCompatible(with: date("1987-05-05")))
    }

    @Test(
        "day and month swapped, when the swap is itself a date",
        arguments: [
            ("1987-05-04", "1987-04-05"),
            ("1987-12-01", "1987-01-12"),
            ("1987-01-12", "1987-12-01"),
        ])
    func dayMonthSwapped(text: String, swapped: String) {
        #expect(date(text).dayMonthSwapped == date(swapped))
    }

    @Test(
        "no swap when it would not be a date, would change nothing or there is no day",
        arguments: [
            "1987-05-13", "1987-05-05", "1987-05", "1987", "1987-02-28",
        ])
    func noDayMonthSwap(text: String) {
        #expect(date(text).dayMonthSwapped == nil)
    }

    @Test("day numbers count from 1970-01-01")
    func dayNumbers() {
        #expect(date("1970-01-01").earliestDay == 0)
        #expect(date("1970-01-01").latestDay == 0)
        #expect(date("1970-01-02").earliestDay == 1)
        #expect(date("1969-12-31").earliestDay == -1)
        #expect(date("1970").latestDay == 364)
        #expect(date("1972").latestDay == 1095)
        #expect(date("2000-01-01").earliestDay == 10_957)
        #expect(date("2000-03-01").earliestDay == 11_017)
    }

    @Test("a partial date spans every day it can mean")
    func spans() {
        #expect(date("1987").earliestDay == date("1987-01-01").earliestDay)
        #expect(date("1987").latestDay == date("1987-12-31").earliestDay)
        #expect(date("1987-02").latestDay == date("1987-02-28").earliestDay)
        #expect(date("1988-02").latestDay == date("1988-02-29").earliestDay)
        #expect(date("1987-04").latestDay == date("1987-04-30").earliestDay)
    }

    @Test("encodes as its ISO string and decodes back")
    func codableRoundTrip() throws {
        let dates = [date("1987"), date("1987-05"), date("1987-05-04")]
        let json = try JSONEncoder().encode(dates)
        #expect(String(decoding: json, as: UTF8.self) == #"["1987","1987-05","1987-05-04"]"#)
        #expect(try JSONDecoder().decode([PartialDate].self, from: json) == dates)
    }

    @Test(
        "decoding a string that is not a date fails as corrupted data",
        arguments: [
            #"["1987-13"]"#, #"["87"]"#, #"["1987-02-30"]"#, #"[""]"#,
        ])
    func decodingInvalid(json: String) {
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([PartialDate].self, from: Data(json.utf8))
        }
        guard case .dataCorrupted = error else {
            Issue.record("expected dataCorrupted, got \(String(describing: error))")
            return
        }
    }

    @Test("decoding a number fails: a date is always written as a string")
    func decodingNumber() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([PartialDate].self, from: Data("[1987]".utf8))
        }
    }
}
