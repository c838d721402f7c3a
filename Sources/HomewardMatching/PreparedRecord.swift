import Foundation
import HomewardCore

/// One source's statement about a person, as the matcher reads it. Everything is optional text,
/// as lists give it.
public struct MatchInput: Sendable, Hashable {
    public var id: String
    public var surname: String
    public var givenName: String
    public var patronymic: String
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; anything else counts as missing.
    public var dateOfBirth: String
    public var placeOfBirth: String
    public var serviceNumber: String
    public var unit: String

    /// Whether the date of birth is missing or one the matcher reads; any other text counts as
    /// missing, and a reader of lists should say so.
    public var hasReadableDateOfBirth: Bool {
        dateOfBirth.allSatisfy(\.isWhitespace) || PreparedRecord.packedDate(dateOfBirth) != 0
    }

    public init(
        id: String, surname: String = "", givenName: String = "", patronymic: String = "", dateOfBirth: String = "",
        placeOfBirth: String = "", serviceNumber: String = "", unit: String = ""
    ) {
        self.id = id
        self.surname = surname
        self.givenName = givenName
        self.patronymic = patronymic
        self.dateOfBirth = dateOfBirth
        self.placeOfBirth = placeOfBirth
        self.serviceNumber = serviceNumber
        self.unit = unit
    }
}

/// Names that stand for one another: a Ukrainian name and its Russian form, a diminutive and
/// the full names it shortens. Each group is a list of forms; aliases are not transitive, so two
/// names are aliases only if some one group holds both.
public struct AliasIndex: Sendable {
    private var groupsByKey: [[UInt8]: [Int32]] = [:]
    /// The keys of every form of each group.
    private var keysOfGroup: [[[UInt8]]] = []
    /// Every form as Cyrillic text (normalised), and every form's spelling (as a Latin list
    /// would spell it): to tell a name in its own right from a slip that only folds like one.
    private var cyrillicForms: Set<String> = []
    private var formSpellings: Set<[UInt8]> = []

    public static let empty = AliasIndex(groups: [])

    public init(groups: [[String]]) {
        for (number, group) in groups.enumerated() {
            var keys: [[UInt8]] = []
            for form in group {
                let normalised = NameNormaliser.normalise(form)
                if NameNormaliser.script(of: normalised) == .cyrillic { cyrillicForms.insert(normalised) }
                formSpellings.formUnion(PhoneticKey.spellings(normalised: normalised))
                for key in PhoneticKey.keys(form) where !key.isEmpty {
                    var ids = groupsByKey[key, default: []]
                    if !ids.contains(Int32(number)) { ids.append(Int32(number)) }
                    groupsByKey[key] = ids
                    if !keys.contains(key) { keys.append(key) }
                }
            }
            keysOfGroup.append(keys)
        }
    }

    /// The keys of every form of these groups, each once.
    func keys(ofGroups groups: [Int32]) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        for group in groups {
            for key in keysOfGroup[Int(group)] where !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// The groups any of these keys belongs to, sorted.
    public func groups(of keys: [[UInt8]]) -> [Int32] {
        var found: [Int32] = []
        for key in keys {
            if let ids = groupsByKey[key] { found.append(contentsOf: ids) }
        }
        return Array(Set(found)).sorted()
    }

    public var isEmpty: Bool { groupsByKey.isEmpty }

    /// Whether a name (normalised) is written as one of the table's forms: "Іан" folds like Ян but
    /// is no form; Latin "Ian" is spelt as Ян is, and may be him.
    func isForm(normalised: String, spellings: [[UInt8]]) -> Bool {
        switch NameNormaliser.script(of: normalised) {
        case .cyrillic, .mixed: cyrillicForms.contains(normalised)
        case .latin, .none: spellings.contains { formSpellings.contains($0) }
        }
    }
}

/// What the matcher knows about names beyond their spelling.
public struct MatchKnowledge: Sendable {
    public var givenNames: AliasIndex
    public var patronymics: AliasIndex
    public var places: AliasIndex

    public init(givenNames: AliasIndex = .empty, patronymics: AliasIndex = .empty, places: AliasIndex = .empty) {
        self.givenNames = givenNames
        self.patronymics = patronymics
        self.places = places
    }
}

/// Which alias table a name is looked up in.
enum AliasKind: Int, CaseIterable {
    case givenName, patronymic, place

    func index(in knowledge: MatchKnowledge) -> AliasIndex {
        switch self {
        case .givenName: knowledge.givenNames
        case .patronymic: knowledge.patronymics
        case .place: knowledge.places
        }
    }
}

/// Lists of small values end to end, with where each list starts: one allocation for millions of
/// short lists.
struct FlatLists<Element: BitwiseCopyable & Sendable>: Sendable {
    private(set) var starts: [Int32] = [0]
    private(set) var values: [Element] = []

    init() {}

    init(starts: [Int32], values: [Element]) {
        self.starts = starts
        self.values = values
    }

    var count: Int { starts.count - 1 }

    mutating func append(_ list: some Collection<Element>) {
        values.append(contentsOf: list)
        starts.append(Int32(values.count))
    }

    subscript(list: Int) -> ArraySlice<Element> { values[bounds(of: list)] }

    /// Where a list lies in `values`.
    func bounds(of list: some BinaryInteger) -> Range<Int> { Int(starts[Int(list)])..<Int(starts[Int(list) + 1]) }
}

extension FlatLists where Element == Int32 {
    /// For every value from 0 to `valueCount - 1`, the numbers of the lists that hold it, among
    /// the lists `including` accepts: the records' lists of blocks from the blocks' lists of records.
    /// (Lists are walked by position, not as slices: a slice per list retains and releases the
    /// values, and an index has millions of lists.)
    func inverted(valueCount: Int, including: (Int) -> Bool) -> FlatLists<Int32> {
        var starts = [Int32](repeating: 0, count: valueCount + 1)
        for list in 0..<count where including(list) {
            for position in bounds(of: list) { starts[Int(values[position]) + 1] += 1 }
        }
        for value in 0..<valueCount { starts[value + 1] += starts[value] }
        var lists = [Int32](repeating: 0, count: Int(starts[valueCount]))
        var filled = Array(starts.dropLast())
        for list in 0..<count where including(list) {
            for position in bounds(of: list) {
                let value = values[position]
                lists[Int(filled[Int(value)])] = Int32(list)
                filled[Int(value)] += 1
            }
        }
        return FlatLists(starts: starts, values: lists)
    }
}

/// Every distinct name text of a set of records (surnames, given names, patronymics and places
/// alike), reduced once to its phonetic keys and alias groups. Records refer to names by number:
/// a million records have a few hundred thousand distinct names, and records without references
/// can be compared on every core without reference counting.
struct NameTable: Sendable {
    /// Distinct keys, each once, with what blocking hashes of each: the key itself, the key with
    /// each letter deleted in turn, and its first three letters (0 when shorter).
    private(set) var keys = FlatLists<UInt8>()
    private(set) var keyHash: [UInt64] = []
    /// Each key's letters, for a quick bound on similarity.
    private(set) var keyLetters: [UInt64] = []
    private(set) var keyPrefixHash: [UInt64] = []
    private(set) var keyVariantHashes = FlatLists<UInt64>()
    private var keyNumbers: [[UInt8]: Int32] = [:]

    /// Distinct texts ("names"); name 0 is the empty text.
    private(set) var nameKeys = FlatLists<Int32>()
    private(set) var nameGroups = AliasKind.allCases.map { _ in FlatLists<Int32>() }
    /// For each kind of alias table, the keys of every form of the name's groups there.
    private(set) var aliasFormKeys = AliasKind.allCases.map { _ in FlatLists<Int32>() }
    /// Each name's spellings before folding (`PhoneticKey.spellings`) of three letters or more,
    /// end to end, and each spelling's letters.
    private(set) var nameSpellings = FlatLists<Int32>()
    private(set) var spellings = FlatLists<UInt8>()
    private(set) var spellingLetters: [UInt64] = []
    /// For each kind of alias table, whether each name is written as one of its forms.
    private(set) var isTableForm = AliasKind.allCases.map { _ in [false] }
    /// Each name's letters over all its keys, in one cache line: a bound on the similarity of two
    /// names without reading their keys (`NameLetters`).
    private(set) var nameLetters: [NameLetters] = [NameLetters(keys: [])]
    private var nameNumbers: [String: Int32] = ["": 0]

    init() {
        nameKeys.append([])
        nameSpellings.append([])
        for kind in AliasKind.allCases {
            nameGroups[kind.rawValue].append([])
            aliasFormKeys[kind.rawValue].append([])
        }
    }

    var nameCount: Int { nameKeys.count }

    /// Adds texts not yet in the table, reducing them in parallel, and returns every text's number.
    mutating func intern(_ texts: [String], knowledge: MatchKnowledge, workers: Int) async -> [Int32] {
        var numbers = [Int32](repeating: 0, count: texts.count)
        var fresh: [String] = []
        var next = Int32(nameCount)
        for (position, text) in texts.enumerated() {
            if let known = nameNumbers[text] {
                numbers[position] = known
            } else {
                nameNumbers[text] = next
                numbers[position] = next
                fresh.append(text)
                next += 1
            }
        }
        let reduced = await parallelMap(fresh, workers: workers) { Self.reduce($0, knowledge: knowledge) }
        for name in reduced { add(name) }
        return numbers
    }

    /// Adds one text if it is new; for records arriving one at a time.
    mutating func intern(_ text: String, knowledge: MatchKnowledge) -> Int32 {
        if let known = nameNumbers[text] { return known }
        let number = Int32(nameCount)
        nameNumbers[text] = number
        add(Self.reduce(text, knowledge: knowledge))
        return number
    }

    private struct ReducedName: Sendable {
        var keys: [[UInt8]]
        var spellings: [[UInt8]]
        var groups: [[Int32]]
        var isTableForm: [Bool]
        var aliasFormKeys: [[[UInt8]]]
    }

    private static func reduce(_ text: String, knowledge: MatchKnowledge) -> ReducedName {
        let normalised = NameNormaliser.normalise(text)
        let spellings = PhoneticKey.spellings(normalised: normalised)
        let keys = PhoneticKey.keys(ofSpellings: spellings).filter { !$0.isEmpty }
        let groups = AliasKind.allCases.map { $0.index(in: knowledge).groups(of: keys) }
        return ReducedName(
            keys: keys, spellings: spellings.filter { $0.count >= 3 }, groups: groups,
            isTableForm: AliasKind.allCases.map {
                !groups[$0.rawValue].isEmpty && $0.index(in: knowledge).isForm(normalised: normalised, spellings: spellings)
            },
            aliasFormKeys: AliasKind.allCases.map { $0.index(in: knowledge).keys(ofGroups: groups[$0.rawValue]) }
        )
    }

    private mutating func add(_ name: ReducedName) {
        let numbers = name.keys.map { keyNumber($0) }
        nameKeys.append(numbers)
        nameLetters.append(NameLetters(keys: name.keys))
        nameSpellings.append(
            name.spellings.map { spelling in
                spellings.append(spelling)
                spellingLetters.append(Similarity.letterSet(spelling))
                return Int32(spellings.count - 1)
            })
        for kind in AliasKind.allCases {
            nameGroups[kind.rawValue].append(name.groups[kind.rawValue])
            isTableForm[kind.rawValue].append(name.isTableForm[kind.rawValue])
            let forms = name.aliasFormKeys[kind.rawValue].map { keyNumber($0) }
            aliasFormKeys[kind.rawValue].append(forms)
        }
    }

    private mutating func keyNumber(_ key: [UInt8]) -> Int32 {
        if let known = keyNumbers[key] { return known }
        let number = Int32(keys.count)
        keyNumbers[key] = number
        keys.append(key)
        keyHash.append(BlockIndex.hash(key))
        keyLetters.append(Similarity.letterSet(key))
        keyPrefixHash.append(key.count >= 3 ? BlockIndex.hash(key.prefix(3)) : 0)
        keyVariantHashes.append(BlockIndex.oneLetterDeleted(key).map(BlockIndex.hash))
        return number
    }

    /// The bytes of a name's first key, its spelling as blocking and frequencies see it.
    func firstKey(of name: Int32) -> [UInt8]? {
        nameKeys[Int(name)].first.map { Array(keys[Int($0)]) }
    }
}

/// How often each letter occurs in a name's keys (the most in any one key), and its shortest key.
///
/// However the keys of two names are paired, no more letters can match than the two have in
/// common letter by letter, and no key is shorter than the shortest. That bounds Jaro, and so
/// Jaro–Winkler, for every pair of keys at once: most pairs of different surnames are told apart
/// from one small read per name, without their keys. Letters are told by their low six bits; two
/// letters that share them only loosen the bound.
struct NameLetters: Sendable {
    /// `atLeast[k]` holds the letters that occur more than k times in some key, so that the letters
    /// two names have in common, counted letter by letter, are the common bits of each level.
    private var atLeast: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var shortest: UInt8 = 0
    /// Whether a letter occurs more often than the levels count, or a key is too long to note:
    /// then there is no bound.
    private var isCounted = true

    init(keys: [[UInt8]]) {
        guard let shortest = keys.map(\.count).min() else { return }
        self.shortest = UInt8(min(shortest, Int(UInt8.max)))
        isCounted = shortest <= Int(UInt8.max)
        for key in keys {
            var seen: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            for letter in key {
                let bit: UInt64 = 1 << UInt64(letter & 63)
                if seen.0 & bit == 0 {
                    seen.0 |= bit
                } else if seen.1 & bit == 0 {
                    seen.1 |= bit
                } else if seen.2 & bit == 0 {
                    seen.2 |= bit
                } else if seen.3 & bit == 0 {
                    seen.3 |= bit
                } else {
                    isCounted = false
                }
            }
            atLeast = (atLeast.0 | seen.0, atLeast.1 | seen.1, atLeast.2 | seen.2, atLeast.3 | seen.3)
        }
    }

    /// A bound of the Jaro–Winkler similarity of every pair of the two names' keys when it is
    /// below 0.8; nil when some pair might reach 0.8. With m letters in common and keys of at
    /// least `a` and `b` letters, Jaro is at most (m/a + m/b + 1) / 3, and the common prefix adds
    /// at most 0.4 of what is left: under 0.8 exactly when m/a + m/b < 1, decided in integers.
    func boundBelowFourFifths(with other: NameLetters) -> Double? {
        guard isCounted, other.isCounted, shortest > 0, other.shortest > 0 else { return nil }
        let a = Int(shortest)
        let b = Int(other.shortest)
        let matches =
            (atLeast.0 & other.atLeast.0).nonzeroBitCount + (atLeast.1 & other.atLeast.1).nonzeroBitCount
            + (atLeast.2 & other.atLeast.2).nonzeroBitCount + (atLeast.3 & other.atLeast.3).nonzeroBitCount
        guard matches * (a + b) < a * b else { return nil }
        let jaro = (Double(matches) / Double(a) + Double(matches) / Double(b) + 1) / 3
        return jaro + 0.4 * (1 - jaro)
    }
}

/// Service numbers and units, each distinct spelling once, compared as document numbers.
struct DocumentTable: Sendable {
    /// Number 0 is "none".
    private(set) var documents = FlatLists<UInt8>()
    private(set) var documentHash: [UInt64] = [0]
    private var numbersByBytes: [[UInt8]: Int32] = [[]: 0]
    private var numbersByText: [String: Int32] = ["": 0]

    init() { documents.append([]) }

    mutating func intern(_ text: String) -> Int32 {
        if let known = numbersByText[text] { return known }
        let bytes = Self.documentNumber(text)
        let number: Int32
        if let known = numbersByBytes[bytes] {
            number = known
        } else {
            number = Int32(documents.count)
            numbersByBytes[bytes] = number
            documents.append(bytes)
            documentHash.append(BlockIndex.hash(bytes))
        }
        numbersByText[text] = number
        return number
    }

    func length(of document: Int32) -> Int { documents[Int(document)].count }

    /// Service numbers and units mix Cyrillic and Latin capitals that look alike ("НТ683194",
    /// "HT683194"); both become the Latin letter, other Cyrillic letters their ICAO form.
    static func documentNumber(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        for character in text.uppercased() {
            if let ascii = character.asciiValue {
                if character.isLetter || character.isNumber { output.append(ascii) }
            } else if let latin = lookAlikeCapitals[character] {
                output.append(latin)
            } else if character.isLetter {
                output.append(contentsOf: Transliteration.latin(String(character), from: .russian).uppercased().utf8)
            }
        }
        return output
    }

    static let lookAlikeCapitals: [Character: UInt8] = [
        "А": UInt8(ascii: "A"), "В": UInt8(ascii: "B"), "Е": UInt8(ascii: "E"), "К": UInt8(ascii: "K"),
        "М": UInt8(ascii: "M"), "Н": UInt8(ascii: "H"), "О": UInt8(ascii: "O"), "Р": UInt8(ascii: "P"),
        "С": UInt8(ascii: "C"), "Т": UInt8(ascii: "T"), "Х": UInt8(ascii: "X"), "І": UInt8(ascii: "I"),
        "У": UInt8(ascii: "Y"),
    ]
}

/// A record as the matcher compares it: numbers into the tables, no references.
struct PreparedRecord: Sendable, BitwiseCopyable {
    var surname: Int32 = 0
    var givenName: Int32 = 0
    var patronymic: Int32 = 0
    var place: Int32 = 0
    var serviceNumber: Int32 = 0
    var unit: Int32 = 0
    /// The date of birth packed as year × 10,000 + month × 100 + day, unknown parts 0; 0 when missing.
    var dateOfBirth: Int32 = 0

    /// The name a term-frequency-adjusted field holds.
    func name(_ field: MatchField) -> Int32 {
        switch field {
        case .surname: surname
        case .givenName: givenName
        case .placeOfBirth: place
        default: 0
        }
    }

    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, spaces around allowed; anything else, or a date that
    /// does not exist, counts as missing.
    static func packedDate(_ text: String) -> Int32 {
        var parts: [Int] = []
        var digits = 0
        var value = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "-"):
                guard digits > 0 else { return 0 }
                parts.append(value)
                (value, digits) = (0, 0)
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                continue
            default:
                return 0
            }
        }
        guard digits > 0 else { return 0 }
        parts.append(value)
        guard (1...3).contains(parts.count), (1...9_999).contains(parts[0]),
            (try? PartialDate(year: parts[0], month: parts.count > 1 ? parts[1] : nil, day: parts.count > 2 ? parts[2] : nil))
                != nil
        else { return 0 }
        return Int32(parts[0] * 10_000 + (parts.count > 1 ? parts[1] : 0) * 100 + (parts.count > 2 ? parts[2] : 0))
    }
}

/// Records with the tables their numbers refer to.
struct PreparedRecords: Sendable {
    var names = NameTable()
    var documents = DocumentTable()
    var records: [PreparedRecord] = []

    var count: Int { records.count }

    init() {}

    init(_ inputs: [MatchInput], knowledge: MatchKnowledge, workers: Int) async {
        var texts: [String] = []
        texts.reserveCapacity(inputs.count * 4)
        for input in inputs {
            texts.append(input.surname)
            texts.append(input.givenName)
            texts.append(input.patronymic)
            texts.append(input.placeOfBirth)
        }
        let numbers = await names.intern(texts, knowledge: knowledge, workers: workers)
        let dates = await parallelMap(inputs, workers: workers) { PreparedRecord.packedDate($0.dateOfBirth) }
        records.reserveCapacity(inputs.count)
        for (index, input) in inputs.enumerated() {
            records.append(
                PreparedRecord(
                    surname: numbers[index * 4], givenName: numbers[index * 4 + 1], patronymic: numbers[index * 4 + 2],
                    place: numbers[index * 4 + 3], serviceNumber: documents.intern(input.serviceNumber),
                    unit: documents.intern(input.unit), dateOfBirth: dates[index]
                )
            )
        }
    }

    /// Prepares a record that is not one of these, adding its names to the tables.
    mutating func prepare(_ input: MatchInput, knowledge: MatchKnowledge) -> PreparedRecord {
        PreparedRecord(
            surname: names.intern(input.surname, knowledge: knowledge),
            givenName: names.intern(input.givenName, knowledge: knowledge),
            patronymic: names.intern(input.patronymic, knowledge: knowledge),
            place: names.intern(input.placeOfBirth, knowledge: knowledge),
            serviceNumber: documents.intern(input.serviceNumber), unit: documents.intern(input.unit),
            dateOfBirth: PreparedRecord.packedDate(input.dateOfBirth)
        )
    }

    subscript(index: Int) -> PreparedRecord { records[index] }
}

/// Maps in order on every core: contiguous chunks, results joined in their order.
func parallelMap<Element: Sendable, Result: Sendable>(
    _ items: [Element], workers: Int, _ transform: @escaping @Sendable (Element) -> Result
) async -> [Result] {
    let ranges = chunkRanges(count: items.count, parts: max(1, workers) * 4)
    if ranges.count <= 1 { return items.map(transform) }
    return await withTaskGroup(of: (Int, [Result]).self) { group in
        for (number, range) in ranges.enumerated() {
            group.addTask { (number, items[range].map(transform)) }
        }
        var parts = [[Result]](repeating: [], count: ranges.count)
        for await (number, part) in group { parts[number] = part }
        return parts.flatMap { $0 }
    }
}

/// `count` items cut into at most `parts` contiguous ranges of nearly equal size.
func chunkRanges(count: Int, parts: Int) -> [Range<Int>] {
    let parts = max(1, min(parts, count))
    let size = (count + parts - 1) / parts
    return stride(from: 0, to: count, by: max(size, 1)).map { $0..<min($0 + size, count) }
}
