/// A name taken apart into its roles, every part normalised.
public struct ParsedName: Sendable, Equatable {
    public var surname: String?
    public var givenNames: [String]
    public var patronymic: String?
    /// Letters of names given only as initials ("І. М. Петренко" → ["і", "м"]).
    public var initials: [Character]

    public init(surname: String?, givenNames: [String] = [], patronymic: String? = nil, initials: [Character] = []) {
        self.surname = surname
        self.givenNames = givenNames
        self.patronymic = patronymic
        self.initials = initials
    }
}

/// Splits a whole name written in one field — "ПЕТРЕНКО Іван Миколайович", "Ivan Petrenko",
/// "Petrenko I. M." — into surname, given names, patronymic and initials.
///
/// The conventions it relies on, in order of strength: a word in capitals among words that are
/// not is the surname (ICRC and adversary lists write it so); a word with a patronymic ending is
/// the patronymic; of the first and last words, the one that is not a known given name is the
/// surname; failing all that, Cyrillic registers put the surname first and Latin lists last.
public struct FullNameParser: Sendable {
    /// Whether a normalised word is a given name the bureau knows; the name tables answer it.
    public var isGivenName: @Sendable (String) -> Bool

    public init(isGivenName: @escaping @Sendable (String) -> Bool) {
        self.isGivenName = isGivenName
    }

    public func parse(_ text: String) -> ParsedName {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var tokens: [(original: String, normalised: String)] = []
        var initials: [Character] = []
        for word in words {
            let normalised = NameNormaliser.normalise(word)
            guard !normalised.isEmpty else { continue }
            // "І." or "I" is an initial; "І.М." written together is two; "Ів." is an abbreviation.
            let chunks = normalised.split(separator: " ")
            if chunks.allSatisfy({ $0.count == 1 }) && chunks.allSatisfy({ $0.first!.isLetter }) {
                initials.append(contentsOf: chunks.map { $0.first! })
                continue
            }
            tokens.append((word, normalised))
        }
        guard !tokens.isEmpty else { return ParsedName(surname: nil, initials: initials) }

        var patronymic: String?
        if let index = tokens.lastIndex(where: { Self.looksLikePatronymic($0.normalised) }), tokens.count > 1 {
            patronymic = tokens.remove(at: index).normalised
        }
        let surnameIndex = surnameIndex(in: tokens)
        let surname = tokens.remove(at: surnameIndex).normalised
        return ParsedName(surname: surname, givenNames: tokens.map(\.normalised), patronymic: patronymic, initials: initials)
    }

    /// Whether two separate fields look exchanged: the "surname" is a known given name and the
    /// "given name" is not. Lists filled in by hand do this often.
    public func looksSwapped(surname: String, givenName: String) -> Bool {
        let surname = NameNormaliser.normalise(surname)
        let given = NameNormaliser.normalise(givenName)
        return isGivenName(surname) && !isGivenName(given)
    }

    private func surnameIndex(in tokens: [(original: String, normalised: String)]) -> Int {
        if tokens.count == 1 { return 0 }
        let capitals = tokens.indices.filter { Self.isWrittenInCapitals(tokens[$0].original) }
        if capitals.count == 1 { return capitals[0] }
        let last = tokens.count - 1
        let firstIsGiven = isGivenName(tokens[0].normalised)
        let lastIsGiven = isGivenName(tokens[last].normalised)
        if firstIsGiven && !lastIsGiven { return last }
        if !firstIsGiven && lastIsGiven { return 0 }
        // Registers in Cyrillic write the surname first; Latin lists follow Western order.
        return NameNormaliser.script(of: tokens[0].normalised) == .cyrillic ? 0 : last
    }

    static func isWrittenInCapitals(_ word: String) -> Bool {
        let letters = word.filter(\.isLetter)
        return letters.count >= 2 && letters.allSatisfy(\.isUppercase)
    }

    /// Endings of Ukrainian and Russian patronymics in Cyrillic and in the common romanisations.
    static let patronymicEndings = [
        "ович", "евич", "івна", "ївна", "овна", "евна", "ична", "ьич",
        "ovych", "ovich", "evych", "evich", "ovitch", "evitch", "ovytch", "ovič", "evič", "owitsch", "ewitsch",
        "ivna", "yivna", "ovna", "evna", "ichna", "itchna",
    ]

    static func looksLikePatronymic(_ normalised: String) -> Bool {
        normalised.count >= 6 && patronymicEndings.contains { normalised.hasSuffix($0) }
    }
}
