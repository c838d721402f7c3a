/// A spelling-independent key: the same name written in Ukrainian or Russian Cyrillic, or in
/// any of the Latin schemes lists use, comes out as (nearly) the same short ASCII string.
///
/// The key keeps consonants apart that no scheme confuses and folds what schemes write
/// differently: "Шевченко", "Shevchenko", "Schewtschenko", "Chevtchenko" and "Ševčenko" all give
/// `SevCenko`. Uppercase `C`, `S`, `Z` stand for ч, ш/щ and ж; `x` for х. Latin spellings are
/// ambiguous ("ch" is ч in English, ш in French, х in German; German "sch" is ж or ш), so a Latin
/// name gives one key per reading and comparisons take the best.
public enum PhoneticKey {
    /// The keys of a name: one for Cyrillic, up to five for Latin (English, French, German and Soviet readings).
    public static func keys(_ text: String) -> [[UInt8]] { keys(ofSpellings: spellings(text)) }

    /// The keys of a name's spellings, each once.
    public static func keys(ofSpellings spellings: [[UInt8]]) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        for spelling in spellings {
            let key = fold(spelling)
            if !keys.contains(key) { keys.append(key) }
        }
        return keys
    }

    /// A name's letters as each reading spells them, before folding: what one typo changes by one
    /// letter. Keys fold "ia" and "a" together, so that "Іан" (a slip for Іван) has the key of
    /// Ян and is three letters from Іван's; spelt out, "ian" is one from "ivan". The iotated
    /// vowels are spelt as Latin lists write them (ю "iu", є "ie", ї "ii"), so that "Юій" and
    /// "Yurii" are one letter apart too. Spaces between the words of a name are dropped.
    public static func spellings(_ text: String) -> [[UInt8]] { spellings(normalised: NameNormaliser.normalise(text)) }

    /// The spellings of a name already through `NameNormaliser.normalise`.
    static func spellings(normalised: String) -> [[UInt8]] {
        guard !normalised.isEmpty else { return [] }
        switch NameNormaliser.script(of: normalised) {
        case .cyrillic, .mixed:
            return [cyrillic(normalised).filter { $0 != UInt8(ascii: " ") }]
        case .latin, .none:
            let letters = latinLetters(normalised)
            var spellings: [[UInt8]] = []
            for reading in Reading.allCases {
                let spelling = latin(letters, reading: reading)
                if !spellings.contains(spelling) { spellings.append(spelling) }
            }
            return spellings
        }
    }

    /// The first key, as text, for blocking and display.
    public static func key(_ text: String) -> String {
        keys(text).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// German writes both ж and ш as "sch", so it has two readings; Soviet lists (MVD) write х
    /// as "x", which the other readings take for кс.
    enum Reading: Int, CaseIterable {
        case english, french, german, germanVoiced, soviet
    }

    // MARK: Cyrillic

    static let cyrillicMap: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ё": "ie", "э": "e",
        "ж": "Z", "з": "z", "и": "i", "і": "i", "ї": "ii", "й": "i", "ы": "i", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "c",
        "ч": "C", "ш": "S", "щ": "S", "ь": "", "ъ": "", "ю": "iu", "я": "ia", "'": "", "-": "", " ": " ",
    ]

    static func cyrillic(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for character in text {
            if let mapped = cyrillicMap[character] {
                output.append(contentsOf: mapped.utf8)
            } else if let ascii = character.asciiValue, character.isLetter {
                output.append(ascii)
            }
        }
        return output
    }

    // MARK: Latin

    /// Diacritics of the scientific and ISO 9 schemes, rewritten as the digraphs other schemes use.
    static let diacritics: [Character: String] = [
        "č": "ch", "š": "sh", "ž": "zh", "ŝ": "shch", "ĉ": "ch", "ĭ": "i", "ï": "i", "ì": "i", "í": "i",
        "ê": "e", "ë": "e", "é": "e", "è": "e", "ě": "e", "û": "u", "ú": "u", "ù": "u", "â": "a", "á": "a",
        "à": "a", "ȳ": "y", "ý": "y", "ǵ": "g", "ó": "o", "ò": "o", "ô": "o", "ö": "o", "ü": "u", "ä": "a",
        "ß": "ss",
    ]

    /// Lower-case ASCII letters of a normalised Latin name, diacritics spelt out.
    static func latinLetters(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for character in text {
            if let ascii = character.asciiValue {
                if character.isLetter { output.append(ascii) }
            } else if let spelt = diacritics[character] {
                output.append(contentsOf: spelt.utf8)
            }
        }
        return output
    }

    /// Rewrite rules, longest first at each position; `readings` limits a rule to some readings.
    struct Rule {
        let from: [UInt8]
        let to: [UInt8]
        let readings: Set<Reading>

        init(_ from: String, _ to: String, _ readings: Set<Reading> = Set(Reading.allCases)) {
            self.from = Array(from.utf8)
            self.to = Array(to.utf8)
            self.readings = readings
        }
    }

    static let rules: [Rule] = [
        Rule("schtsch", "S"), Rule("chtch", "S"), Rule("shtsh", "S"), Rule("shch", "S"), Rule("tsch", "C"),
        Rule("shh", "S"), Rule("sch", "S", [.english, .french, .german]), Rule("sch", "Z", [.germanVoiced]), Rule("tch", "C"),
        Rule("zh", "Z"), Rule("sh", "S"), Rule("kh", "x"),
        Rule("ch", "C", [.english, .soviet]), Rule("ch", "S", [.french]), Rule("ch", "x", [.german, .germanVoiced]),
        Rule("ts", "c"), Rule("tz", "c"), Rule("cz", "c"), Rule("ou", "u", [.french]),
        Rule("j", "i", [.english, .german, .germanVoiced, .soviet]), Rule("j", "Z", [.french]),
        Rule("z", "c", [.german, .germanVoiced]),
        Rule("w", "v"), Rule("x", "ks", [.english, .french, .german, .germanVoiced]), Rule("x", "x", [.soviet]), Rule("y", "i"),
        Rule("h", "g"), Rule("q", "k"),
    ].sorted { $0.from.count > $1.from.count }

    /// Each reading's rules, longest first.
    static let rulesOfReading: [[Rule]] = Reading.allCases.map { reading in rules.filter { $0.readings.contains(reading) } }

    static func latin(_ letters: [UInt8], reading: Reading) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(letters.count)
        let rules = rulesOfReading[reading.rawValue]
        var index = 0
        scanning: while index < letters.count {
            for rule in rules where rule.from[0] == letters[index] && matches(rule.from, in: letters, at: index) {
                output.append(contentsOf: rule.to)
                index += rule.from.count
                continue scanning
            }
            output.append(letters[index])
            index += 1
        }
        return output
    }

    private static func matches(_ pattern: [UInt8], in letters: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= letters.count else { return false }
        for offset in pattern.indices where letters[index + offset] != pattern[offset] { return false }
        return true
    }

    // MARK: Folding shared by both alphabets

    /// Folds what romanisations disagree on: runs of "i", an "i" or "j" before a vowel (Ю = yu/iu/ju/u),
    /// and doubled letters. Spaces (between words of a name) are dropped.
    static func fold(_ raw: [UInt8]) -> [UInt8] {
        let i = UInt8(ascii: "i")
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            index += 1
            if byte == UInt8(ascii: " ") { continue }
            if byte == i, index < raw.count, isVowel(raw[index]) { continue }
            if let last = output.last, last == byte { continue }
            output.append(byte)
        }
        return output
    }

    private static func isVowel(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "a") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "o") || byte == UInt8(ascii: "u")
            || byte == UInt8(ascii: "i")
    }
}
