import HomewardCore

/// Reads the dates lists write: `04.05.1987`, `4/5/87`, `1987`, `05.1987`, `1987-05-04`, and the
/// serial day numbers a spreadsheet stores when its cell is formatted as a date.
///
/// Slashes and dots are read day first, as everywhere the bureau's lists come from. A two-digit
/// year is put in the century that does not make the date lie in the future.
public struct ListDateReader: Sendable {
    /// The day a two-digit year must not pass.
    public var today: PartialDate

    public init(today: PartialDate) {
        self.today = today
    }

    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case unreadable(String)
        case impossible(String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let text):
                "'\(text)' is not a date (expected dd.mm.yyyy, d/m/yy, mm.yyyy, yyyy or yyyy-mm-dd)"
            case .impossible(let text, let reason): "'\(text)' is not a real date: \(reason)"
            }
        }
    }

    /// The date, `nil` for an empty cell.
    public func read(_ text: String) throws(Failure) -> PartialDate? {
        var cleaned = text.trimmingSpaces()
        // "1987 р.", "1987 г.", "1987р": a year with the word for year after it.
        for suffix in ["р.", "г.", "р", "г", "year"] where cleaned.lowercased().hasSuffix(suffix) {
            cleaned = String(cleaned.dropLast(suffix.count)).trimmingSpaces()
            break
        }
        guard !cleaned.isEmpty else { return nil }
        // A spreadsheet's date cell read as a number: "33116", "33116.0", "33116.5" (noon).
        let wholeDays = cleaned.prefix { $0 != "." }
        if wholeDays.count == 5, wholeDays.allSatisfy(\.isASCIIDigit),
            cleaned.dropFirst(5).dropFirst().allSatisfy(\.isASCIIDigit), let serial = Self.spreadsheetSerial(cleaned)
        {
            return try fromSerial(serial, text: text)
        }
        let parts = cleaned.split(omittingEmptySubsequences: false) { $0 == "." || $0 == "/" || $0 == "-" }
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { throw .unreadable(text) }
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count else { throw .unreadable(text) }
        let lengths = parts.map(\.count)
        let isShort = { (index: Int) in (1...2).contains(lengths[index]) }
        let hasDash = cleaned.contains("-")
        do {
            switch parts.count {
            case 1 where lengths[0] == 4:
                return try PartialDate(year: numbers[0])
            case 2 where lengths[0] == 4 && isShort(1) && hasDash:
                return try PartialDate(year: numbers[0], month: numbers[1])
            case 2 where isShort(0) && lengths[1] == 4:
                return try PartialDate(year: numbers[1], month: numbers[0])
            case 3 where lengths[0] == 4 && isShort(1) && isShort(2) && !cleaned.contains("/"):
                return try PartialDate(year: numbers[0], month: numbers[1], day: numbers[2])
            case 3 where isShort(0) && isShort(1) && lengths[2] == 4:
                return try PartialDate(year: numbers[2], month: numbers[1], day: numbers[0])
            case 3 where isShort(0) && isShort(1) && lengths[2] == 2:
                return try PartialDate(year: fullYear(numbers[2]), month: numbers[1], day: numbers[0])
            default:
                throw Failure.unreadable(text)
            }
        } catch let failure as Failure {
            throw failure
        } catch let error as PartialDateError {
            throw .impossible(text, reason: error.description)
        } catch {
            throw .unreadable(text)
        }
    }

    private func fullYear(_ twoDigits: Int) -> Int {
        let century = today.year / 100 * 100
        return century + twoDigits > today.year ? century - 100 + twoDigits : century + twoDigits
    }

    /// A spreadsheet's date cell read as text: "33116" or "33116.0" (a time of day may follow).
    private static func spreadsheetSerial(_ text: String) -> Double? {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), text.count <= 12,
            let value = Double(text), value >= 1, value < 2_958_466
        else { return nil }
        return value
    }

    /// Day 1 is 1900-01-01 in the 1900 date system, which also counts a 29 February 1900 that
    /// never was (day 60), as Lotus 1-2-3 did; from day 61 on, day 0 is 1899-12-30.
    private func fromSerial(_ serial: Double, text: String) throws(Failure) -> PartialDate {
        let day = Int(serial.rounded(.down))
        guard day != 60 else { throw .impossible(text, reason: "day 60 of a spreadsheet is 29 February 1900, which never was") }
        let epoch = PartialDate.dayNumber(year: 1899, month: 12, day: day < 60 ? 31 : 30)
        do {
            return try PartialDate(dayNumber: epoch + day)
        } catch {
            throw .impossible(text, reason: error.description)
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
