/// The language a name was written in, which decides how it is romanised.
///
/// The same Cyrillic letters romanise differently by language: Ukrainian "Г" is "h", Russian "Г"
/// is "g"; Ukrainian "И" is "y", Russian "И" is "i". A name keeps the language it came in.
public enum NameLanguage: String, Sendable, Codable, CaseIterable {
    case ukrainian = "uk"
    case russian = "ru"
    /// Already in Latin script (ICRC lists, foreign documents): kept as written.
    case latin = "latn"

    /// Guesses the language of a name from letters only one alphabet has, falling back to
    /// `fallback` when the letters are shared by both (e.g. "Петренко").
    public static func detect(_ text: String, fallback: NameLanguage) -> NameLanguage {
        var cyrillic = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "і", "І", "ї", "Ї", "є", "Є", "ґ", "Ґ": return .ukrainian
            case "ы", "Ы", "э", "Э", "ъ", "Ъ", "ё", "Ё": return .russian
            default: if Transliteration.isCyrillic(scalar) { cyrillic = true }
            }
        }
        if cyrillic { return fallback == .latin ? .ukrainian : fallback }
        return text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) ? .latin : fallback
    }
}

/// Romanisation by the two national systems the bureau's documents use.
///
/// - Ukrainian: the national system of 2010 (Resolution of the Cabinet of Ministers No. 55 of
///   27 January 2010), the one on Ukrainian passports and road signs.
/// - Russian: ICAO Doc 9303 (machine-readable travel documents), the one on Russian passports
///   since 2014.
///
/// The derived Latin form is never typed by a person: it is computed from the name as written.
public enum Transliteration {
    /// The Latin form of `text` written in `language`.
    public static func latin(_ text: String, from language: NameLanguage) -> String {
        switch language {
        case .ukrainian:
            romanise(text, table: ukrainian2010, initialTable: ukrainian2010WordInitial, zghAfterZ: true)
        case .russian: romanise(text, table: russianICAO, initialTable: [:], zghAfterZ: false)
        case .latin: text
        }
    }

    static func isCyrillic(_ scalar: Unicode.Scalar) -> Bool {
        (0x0400...0x04FF).contains(scalar.value)
    }

    /// Apostrophe variants typed for the Ukrainian apostrophe; it belongs inside a word
    /// ("Знам'янка") and is dropped in romanisation, so it must not start a new word.
    static let apostrophes: Set<Character> = ["'", "’", "ʼ", "`", "‘", "′"]

    private static func romanise(
        _ text: String,
        table: [Character: String],
        initialTable: [Character: String],
        zghAfterZ: Bool
    ) -> String {
        let characters = Array(text)
        var output = ""
        output.reserveCapacity(characters.count * 2)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let lower = Character(character.lowercased())
            guard let mapped = table[lower] else {
                if !apostrophes.contains(character) { output.append(character) }
                index += 1
                continue
            }
            let wordInitial = isWordStart(characters, at: index)
            var latin = (wordInitial ? initialTable[lower] : nil) ?? mapped
            // "зг" is "zgh" so that it is not read back as "ж" (Згорани → Zghorany).
            if zghAfterZ, lower == "г", index > 0,
                Character(characters[index - 1].lowercased()) == "з"
            {
                latin = "gh"
            }
            output += cased(latin, like: character, in: characters, at: index)
            index += 1
        }
        return output
    }

    private static func isWordStart(_ characters: [Character], at index: Int) -> Bool {
        guard index > 0 else { return true }
        let previous = characters[index - 1]
        return !(previous.isLetter || apostrophes.contains(previous))
    }

    /// "Щ" in "Щербак" is "Shch"; in "ЩЕРБАК" it is "SHCH".
    private static func cased(_ latin: String, like character: Character, in characters: [Character], at index: Int)
        -> String
    {
        guard character.isUppercase, let first = latin.first else { return latin }
        let neighbours = [index - 1, index + 1].filter { characters.indices.contains($0) && characters[$0].isLetter }
        let inUpperCaseWord = !neighbours.isEmpty && neighbours.allSatisfy { characters[$0].isUppercase }
        return inUpperCaseWord ? latin.uppercased() : first.uppercased() + latin.dropFirst()
    }

    static let ukrainian2010: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
        "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
        "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
        // Russian letters met in Ukrainian-language documents, romanised as ICAO does.
        "ё": "e", "ъ": "ie", "ы": "y", "э": "e",
    ]

    static let ukrainian2010WordInitial: [Character: String] = [
        "є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya",
    ]

    static let russianICAO: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
        // Ukrainian letters in Russian-language documents, as ICAO Doc 9303 romanises them.
        "ґ": "g", "є": "ie", "і": "i", "ї": "i",
    ]
}
