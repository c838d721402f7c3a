import Foundation
import HomewardCore

/// One source's statement about a person, as the matcher reads it. Everything is optional text,
/// as lists give it.
public struct MatchInput: Sendable, Equatable {
    public var id: String
    public var surname: String
    public var givenName: String
    public var patronymic: String
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; anything else counts as missing.
    public var dateOfBirth: String
    public var placeOfBirth: String
    public var serviceNumber: String
    public var unit: String

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

    public static let empty = AliasIndex(groups: [])

    public init(groups: [[String]]) {
        for (number, group) in groups.enumerated() {
            for form in group {
                for key in PhoneticKey.keys(form) where !key.isEmpty {
                    var ids = groupsByKey[key, default: []]
                    if !ids.contains(Int32(number)) { ids.append(Int32(number)) }
                    groupsByKey[key] = ids
                }
            }
        }
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

/// A record reduced to the keys the comparisons use, computed once.
struct PreparedRecord: Sendable {
    var surname: [[UInt8]]
    var givenName: [[UInt8]]
    var givenGroups: [Int32]
    /// The given-name groups of what stands in the surname field, for records whose two names
    /// were typed into each other's fields.
    var surnameAsGivenGroups: [Int32]
    var patronymic: [[UInt8]]
    var patronymicGroups: [Int32]
    var dateOfBirth: PartialDate?
    var place: [[UInt8]]
    var placeGroups: [Int32]
    var serviceNumber: [UInt8]
    var unit: [UInt8]

    init(_ input: MatchInput, knowledge: MatchKnowledge, cache: inout KeyCache) {
        surname = cache.keys(input.surname)
        givenName = cache.keys(input.givenName)
        givenGroups = knowledge.givenNames.groups(of: givenName)
        surnameAsGivenGroups = knowledge.givenNames.groups(of: surname)
        patronymic = cache.keys(input.patronymic)
        patronymicGroups = knowledge.patronymics.groups(of: patronymic)
        dateOfBirth = PartialDate(input.dateOfBirth.trimmingCharacters(in: .whitespaces))
        place = cache.keys(input.placeOfBirth)
        placeGroups = knowledge.places.groups(of: place)
        serviceNumber = Self.documentNumber(input.serviceNumber)
        unit = Self.documentNumber(input.unit)
    }

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

/// Names repeat: a register of a million records has a few thousand surnames. Keys are computed
/// once per distinct spelling.
struct KeyCache {
    private var storage: [String: [[UInt8]]] = [:]

    mutating func keys(_ text: String) -> [[UInt8]] {
        if text.isEmpty { return [] }
        if let known = storage[text] { return known }
        let keys = PhoneticKey.keys(text)
        storage[text] = keys
        return keys
    }
}
