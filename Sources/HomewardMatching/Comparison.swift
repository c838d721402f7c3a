import HomewardCore

/// The fields the matcher compares, each with its agreement levels, strongest first.
/// Level 0 always means "one side is missing": it says nothing either way.
public enum MatchField: Int, CaseIterable, Sendable {
    case surname, givenName, patronymic, dateOfBirth, placeOfBirth, serviceNumber, unit

    /// The names of the levels after "missing", as the explanation of a pair shows them.
    public var levels: [String] {
        switch self {
        case .surname:
            ["same", "nearly the same", "similar", "a typo apart", "different"]
        case .givenName: ["same", "alias (other language or diminutive)", "similar", "an initial that fits", "different"]
        case .patronymic: ["same", "alias (other language)", "similar", "different"]
        case .dateOfBirth:
            [
                "same day", "day and month swapped", "one day apart", "same month, one side less precise",
                "same year, one side year only", "one year apart, same day and month", "same year, otherwise different",
                "different",
            ]
        case .placeOfBirth: ["same", "alias (renamed or other language)", "similar", "different"]
        case .serviceNumber: ["same", "one typo apart", "different"]
        case .unit: ["same", "different"]
        }
    }

    /// How many levels the field has, "missing" included.
    var levelCount: Int { levels.count + 1 }
}

/// One pair's agreement levels, one per field.
struct LevelVector: Hashable, Sendable {
    var levels: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    subscript(field: MatchField) -> UInt8 {
        switch field {
        case .surname: levels.0
        case .givenName: levels.1
        case .patronymic: levels.2
        case .dateOfBirth: levels.3
        case .placeOfBirth: levels.4
        case .serviceNumber: levels.5
        case .unit: levels.6
        }
    }

    /// A dense number for the whole vector, used to count patterns during training.
    var pattern: UInt32 {
        var code: UInt32 = 0
        for field in MatchField.allCases {
            code = code * UInt32(field.levelCount) + UInt32(self[field])
        }
        return code
    }

    init(pattern: UInt32) {
        var code = pattern
        var decoded = [UInt8](repeating: 0, count: MatchField.allCases.count)
        for field in MatchField.allCases.reversed() {
            decoded[field.rawValue] = UInt8(code % UInt32(field.levelCount))
            code /= UInt32(field.levelCount)
        }
        levels = (decoded[0], decoded[1], decoded[2], decoded[3], decoded[4], decoded[5], decoded[6])
    }

    init(_ levels: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        self.levels = levels
    }

    static func == (lhs: LevelVector, rhs: LevelVector) -> Bool { lhs.pattern == rhs.pattern }
    func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}

enum Comparator {
    static func compare(_ a: PreparedRecord, _ b: PreparedRecord) -> LevelVector {
        var surnameLevel = surname(a.surname, b.surname)
        var givenLevel = givenName(a, b)
        // Names typed into each other's fields: compare each name with the one it really is, so
        // that the pair counts as agreeing on both names once each, not on a rarer "swap".
        if surnameLevel >= 5, givenLevel >= 3, isSwapped(a, b) {
            surnameLevel = surname(a.surname, b.givenName)
            givenLevel = givenName(a.givenName, a.givenGroups, b.surname, b.surnameAsGivenGroups)
        }
        return LevelVector(
            (
                surnameLevel, givenLevel, patronymic(a, b), dateOfBirth(a.dateOfBirth, b.dateOfBirth),
                place(a, b), serviceNumber(a.serviceNumber, b.serviceNumber), unit(a.unit, b.unit)
            )
        )
    }

    /// Whether a's surname is b's given name and a's given name b's surname, allowing a typo or
    /// another form of the given name on one side.
    static func isSwapped(_ a: PreparedRecord, _ b: PreparedRecord) -> Bool {
        guard !a.givenName.isEmpty, !b.givenName.isEmpty, !a.surname.isEmpty, !b.surname.isEmpty else { return false }
        let surnameAcross = bestSimilarity(a.surname, b.givenName) >= 0.9 || sharesGroup(a.surnameAsGivenGroups, b.givenGroups)
        let givenAcross = bestSimilarity(a.givenName, b.surname) >= 0.9 || sharesGroup(a.givenGroups, b.surnameAsGivenGroups)
        return surnameAcross && givenAcross
    }

    static func bestSimilarity(_ a: [[UInt8]], _ b: [[UInt8]]) -> Double {
        var best = 0.0
        for x in a {
            for y in b {
                best = max(best, Similarity.jaroWinkler(x, y))
                if best == 1 { return 1 }
            }
        }
        return best
    }

    static func sharesGroup(_ a: [Int32], _ b: [Int32]) -> Bool {
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { return true }
            if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return false
    }

    static func surname(_ a: [[UInt8]], _ b: [[UInt8]]) -> UInt8 {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let similarity = bestSimilarity(a, b)
        if similarity == 1 { return 1 }
        if similarity >= 0.95 { return 2 }
        if similarity >= 0.88 { return 3 }
        if similarity >= 0.80 { return 4 }
        return 5
    }

    static func givenName(_ a: PreparedRecord, _ b: PreparedRecord) -> UInt8 {
        givenName(a.givenName, a.givenGroups, b.givenName, b.givenGroups)
    }

    static func givenName(_ a: [[UInt8]], _ aGroups: [Int32], _ b: [[UInt8]], _ bGroups: [Int32]) -> UInt8 {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let similarity = bestSimilarity(a, b)
        if similarity == 1 { return 1 }
        if sharesGroup(aGroups, bGroups) { return 2 }
        if similarity >= 0.90 { return 3 }
        let shortest = min(a[0].count, b[0].count)
        if shortest == 1, a[0].first == b[0].first { return 4 }
        return 5
    }

    static func patronymic(_ a: PreparedRecord, _ b: PreparedRecord) -> UInt8 {
        aliasedName(a.patronymic, a.patronymicGroups, b.patronymic, b.patronymicGroups)
    }

    /// Levels of a name the alias tables know (a patronymic, a place): same, alias, similar, different.
    static func aliasedName(_ a: [[UInt8]], _ aGroups: [Int32], _ b: [[UInt8]], _ bGroups: [Int32]) -> UInt8 {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let similarity = bestSimilarity(a, b)
        if similarity == 1 { return 1 }
        if sharesGroup(aGroups, bGroups) { return 2 }
        if similarity >= 0.88 { return 3 }
        return 4
    }

    static func dateOfBirth(_ a: PartialDate?, _ b: PartialDate?) -> UInt8 {
        guard let a, let b else { return 0 }
        if a == b, a.precision == .day { return 1 }
        if let swapped = a.dayMonthSwapped, swapped == b { return 2 }
        if a.precision == .day, b.precision == .day {
            if abs(a.earliestDay - b.earliestDay) == 1 { return 3 }
            if abs(a.year - b.year) == 1, a.month == b.month, a.day == b.day { return 6 }
            return a.year == b.year ? 7 : 8
        }
        guard a.year == b.year else { return 8 }
        if a.month != nil, b.month != nil { return a.month == b.month ? 4 : 7 }
        return 5
    }

    static func place(_ a: PreparedRecord, _ b: PreparedRecord) -> UInt8 {
        aliasedName(a.place, a.placeGroups, b.place, b.placeGroups)
    }

    static func serviceNumber(_ a: [UInt8], _ b: [UInt8]) -> UInt8 {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        if a == b { return 1 }
        return Similarity.damerauLevenshtein(a, b) <= 1 ? 2 : 3
    }

    static func unit(_ a: [UInt8], _ b: [UInt8]) -> UInt8 {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        return a == b ? 1 : 2
    }
}
