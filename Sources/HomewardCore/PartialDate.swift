/// A calendar date known to a year, a year and month, or a full day.
///
/// Lists give "1987", "05.1987" or "04.05.1987"; pretending "1987" means 1 January 1987 would make
/// two records of one man look like two men, or two men look like one. So a partial date keeps
/// exactly what was said, and comparisons answer honestly: "1987" is neither before nor after
/// "1987-05-04"; it overlaps it.
public struct PartialDate: Hashable, Sendable {
    public let year: Int
    public let month: Int?
    public let day: Int?

    public enum Precision: String, Sendable, Comparable {
        case year, month, day

        public static func < (lhs: Precision, rhs: Precision) -> Bool {
            let order: [Precision] = [.year, .month, .day]
            return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
        }
    }

    /// How two partial dates stand to each other.
    public enum Relation: Sendable, Equatable {
        /// Every day one can mean lies before every day the other can mean.
        case before
        case after
        /// Both name the same year, month or day at the same precision.
        case same
        /// One contains the other or they share days, so neither order is known ("1987" and "1987-05").
        case overlapping
    }

    /// Years outside this range are typing errors in this domain, not dates.
    public static let plausibleYears = 1850...2200

    public init(year: Int, month: Int? = nil, day: Int? = nil) throws(PartialDateError) {
        guard Self.plausibleYears.contains(year) else { throw .yearOutOfRange(year) }
        if let month, !(1...12).contains(month) { throw .monthOutOfRange(month) }
        if let day {
            guard let month else { throw .dayWithoutMonth }
            let length = Self.daysIn(month: month, year: year)
            guard (1...length).contains(day) else { throw .dayOutOfRange(day, month: month, year: year) }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses the ISO 8601 forms `YYYY`, `YYYY-MM` and `YYYY-MM-DD`.
    public init(iso text: String) throws(PartialDateError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count),
            parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }),
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) })
        else { throw .notISO(text) }
        let numbers = parts.map { Int($0)! }
        try self.init(
            year: numbers[0],
            month: numbers.count > 1 ? numbers[1] : nil,
            day: numbers.count > 2 ? numbers[2] : nil
        )
    }

    public var precision: Precision {
        day != nil ? .day : month != nil ? .month : .year
    }

    /// The first day this date can mean, as a day number (days since 1970-01-01).
    public var earliestDay: Int {
        Self.dayNumber(year: year, month: month ?? 1, day: day ?? 1)
    }

    /// The last day this date can mean, as a day number (days since 1970-01-01).
    public var latestDay: Int {
        let lastMonth = month ?? 12
        return Self.dayNumber(year: year, month: lastMonth, day: day ?? Self.daysIn(month: lastMonth, year: year))
    }

    public func relation(to other: PartialDate) -> Relation {
        if self == other { return .same }
        if latestDay < other.earliestDay { return .before }
        if earliestDay > other.latestDay { return .after }
        return .overlapping
    }

    /// Whether both can mean the same day: "1987" is compatible with "1987-05-04", "1986" is not.
    public func isCompatible(with other: PartialDate) -> Bool {
        let relation = relation(to: other)
        return relation == .same || relation == .overlapping
    }

    /// The date with day and month exchanged, when that is itself a valid date.
    /// Lists written as mm.dd.yyyy by one source and dd.mm.yyyy by another produce exactly this.
    public var dayMonthSwapped: PartialDate? {
        guard let month, let day, month != day else { return nil }
        return try? PartialDate(year: year, month: day, day: month)
    }

    static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The full date of a day number (days since 1970-01-01).
    public init(dayNumber: Int) throws(PartialDateError) {
        let civil = Self.civil(fromDayNumber: dayNumber)
        try self.init(year: civil.year, month: civil.month, day: civil.day)
    }

    /// The calendar day of a day number (days since 1970-01-01) in the proleptic Gregorian
    /// calendar, any year (Howard Hinnant's `civil_from_days`).
    public static func civil(fromDayNumber dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension PartialDate: CustomStringConvertible, LosslessStringConvertible {
    /// The ISO 8601 form: `1987`, `1987-05` or `1987-05-04`.
    public var description: String {
        var text = String(year)
        if let month { text += "-" + Self.twoDigits(month) }
        if let day { text += "-" + Self.twoDigits(day) }
        return text
    }

    public init?(_ description: String) {
        guard let date = try? PartialDate(iso: description) else { return nil }
        self = date
    }

    private static func twoDigits(_ number: Int) -> String {
        number < 10 ? "0\(number)" : String(number)
    }
}

extension PartialDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(iso: text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.description)
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public enum PartialDateError: Error, Equatable, CustomStringConvertible {
    case notISO(String)
    case yearOutOfRange(Int)
    case monthOutOfRange(Int)
    case dayOutOfRange(Int, month: Int, year: Int)
    case dayWithoutMonth

    public var description: String {
        switch self {
        case .notISO(let text): "'\(text)' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        case .yearOutOfRange(let year):
            "year \(year) is outside \(PartialDate.plausibleYears.lowerBound)–\(PartialDate.plausibleYears.upperBound)"
        case .monthOutOfRange(let month): "month \(month) is not between 1 and 12"
        case .dayOutOfRange(let day, let month, let year): "day \(day) does not exist in \(year)-\(month)"
        case .dayWithoutMonth: "a day needs a month"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
