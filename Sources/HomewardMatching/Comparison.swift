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
        case .givenName:
            [
                "same", "alias (other language or diminutive)", "similar, or a typo of an alias", "an initial that fits",
                "different", "two different known names",
            ]
        case .patronymic: ["same", "alias (other language)", "similar, or a typo of an alias", "different"]
        case .dateOfBirth:
            [
                "same day", "day and month swapped", "one day apart", "same month, one side less precise",
                "same year, one side year only", "one year apart, otherwise agreeing", "same year, otherwise different",
                "different",
            ]
        case .placeOfBirth: ["same", "alias (renamed or other language)", "similar, or a typo of an alias", "different"]
        case .serviceNumber: ["same", "one typo apart", "different"]
        case .unit: ["same", "different"]
        }
    }

    /// How many levels the field has, "missing" included; from a table, since it is asked for
    /// every pair.
    var levelCount: Int { Self.levelCounts[rawValue] }

    private static let levelCounts = allCases.map { $0.levels.count + 1 }
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

    /// How many patterns there are.
    static let patternCount = MatchField.allCases.reduce(UInt32(1)) { $0 * UInt32($1.levelCount) }

    /// A dense number for the whole vector, used to count patterns during training.
    var pattern: UInt32 {
        var code: UInt32 = 0
        for field in MatchField.allCases {
            code = code * UInt32(field.levelCount) + UInt32(self[field])
        }
        return code
    }

    init(pattern: UInt32) {
        // Decoded last field first, as `pattern` encodes it.
        var code = pattern
        let unit = Self.takeLevel(&code, .unit)
        let serviceNumber = Self.takeLevel(&code, .serviceNumber)
        let place = Self.takeLevel(&code, .placeOfBirth)
        let date = Self.takeLevel(&code, .dateOfBirth)
        let patronymic = Self.takeLevel(&code, .patronymic)
        let given = Self.takeLevel(&code, .givenName)
        levels = (Self.takeLevel(&code, .surname), given, patronymic, date, place, serviceNumber, unit)
    }

    /// A static function, not a closure over `code`: no exclusivity check on every pair.
    private static func takeLevel(_ code: inout UInt32, _ field: MatchField) -> UInt8 {
        defer { code /= UInt32(field.levelCount) }
        return UInt8(code % UInt32(field.levelCount))
    }

    init(_ levels: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)) {
        self.levels = levels
    }

    static func == (lhs: LevelVector, rhs: LevelVector) -> Bool { lhs.pattern == rhs.pattern }
    func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}

/// Compares prepared records field by field. One per worker: it remembers what it found about
/// pairs of names, because a register repeats its names endlessly.
struct Comparator {
    let records: PreparedRecords
    /// Similarities of surnames (and of names across fields). Two different people's surnames
    /// seldom meet twice, so they have a table of their own and do not push out the levels below.
    private var similarities: PairMemory
    /// Levels of two different given names, patronymics or places: a few thousand names each,
    /// met over and over, so one look-up stands for the similarity, the alias groups and the typo
    /// tests together.
    private var levels: PairMemory

    /// - Parameter memoryBits: the pairs remembered in each table, as a power of two; a
    ///   comparator for one record's few candidates needs few.
    init(_ records: PreparedRecords, memoryBits: Int = 18) {
        self.records = records
        similarities = PairMemory(bits: memoryBits)
        levels = PairMemory(bits: memoryBits)
    }

    private var names: NameTable { records.names }

    mutating func compare(_ left: Int, _ right: Int) -> LevelVector {
        compare(records.records[left], records.records[right])
    }

    mutating func compare(_ a: PreparedRecord, _ b: PreparedRecord) -> LevelVector {
        var surnameLevel = surname(a.surname, b.surname)
        var givenLevel = givenName(a.givenName, b.givenName)
        // Names typed into each other's fields: compare each name with the one it really is, so
        // that the pair counts as agreeing on both names once each, not on a rarer "swap".
        if surnameLevel >= 5, givenLevel >= 3, isSwapped(a, b) {
            // Whichever record was swapped, one cross pair holds the given names: the one the
            // given-name tables know.
            if !names.nameGroups[AliasKind.givenName.rawValue][Int(a.surname)].isEmpty
                || !names.nameGroups[AliasKind.givenName.rawValue][Int(b.givenName)].isEmpty
            {
                surnameLevel = surname(a.givenName, b.surname)
                givenLevel = givenName(a.surname, b.givenName)
            } else {
                surnameLevel = surname(a.surname, b.givenName)
                givenLevel = givenName(a.givenName, b.surname)
            }
        }
        return LevelVector(
            (
                surnameLevel, givenLevel, aliasedName(a.patronymic, b.patronymic, .patronymic),
                Self.dateOfBirth(a.dateOfBirth, b.dateOfBirth), aliasedName(a.place, b.place, .place),
                serviceNumber(a.serviceNumber, b.serviceNumber), Self.unit(a.unit, b.unit)
            )
        )
    }

    /// Whether a's surname is b's given name and a's given name b's surname: one cross pair the
    /// same or other forms of one name, the other at most a typo or two apart. (Only asked when
    /// the names, compared straight, disagree.)
    mutating func isSwapped(_ a: PreparedRecord, _ b: PreparedRecord) -> Bool {
        guard a.givenName != 0, b.givenName != 0, a.surname != 0, b.surname != 0 else { return false }
        let surnameAcross = similarity(a.surname, b.givenName)
        let givenAcross = similarity(a.givenName, b.surname)
        // One cross pair holds the surnames, which have no other forms: unless one pair is at
        // least a typo apart, there is no swap (and most pairs end here, before the costlier tests).
        guard max(surnameAcross, givenAcross) >= 0.8 else { return false }
        let surnameAcrossAgrees =
            surnameAcross >= 0.9 || sharesGroup(a.surname, b.givenName, .givenName)
            || isTypoOfAlias(a.surname, b.givenName, .givenName)
        let givenAcrossAgrees =
            givenAcross >= 0.9 || sharesGroup(a.givenName, b.surname, .givenName)
            || isTypoOfAlias(a.givenName, b.surname, .givenName)
        return (surnameAcrossAgrees && (givenAcrossAgrees || givenAcross >= 0.8))
            || (givenAcrossAgrees && surnameAcross >= 0.8)
    }

    /// The best Jaro–Winkler similarity between any key of one name and any key of the other.
    mutating func similarity(_ a: Int32, _ b: Int32) -> Float {
        if a == b { return 1 }
        let (pair, slot) = similarities.slot(a, b)
        if let known = similarities.answer(at: slot, for: pair) { return Float(bitPattern: known) }
        let best = names.bestSimilarity(a, b)
        similarities.remember(best.bitPattern, for: pair, at: slot)
        return best
    }

    /// Whether one name is a typo away from the other as spelt ("Іан" and "Іван", "Юій" and
    /// "Yurii", which their folded keys put further apart; given names only, the short ones,
    /// where Jaro–Winkler forgives a slip least) or from another form of the other
    /// ("Александ" and "Олександр", "Сашк" and "Олександр"). Each name's own spelling is held
    /// against the other's alias forms, never forms against forms: two names that merely share a
    /// diminutive stay apart, as aliases do. Two names that are both written as forms of the
    /// table are two names, however close: Іван and Ян, Олег and Олесь.
    func isTypoOfAlias(_ a: Int32, _ b: Int32, _ kind: AliasKind) -> Bool {
        let forms = names.isTableForm[kind.rawValue]
        return !(forms[Int(a)] && forms[Int(b)])
            && ((kind == .givenName && names.isSpeltOneTypoApart(a, b)) || names.isTypo(of: a, fromFormsOf: b, kind)
                || names.isTypo(of: b, fromFormsOf: a, kind))
    }

    func sharesGroup(_ a: Int32, _ b: Int32, _ kind: AliasKind) -> Bool {
        let groups = names.nameGroups[kind.rawValue]
        let aGroups = groups.bounds(of: a)
        let bGroups = groups.bounds(of: b)
        var i = aGroups.lowerBound
        var j = bGroups.lowerBound
        while i < aGroups.upperBound && j < bGroups.upperBound {
            let x = groups.values[i]
            let y = groups.values[j]
            if x == y { return true }
            if x < y { i += 1 } else { j += 1 }
        }
        return false
    }

    mutating func surname(_ a: Int32, _ b: Int32) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        let similarity = similarity(a, b)
        if similarity == 1 { return 1 }
        if similarity >= 0.95 { return 2 }
        if similarity >= 0.88 { return 3 }
        if similarity >= 0.80 { return 4 }
        return 5
    }

    mutating func givenName(_ a: Int32, _ b: Int32) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        if a == b { return 1 }
        return level(a, b, .givenName)
    }

    /// Levels of a name the alias tables know (a patronymic, a place): same, alias, similar, different.
    mutating func aliasedName(_ a: Int32, _ b: Int32, _ kind: AliasKind) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        if a == b { return 1 }
        return level(a, b, kind)
    }

    /// The level of two different names of a field the alias tables know, remembered.
    private mutating func level(_ a: Int32, _ b: Int32, _ kind: AliasKind) -> UInt8 {
        let (pair, slot) = levels.slot(a, b, question: kind.rawValue)
        if let known = levels.answer(at: slot, for: pair) { return UInt8(known) }
        let level = kind == .givenName ? givenNameLevel(a, b) : aliasedNameLevel(a, b, kind)
        levels.remember(UInt32(level), for: pair, at: slot)
        return level
    }

    private func givenNameLevel(_ a: Int32, _ b: Int32) -> UInt8 {
        let similarity = names.bestSimilarity(a, b)
        if similarity == 1 { return 1 }
        if sharesGroup(a, b, .givenName) { return 2 }
        if similarity >= 0.90 || isTypoOfAlias(a, b, .givenName) { return 3 }
        if names.isInitial(of: a, fitting: b) { return 4 }
        // Two names the tables know, and not of one group: Олександр and Микола are brothers,
        // not a typo.
        let known = names.nameGroups[AliasKind.givenName.rawValue]
        return known[Int(a)].isEmpty || known[Int(b)].isEmpty ? 5 : 6
    }

    private func aliasedNameLevel(_ a: Int32, _ b: Int32, _ kind: AliasKind) -> UInt8 {
        let similarity = names.bestSimilarity(a, b)
        if similarity == 1 { return 1 }
        if sharesGroup(a, b, kind) { return 2 }
        if similarity >= 0.88 || isTypoOfAlias(a, b, kind) { return 3 }
        return 4
    }

    /// Dates packed as in `PreparedRecord.dateOfBirth`.
    static func dateOfBirth(_ a: Int32, _ b: Int32) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        let (aYear, aMonth, aDay) = (Int(a / 10_000), Int(a / 100 % 100), Int(a % 100))
        let (bYear, bMonth, bDay) = (Int(b / 10_000), Int(b / 100 % 100), Int(b % 100))
        if aDay != 0, bDay != 0 {
            if a == b { return 1 }
            if aYear == bYear, aMonth == bDay, aDay == bMonth { return 2 }
            if abs(aYear - bYear) <= 1,
                abs(
                    PartialDate.dayNumber(year: aYear, month: aMonth, day: aDay)
                        - PartialDate.dayNumber(year: bYear, month: bMonth, day: bDay)) == 1
            {
                return 3
            }
            if abs(aYear - bYear) == 1, aMonth == bMonth, aDay == bDay { return 6 }
            return aYear == bYear ? 7 : 8
        }
        guard aYear == bYear else {
            // A year typed a year off, by a list that gives the year alone.
            let yearOnly = aMonth == 0 || bMonth == 0
            let sameMonth = aMonth == bMonth && aDay == bDay
            return abs(aYear - bYear) == 1 && (yearOnly || sameMonth) ? 6 : 8
        }
        if aMonth != 0, bMonth != 0 { return aMonth == bMonth ? 4 : 7 }
        return 5
    }

    func serviceNumber(_ a: Int32, _ b: Int32) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        if a == b { return 1 }
        let documents = records.documents.documents
        let oneTypo = documents.values.withUnsafeBufferPointer { bytes in
            Similarity.areWithinOneEdit(
                UnsafeBufferPointer(rebasing: bytes[documents.bounds(of: a)]),
                UnsafeBufferPointer(rebasing: bytes[documents.bounds(of: b)])
            )
        }
        return oneTypo ? 2 : 3
    }

    static func unit(_ a: Int32, _ b: Int32) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return a == b ? 1 : 2
    }
}

/// Answers about pairs of names in a table of fixed size, where a newer answer takes the place of
/// an older one: the unordered pair and the question are packed in one word, which is checked
/// before an answer is believed.
struct PairMemory {
    private var pairs: [UInt64]
    private var answers: [UInt32]
    private let bits: Int

    /// Names are numbered below 2^30, far beyond the names of the most records an index holds.
    private static let nameBits: UInt64 = 30

    init(bits: Int) {
        self.bits = bits
        pairs = [UInt64](repeating: .max, count: 1 << bits)
        answers = [UInt32](repeating: 0, count: 1 << bits)
    }

    func slot(_ a: Int32, _ b: Int32, question: Int = 0) -> (pair: UInt64, slot: Int) {
        let (low, high) = a < b ? (UInt64(UInt32(a)), UInt64(UInt32(b))) : (UInt64(UInt32(b)), UInt64(UInt32(a)))
        let pair = UInt64(question) << (2 * Self.nameBits) | low << Self.nameBits | high
        return (pair, Int(truncatingIfNeeded: (pair &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits)))
    }

    func answer(at slot: Int, for pair: UInt64) -> UInt32? { pairs[slot] == pair ? answers[slot] : nil }

    mutating func remember(_ answer: UInt32, for pair: UInt64, at slot: Int) {
        pairs[slot] = pair
        answers[slot] = answer
    }
}

extension NameTable {
    /// The best Jaro–Winkler similarity between any key of one name and any key of the other.
    func bestSimilarity(_ a: Int32, _ b: Int32) -> Float {
        if let bound = nameLetters[Int(a)].boundBelowFourFifths(with: nameLetters[Int(b)]) {
            return Self.asBound(bound)
        }
        let aKeys = nameKeys.bounds(of: a)
        let bKeys = nameKeys.bounds(of: b)
        for x in aKeys {
            for y in bKeys where nameKeys.values[x] == nameKeys.values[y] { return 1 }
        }
        return keys.values.withUnsafeBufferPointer { bytes in
            var bestExact: Float = 0
            var bestBound: Float = 0
            for x in aKeys {
                let xKey = Int(nameKeys.values[x])
                let xBytes = UnsafeBufferPointer(rebasing: bytes[keys.bounds(of: xKey)])
                for y in bKeys {
                    let yKey = Int(nameKeys.values[y])
                    let yBytes = UnsafeBufferPointer(rebasing: bytes[keys.bounds(of: yKey)])
                    let bound = Similarity.jaroWinklerBound(xBytes, yBytes, keyLetters[xKey], keyLetters[yKey])
                    // A bound that is 0.8 but for rounding may be tight: only the exact value tells.
                    if bound < Self.lowestSimilarityThatMatters - 1e-9 {
                        bestBound = max(bestBound, Self.asBound(bound))
                    } else {
                        bestExact = max(bestExact, Float(Similarity.jaroWinkler(xBytes, yBytes)))
                    }
                }
            }
            return max(bestExact, bestBound)
        }
    }

    /// A bound below 0.8 as a `Float` still below 0.8. Rounded to the nearest `Float`, a bound of
    /// 0.8 computed a hair under it became 0.8 itself, and two names with little alike (Кряковцев
    /// and Kolbasova, similarity 0.55) read as a typo apart.
    private static func asBound(_ bound: Double) -> Float {
        min(Float(bound), Float(lowestSimilarityThatMatters).nextDown)
    }

    /// No comparison distinguishes similarities below this; under it `bestSimilarity` may return
    /// an upper bound instead of the exact value, which spares most pairs of different names
    /// the full Jaro–Winkler computation.
    static let lowestSimilarityThatMatters = 0.8

    /// Whether a key of `name` is one edit from a key of a form in `other`'s alias groups. Forms
    /// that are also forms of `name`'s own groups are passed over: Олексій is a letter from
    /// Олекса, which shortens Олександр too, and that makes Олексій no typo of Олександр.
    func isTypo(of name: Int32, fromFormsOf other: Int32, _ kind: AliasKind) -> Bool {
        let ownForms = aliasFormKeys[kind.rawValue][Int(name)]
        let forms = aliasFormKeys[kind.rawValue][Int(other)]
        guard !forms.isEmpty else { return false }
        return keys.values.withUnsafeBufferPointer { bytes in
            for key in nameKeys[Int(name)] {
                let own = UnsafeBufferPointer(rebasing: bytes[keys.bounds(of: key)])
                // Short names are a typo away from too many others.
                guard own.count >= 3 else { continue }
                for form in forms {
                    let formBytes = UnsafeBufferPointer(rebasing: bytes[keys.bounds(of: form)])
                    guard Similarity.areWithinOneEdit(own, formBytes, keyLetters[Int(key)], keyLetters[Int(form)]),
                        !ownForms.contains(form)
                    else { continue }
                    return true
                }
            }
            return false
        }
    }

    /// Whether some spelling of one name is one edit from some spelling of the other.
    func isSpeltOneTypoApart(_ a: Int32, _ b: Int32) -> Bool {
        let aSpellings = nameSpellings[Int(a)]
        let bSpellings = nameSpellings[Int(b)]
        guard !aSpellings.isEmpty, !bSpellings.isEmpty else { return false }
        return spellings.values.withUnsafeBufferPointer { bytes in
            for x in aSpellings {
                let xBytes = UnsafeBufferPointer(rebasing: bytes[spellings.bounds(of: x)])
                for y in bSpellings {
                    let yBytes = UnsafeBufferPointer(rebasing: bytes[spellings.bounds(of: y)])
                    if Similarity.areWithinOneEdit(xBytes, yBytes, spellingLetters[Int(x)], spellingLetters[Int(y)]) {
                        return true
                    }
                }
            }
            return false
        }
    }

    /// Whether one name is a single letter that begins the other ("I." and "Ivan").
    func isInitial(of a: Int32, fitting b: Int32) -> Bool {
        guard let aKey = nameKeys[Int(a)].first, let bKey = nameKeys[Int(b)].first else { return false }
        let aLetters = keys[Int(aKey)]
        let bLetters = keys[Int(bKey)]
        return min(aLetters.count, bLetters.count) == 1 && aLetters.first == bLetters.first
    }
}
