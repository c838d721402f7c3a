import Foundation

/// Which alphabet a word is written in.
public enum Script: Sendable, Equatable {
    case cyrillic, latin, mixed, none
}

/// Brings the many ways one name is typed to one comparable form.
///
/// Lists are typed on keyboards with two layouts, pasted from PDFs and scanned by OCR: "Петренко"
/// arrives with a Latin "e" inside, in capitals, with four kinds of apostrophe, with stray dots
/// and double spaces. Nothing here guesses at spelling variants; it only removes the differences
/// that carry no information.
public enum NameNormaliser {
    /// The canonical apostrophe; Ukrainian names carry it ("Лук'яненко"), and it is typed many ways.
    public static let apostrophe: Character = "'"
    static let apostropheVariants: Set<Character> = ["'", "’", "ʼ", "`", "‘", "′", "´", "ʹ"]

    /// Case-folded, compatibility-normalised text with apostrophes unified, look-alike letters put
    /// into each word's own alphabet, punctuation other than hyphens and apostrophes turned into
    /// spaces, and white space collapsed.
    public static func normalise(_ text: String) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping.lowercased()
        var cleaned = ""
        cleaned.reserveCapacity(folded.utf8.count)
        for character in folded {
            if apostropheVariants.contains(character) {
                cleaned.append(apostrophe)
            } else if character.isLetter || character.isNumber || character == "-" {
                cleaned.append(character)
            } else {
                cleaned.append(" ")
            }
        }
        return cleaned.split(separator: " ").map { word in
            fixingLookAlikes(trimmingJoiners(String(word)))
        }
        .filter { !$0.isEmpty }
        .joined(separator: " ")
    }

    /// The parts of a normalised name: words and the parts of hyphenated words, without empties.
    /// "Петренко-Ковальчук" has two parts; both are compared against the other record's surname.
    public static func parts(_ normalised: String) -> [String] {
        normalised.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)
    }

    public static func script(of word: String) -> Script {
        var cyrillic = 0
        var latin = 0
        for scalar in word.unicodeScalars where scalar.properties.isAlphabetic {
            if (0x0400...0x04FF).contains(scalar.value) {
                cyrillic += 1
            } else if scalar.isASCII || (0x00C0...0x024F).contains(scalar.value) {
                latin += 1
            }
        }
        switch (cyrillic > 0, latin > 0) {
        case (true, true): return .mixed
        case (true, false): return .cyrillic
        case (false, true): return .latin
        case (false, false): return .none
        }
    }

    /// Puts Latin look-alikes in a Cyrillic word into Cyrillic, and Cyrillic look-alikes in a Latin
    /// word into Latin, deciding by which alphabet has more letters in the word.
    ///
    /// Only letters that look the same in lower case are exchanged; a word whose letters cannot
    /// all be brought into one alphabet is left as it is rather than guessed at.
    public static func fixingLookAlikes(_ word: String) -> String {
        guard script(of: word) == .mixed else { return word }
        var cyrillic = 0
        var latin = 0
        for scalar in word.unicodeScalars {
            if (0x0400...0x04FF).contains(scalar.value) {
                cyrillic += 1
            } else if scalar.properties.isAlphabetic {
                latin += 1
            }
        }
        let table = cyrillic >= latin ? latinToCyrillic : cyrillicToLatin
        var fixed = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            if let replacement = table[scalar] {
                fixed.append(replacement)
            } else {
                fixed.append(scalar)
            }
        }
        let result = String(fixed)
        return script(of: result) == .mixed ? word : result
    }

    private static func trimmingJoiners(_ word: String) -> String {
        var word = Substring(word)
        while let first = word.first, first == "-" || first == apostrophe { word = word.dropFirst() }
        while let last = word.last, last == "-" || last == apostrophe { word = word.dropLast() }
        return String(word)
    }

    static let lookAlikePairs: [(latin: Unicode.Scalar, cyrillic: Unicode.Scalar)] = [
        ("a", "а"), ("c", "с"), ("e", "е"), ("i", "і"), ("o", "о"), ("p", "р"), ("x", "х"), ("y", "у"),
        ("k", "к"), ("m", "м"), ("t", "т"), ("h", "н"), ("b", "в"),
    ]
    static let latinToCyrillic = Dictionary(uniqueKeysWithValues: lookAlikePairs.map { ($0.latin, $0.cyrillic) })
    static let cyrillicToLatin = Dictionary(uniqueKeysWithValues: lookAlikePairs.map { ($0.cyrillic, $0.latin) })
}
