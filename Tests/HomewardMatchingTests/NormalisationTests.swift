import HomewardMatching
import Testing

@Suite("Normalising names")
struct NormalisationTests {
    @Test(
        "differences that carry no information disappear",
        arguments: [
            ("ПЕТРЕНКО", "петренко"),
            ("  Петренко   Іван ", "петренко іван"),
            ("Лук’яненко", "лук'яненко"),
            ("Лукʼяненко", "лук'яненко"),
            ("Лук`яненко", "лук'яненко"),
            ("Петренко-Ковальчук", "петренко-ковальчук"),
            ("Петренко, Іван.", "петренко іван"),
            ("ﬁlatov", "filatov"),
            ("Ё", "ё"),
        ]
    )
    func normalise(text: String, expected: String) {
        #expect(NameNormaliser.normalise(text) == expected)
    }

    @Test(
        "look-alike letters are put into the word's own alphabet",
        arguments: [
            // Latin "e", "o", "p" typed inside Cyrillic words, and the reverse.
            ("Пeтренкo", "петренко"),
            ("ПЕТPEНКО", "петренко"),
            ("Kовальчук", "ковальчук"),
            ("Pеtrenko", "petrenko"),
            ("Ivаn", "ivan"),
            ("Іvan", "ivan"),
        ]
    )
    func lookAlikes(text: String, expected: String) {
        #expect(NameNormaliser.normalise(text) == expected)
        #expect(NameNormaliser.script(of: NameNormaliser.normalise(text)) != .mixed)
    }

    @Test("a word that cannot be put into one alphabet is left as it is")
    func unfixableMixedWord() {
        // "ж" has no Latin look-alike and "q" no Cyrillic one.
        #expect(NameNormaliser.normalise("жq") == "жq")
    }

    @Test("hyphenated surnames come apart into parts")
    func parts() {
        #expect(NameNormaliser.parts("петренко-ковальчук іван") == ["петренко", "ковальчук", "іван"])
        #expect(NameNormaliser.parts("") == [])
    }

    @Test("scripts")
    func scripts() {
        #expect(NameNormaliser.script(of: "петренко") == .cyrillic)
        #expect(NameNormaliser.script(of: "petrenko") == .latin)
        #expect(NameNormaliser.script(of: "šcerbak") == .latin)
        #expect(NameNormaliser.script(of: "123") == .none)
    }
}

@Suite("Splitting a whole name in one field")
struct FullNameParserTests {
    static let known: Set<String> = ["іван", "ivan", "олександр", "oleksandr", "александр", "aleksandr", "марія", "maria"]
    let parser = FullNameParser(isGivenName: { known.contains($0) })

    @Test(
        "roles are found by capitals, patronymic endings, known names and the script's order",
        arguments: [
            ("ПЕТРЕНКО Іван Миколайович", ParsedName(surname: "петренко", givenNames: ["іван"], patronymic: "миколайович")),
            ("Іван Миколайович ПЕТРЕНКО", ParsedName(surname: "петренко", givenNames: ["іван"], patronymic: "миколайович")),
            ("Петренко Іван Миколайович", ParsedName(surname: "петренко", givenNames: ["іван"], patronymic: "миколайович")),
            ("Іван Петренко", ParsedName(surname: "петренко", givenNames: ["іван"])),
            ("Ivan Petrenko", ParsedName(surname: "petrenko", givenNames: ["ivan"])),
            ("Petrenko Ivan", ParsedName(surname: "petrenko", givenNames: ["ivan"])),
            (
                "PETRENKO Oleksandr Mykolaiovych",
                ParsedName(surname: "petrenko", givenNames: ["oleksandr"], patronymic: "mykolaiovych")
            ),
            (
                "Aleksandr Nikolaevich Petrenko",
                ParsedName(surname: "petrenko", givenNames: ["aleksandr"], patronymic: "nikolaevich")
            ),
            ("Петренко Марія Іванівна", ParsedName(surname: "петренко", givenNames: ["марія"], patronymic: "іванівна")),
            ("Petrenko I. M.", ParsedName(surname: "petrenko", initials: ["i", "m"])),
            ("І.М. Петренко", ParsedName(surname: "петренко", initials: ["і", "м"])),
            ("Петренко-Ковальчук Олександр", ParsedName(surname: "петренко-ковальчук", givenNames: ["олександр"])),
            ("Петренко", ParsedName(surname: "петренко")),
        ]
    )
    func parse(text: String, expected: ParsedName) {
        #expect(parser.parse(text) == expected)
    }

    @Test("nothing but initials or punctuation")
    func degenerate() {
        #expect(parser.parse("І. М.") == ParsedName(surname: nil, initials: ["і", "м"]))
        #expect(parser.parse(" ., ") == ParsedName(surname: nil))
    }

    @Test("surname and given name typed into each other's fields")
    func swapped() {
        #expect(parser.looksSwapped(surname: "Іван", givenName: "Петренко"))
        #expect(!parser.looksSwapped(surname: "Петренко", givenName: "Іван"))
        // Both known (a surname that is also a given name): no claim either way.
        #expect(!parser.looksSwapped(surname: "Марія", givenName: "Іван"))
    }
}
