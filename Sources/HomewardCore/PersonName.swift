/// A person's name as one source wrote it, with its Latin form derived, never typed twice.
public struct PersonName: Hashable, Sendable, Codable {
    public var surname: String
    public var givenNames: String?
    /// The patronymic ("Миколайович"), where the naming custom has one.
    public var patronymic: String?
    /// The language the name is written in; it decides the romanisation.
    public var language: NameLanguage

    public init(surname: String, givenNames: String? = nil, patronymic: String? = nil, language: NameLanguage) {
        self.surname = surname
        self.givenNames = givenNames
        self.patronymic = patronymic
        self.language = language
    }

    /// Builds a name whose language is recognised from its letters, defaulting to `fallback` for
    /// Cyrillic that both Ukrainian and Russian share.
    public init(
        surname: String,
        givenNames: String? = nil,
        patronymic: String? = nil,
        detectingLanguageWithFallback fallback: NameLanguage
    ) {
        let text = [surname, givenNames, patronymic].compactMap { $0 }.joined(separator: " ")
        self.init(
            surname: surname,
            givenNames: givenNames,
            patronymic: patronymic,
            language: NameLanguage.detect(text, fallback: fallback)
        )
    }

    /// The same name romanised by the national system of its language.
    public var latin: PersonName {
        PersonName(
            surname: Transliteration.latin(surname, from: language),
            givenNames: givenNames.map { Transliteration.latin($0, from: language) },
            patronymic: patronymic.map { Transliteration.latin($0, from: language) },
            language: .latin
        )
    }

    /// "Петренко Іван Миколайович": surname first, as registers and lists write it.
    public var fullName: String {
        [surname, givenNames, patronymic].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
