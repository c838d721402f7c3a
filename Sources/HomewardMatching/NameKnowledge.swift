import Foundation  // only to find and read the bundled tables
import HomewardCore

/// What the matcher knows about names and places beyond their spelling.
///
/// One man is Олександр on his mother's application, Александр on the adversary's list,
/// Oleksandr or Aleksandr on an ICRC list and Сашко in a returnee's testimony; his father is
/// Миколайович in one and Николаевич in the other, and he was born in Дніпропетровськ, which is
/// now Дніпро. No spelling distance joins these; only knowledge does. The knowledge lives in
/// plain tables (`Knowledge/*.tsv`, with their provenance in `Knowledge/README.md`) so that it can
/// be read, corrected and extended without touching code.
///
/// Aliases are **not transitive**. Every lookup goes exactly one hop through the tables (each
/// method says what that hop is); the knowledge never chains A~B and B~C into A~C, because the
/// chains are where different people meet: Олекса is short for both Олександр and Олексій, and
/// chaining through it would make two different names one.
///
/// Lookups ignore case, treat every apostrophe (' ’ ʼ ` and the like) as one, and read Ё as Е, so
/// "АРТЕМОВСК" finds Артёмовск. They return the names as the tables write them.
public struct NameKnowledge: Sendable {
    /// The tables shipped with the package, loaded once on first use.
    ///
    /// A `static let` is initialised lazily and exactly once even when many threads ask at the
    /// same time, so the matcher's workers can all share it. The tables are part of the build, so
    /// failing to read them is a broken installation, not a condition to handle.
    public static let standard: NameKnowledge = {
        do {
            return try NameKnowledge(contentsOf: bundledDirectory)
        } catch {
            fatalError("The bundled name-knowledge tables do not load: \(error)")
        }
    }()

    /// Where the bundled tables are, for tools that want to show them or their provenance.
    public static var bundledDirectory: URL {
        guard let url = Bundle.module.url(forResource: "Knowledge", withExtension: nil) else {
            fatalError("The Knowledge folder is missing from the HomewardMatching resources")
        }
        return url
    }

    /// Ukrainian ↔ Russian given-name pairs (`given-names.tsv`).
    public let givenNames: [GivenName]
    /// Ukrainian ↔ Russian patronymic pairs (`patronymics.tsv`).
    public let patronymics: [Patronymic]
    /// Diminutive → full given name (`diminutives.tsv`).
    public let diminutives: [Diminutive]
    /// Current place names with their former names and Russian forms (`renamed-places.tsv`).
    public let places: [Place]
    /// Romanisation schemes by name, e.g. "uk-national-2010" (`transliteration-variants.tsv`).
    public let schemes: [String: TransliterationScheme]

    private let givenNamesByKey: [String: [Int]]
    private let patronymicsByKey: [String: [Int]]
    private let diminutivesByKey: [String: [Int]]
    private let diminutivesByFullNameKey: [String: [Int]]
    private let placesByCurrentKey: [String: [Int]]
    private let placeClassesByKey: [String: Set<String>]

    /// Reads the five tables from `directory`; throws on the first malformed line.
    public init(contentsOf directory: URL) throws {
        func table(_ file: File) throws -> KnowledgeTable {
            try KnowledgeTable(file: file, in: directory)
        }
        givenNames = try table(.givenNames).rows.map { row in
            GivenName(sex: try row.sex(at: 0), ukrainian: row[1], russian: row[2])
        }
        patronymics = try table(.patronymics).rows.map { row in
            Patronymic(
                sex: try row.sex(at: 0), ukrainian: row[1], russian: row[2],
                fatherUkrainian: row[3], fatherRussian: row[4])
        }
        diminutives = try table(.diminutives).rows.map { row in
            Diminutive(diminutive: row[0], fullName: row[1], language: try row.language(at: 2))
        }
        places = try table(.renamedPlaces).rows.map { row in
            guard let kind = Place.Kind(rawValue: row[3]) else {
                throw row.error("kind must be \"former\" or \"variant\", not \"\(row[3])\"")
            }
            return Place(current: row[0], form: row[1], language: try row.language(at: 2), kind: kind)
        }
        var mappingsByScheme: [String: [TransliterationScheme.Mapping]] = [:]
        var schemeOrder: [String] = []
        for row in try table(.transliterationVariants).rows {
            if mappingsByScheme[row[0]] == nil { schemeOrder.append(row[0]) }
            mappingsByScheme[row[0], default: []].append(.init(cyrillic: row[1], latin: row[2]))
        }
        var schemes: [String: TransliterationScheme] = [:]
        for name in schemeOrder {
            guard let language = TransliterationScheme.language(ofSchemeNamed: name) else {
                throw LoadError(
                    file: File.transliterationVariants.rawValue, line: 0, reason: "scheme \(name) has no uk- or ru- prefix")
            }
            schemes[name] = TransliterationScheme(name: name, language: language, mappings: mappingsByScheme[name] ?? [])
        }
        self.schemes = schemes

        givenNamesByKey = Self.index(givenNames) { [$0.ukrainian, $0.russian] }
        patronymicsByKey = Self.index(patronymics) { [$0.ukrainian, $0.russian] }
        diminutivesByKey = Self.index(diminutives) { [$0.diminutive] }
        diminutivesByFullNameKey = Self.index(diminutives) { [$0.fullName] }
        placesByCurrentKey = Self.index(places) { [$0.current] }
        var placeClasses: [String: Set<String>] = [:]
        for place in places {
            let current = Self.lookupKey(place.current)
            placeClasses[current, default: []].insert(current)
            placeClasses[Self.lookupKey(place.form), default: []].insert(current)
        }
        placeClassesByKey = placeClasses
    }

    // MARK: - Lookups

    /// The Ukrainian and Russian forms of a given name or of the full names a diminutive stands for.
    ///
    /// One hop is: every `given-names.tsv` line the name is on (both of its names); and, when the
    /// name is a diminutive, every full name on its `diminutives.tsv` lines together with both names
    /// of each of those full names' `given-names.tsv` lines. "Сашко" gives Сашко, Олександр and
    /// Александр; "Олександр" gives Олександр and Александр but neither Сашко (diminutives of a full
    /// name are `diminutives(of:)`) nor Олексій (which only the diminutive Олекса shares with it).
    /// The name itself is in the result when the tables know it; an unknown name gives an empty set.
    public func givenNameForms(of name: String) -> Set<String> {
        let key = Self.lookupKey(name)
        var forms: Set<String> = []
        for line in givenNamesByKey[key, default: []] {
            forms.insert(givenNames[line].ukrainian)
            forms.insert(givenNames[line].russian)
        }
        for line in diminutivesByKey[key, default: []] {
            let entry = diminutives[line]
            forms.insert(entry.diminutive)
            forms.insert(entry.fullName)
            for fullLine in givenNamesByKey[Self.lookupKey(entry.fullName), default: []] {
                forms.insert(givenNames[fullLine].ukrainian)
                forms.insert(givenNames[fullLine].russian)
            }
        }
        return forms
    }

    /// The full names a diminutive stands for, in either language ("Женя" → Євген, Євгенія,
    /// Евгений, Евгения); ambiguity is kept, never resolved.
    public func fullNames(ofDiminutive diminutive: String) -> Set<String> {
        Set(diminutivesByKey[Self.lookupKey(diminutive), default: []].map { diminutives[$0].fullName })
    }

    /// The diminutives the tables list for a full given name, as written in that name's language.
    public func diminutives(of fullName: String) -> Set<String> {
        Set(diminutivesByFullNameKey[Self.lookupKey(fullName), default: []].map { diminutives[$0].diminutive })
    }

    /// The sexes a given name or diminutive is used for: a diminutive takes the sex of its full
    /// names, so "Саша" is both. Empty for a name the tables do not know.
    public func sexes(ofGivenName name: String) -> Set<Sex> {
        let key = Self.lookupKey(name)
        var sexes = Set(givenNamesByKey[key, default: []].map { givenNames[$0].sex })
        for line in diminutivesByKey[key, default: []] {
            for fullLine in givenNamesByKey[Self.lookupKey(diminutives[line].fullName), default: []] {
                sexes.insert(givenNames[fullLine].sex)
            }
        }
        return sexes
    }

    /// The Ukrainian and Russian forms of a patronymic: both names of every `patronymics.tsv` line
    /// it is on ("Миколайович" → Миколайович, Николаевич, Миколаевич), and nothing further.
    public func patronymicForms(of patronymic: String) -> Set<String> {
        var forms: Set<String> = []
        for line in patronymicsByKey[Self.lookupKey(patronymic), default: []] {
            forms.insert(patronymics[line].ukrainian)
            forms.insert(patronymics[line].russian)
        }
        return forms
    }

    /// Every name of the place or places a name can mean: the current Ukrainian name with all its
    /// former names and Russian forms.
    ///
    /// One hop is: the places whose current name or one of whose forms the name is, each with all
    /// the lines that share its current name. "Днепропетровск" gives Дніпро, Дніпропетровськ,
    /// Днепропетровск, Днепр, Катеринослав, Екатеринослав. A name of two places (Первомайськ is
    /// a former name in Luhansk oblast and a current name in Mykolaiv oblast) gives both classes,
    /// which is why the caller should still compare regions.
    public func placeForms(of name: String) -> Set<String> {
        var forms: Set<String> = []
        for current in placeClassesByKey[Self.lookupKey(name), default: []] {
            for line in placesByCurrentKey[current, default: []] {
                forms.insert(places[line].current)
                forms.insert(places[line].form)
            }
        }
        return forms
    }

    /// The form every lookup compares: canonical Unicode composition, lower case, one apostrophe,
    /// "е" for "ё", and single spaces between words.
    public static func lookupKey(_ text: String) -> String {
        var key = ""
        var pendingSpace = false
        for character in text.precomposedStringWithCanonicalMapping.lowercased() {
            if character.isWhitespace {
                pendingSpace = !key.isEmpty
                continue
            }
            if pendingSpace {
                key.append(" ")
                pendingSpace = false
            }
            if NameNormaliser.apostropheVariants.contains(character) {
                key.append(NameNormaliser.apostrophe)
            } else if character == "ё" {
                key.append("е")
            } else {
                key.append(character)
            }
        }
        return key
    }

    private static func index<Entry>(_ entries: [Entry], by names: (Entry) -> [String]) -> [String: [Int]] {
        var index: [String: [Int]] = [:]
        for (line, entry) in entries.enumerated() {
            for key in Set(names(entry).map(lookupKey)) {
                index[key, default: []].append(line)
            }
        }
        return index
    }
}

// MARK: - Table entries

extension NameKnowledge {
    /// One line of `given-names.tsv`: the same given name in Ukrainian and in Russian.
    public struct GivenName: Hashable, Sendable {
        public let sex: Sex
        public let ukrainian: String
        public let russian: String
    }

    /// One line of `patronymics.tsv`, with the father's name it is formed from in each language.
    public struct Patronymic: Hashable, Sendable {
        public let sex: Sex
        public let ukrainian: String
        public let russian: String
        public let fatherUkrainian: String
        public let fatherRussian: String
    }

    /// One line of `diminutives.tsv`: a short or affectionate form and the full name it stands for.
    public struct Diminutive: Hashable, Sendable {
        public let diminutive: String
        public let fullName: String
        /// Which language the pair belongs to: "Коля" is short for Микола in Ukrainian and for
        /// Николай in Russian.
        public let language: NameLanguage
    }

    /// One line of `renamed-places.tsv`: another name of the place now officially called `current`.
    public struct Place: Hashable, Sendable {
        public enum Kind: String, Sendable {
            /// An earlier official name (Дніпропетровськ, Артемівськ, Жданов).
            case former
            /// The same name in Russian or another spelling (Киев, Днепр, Ровно).
            case variant
        }

        /// The current official Ukrainian name.
        public let current: String
        public let form: String
        public let language: NameLanguage
        public let kind: Kind
    }

    /// How one romanisation scheme writes each Cyrillic letter or letter group.
    ///
    /// An ICRC list may have been romanised from the Ukrainian or the Russian form by any of a
    /// dozen schemes; to read a Latin name back the matcher needs every way each letter may have
    /// been written. Alternatives (position-dependent forms and common variants) are separate
    /// mappings; an empty `latin` means the scheme does not write the letter.
    public struct TransliterationScheme: Sendable {
        public struct Mapping: Hashable, Sendable {
            /// A lower-case letter or letter group ("щ", "зг", "'").
            public let cyrillic: String
            /// Lower case; may be empty.
            public let latin: String
        }

        /// The name in the table, e.g. "uk-national-2010" or "ru-icao-9303-2015".
        public let name: String
        /// The language whose text the scheme romanises (from the uk-/ru- prefix of its name).
        public let language: NameLanguage
        /// In table order: for each letter, the scheme's main form comes first.
        public let mappings: [Mapping]

        /// Every way the scheme writes `cyrillic` (case-insensitive), main form first.
        public func latinForms(of cyrillic: String) -> [String] {
            let key = NameKnowledge.lookupKey(cyrillic)
            return mappings.filter { NameKnowledge.lookupKey($0.cyrillic) == key }.map(\.latin)
        }

        static func language(ofSchemeNamed name: String) -> NameLanguage? {
            if name.hasPrefix("uk-") { return .ukrainian }
            if name.hasPrefix("ru-") { return .russian }
            return nil
        }
    }
}

// MARK: - Reading the tables

extension NameKnowledge {
    /// The bundled tables and the columns each must have.
    enum File: String, CaseIterable, Sendable {
        case givenNames = "given-names.tsv"
        case patronymics = "patronymics.tsv"
        case diminutives = "diminutives.tsv"
        case renamedPlaces = "renamed-places.tsv"
        case transliterationVariants = "transliteration-variants.tsv"

        var columns: [String] {
            switch self {
            case .givenNames: ["sex", "uk", "ru"]
            case .patronymics: ["sex", "uk", "ru", "father_uk", "father_ru"]
            case .diminutives: ["diminutive", "full", "language"]
            case .renamedPlaces: ["current_uk", "former_or_variant", "language", "kind"]
            case .transliterationVariants: ["scheme", "cyrillic", "latin"]
            }
        }
    }

    /// A table line that cannot be read, with where it is so that it can be fixed.
    public struct LoadError: Error, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let reason: String

        public var description: String { "\(file):\(line): \(reason)" }
    }
}

/// One TSV table: `#` comment lines, one header line, then rows of exactly the header's columns.
///
/// Plain TSV keeps the knowledge reviewable in any editor and diffable line by line; the reader is
/// strict (column names and counts are checked) so that a slip in an edit fails loudly at load.
struct KnowledgeTable {
    struct Row {
        let cells: [String]
        let file: String
        let line: Int

        subscript(column: Int) -> String { cells[column] }

        func error(_ reason: String) -> NameKnowledge.LoadError {
            NameKnowledge.LoadError(file: file, line: line, reason: reason)
        }

        func sex(at column: Int) throws -> Sex {
            switch cells[column] {
            case "m": return .male
            case "f": return .female
            default: throw error("sex must be \"m\" or \"f\", not \"\(cells[column])\"")
            }
        }

        func language(at column: Int) throws -> NameLanguage {
            switch cells[column] {
            case "uk": return .ukrainian
            case "ru": return .russian
            default: throw error("language must be \"uk\" or \"ru\", not \"\(cells[column])\"")
            }
        }
    }

    let file: NameKnowledge.File
    let rows: [Row]

    init(file: NameKnowledge.File, in directory: URL) throws {
        let url = directory.appendingPathComponent(file.rawValue)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw NameKnowledge.LoadError(file: file.rawValue, line: 0, reason: "cannot be read: \(error)")
        }
        try self.init(file: file, text: text)
    }

    init(file: NameKnowledge.File, text: String) throws {
        self.file = file
        var header: [String]?
        var rows: [Row] = []
        // Splitting on any newline character also splits CRLF, which Swift reads as one Character.
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.isEmpty || (header == nil && line.hasPrefix("#")) { continue }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                String($0).precomposedStringWithCanonicalMapping
            }
            let row = Row(cells: cells, file: file.rawValue, line: offset + 1)
            guard header != nil else {
                guard cells == file.columns else {
                    throw row.error("header must be \(file.columns.joined(separator: " ")), not \(cells.joined(separator: " "))")
                }
                header = cells
                continue
            }
            guard cells.count == file.columns.count else {
                throw row.error("\(cells.count) columns instead of \(file.columns.count)")
            }
            rows.append(row)
        }
        guard header != nil else {
            throw NameKnowledge.LoadError(file: file.rawValue, line: 0, reason: "no header line")
        }
        self.rows = rows
    }
}
