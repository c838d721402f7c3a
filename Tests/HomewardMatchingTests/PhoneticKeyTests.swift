import HomewardMatching
import Testing

@Suite("Spelling-independent keys")
struct PhoneticKeyTests {
    @Test(
        "one name in Cyrillic and in the Latin schemes lists use gives one key",
        arguments: [
            ["Шевченко", "Shevchenko", "Schewtschenko", "Chevtchenko", "Ševčenko", "ШЕВЧЕНКО"],
            ["Олександр", "Oleksandr", "Olexandr", "OLEKSANDR"],
            ["Александр", "Aleksandr", "Alexandr"],
            ["Юрій", "Юрий", "Yurii", "Iurii", "Jurij", "Iouri"],
            ["Харків", "Kharkiv", "Charkiw", "KHARKIV"],
            ["Жук", "Zhuk", "Jouk", "Žuk", "Schuk"],
            ["Щербак", "Shcherbak", "Scherbak", "Chtcherbak", "Shherbak", "Ščerbak"],
            ["Яценко", "Yatsenko", "Iatsenko", "Jazenko", "Jatsenko"],
            ["Їжакевич", "Yizhakevych", "Izhakevich"],
            ["Харьков", "Xar`kov", "Kharkov"],
            ["Михаил", "Mixail", "Mikhail"],
        ]
    )
    func sameKey(spellings: [String]) {
        let reference = Set(PhoneticKey.keys(spellings[0]))
        for spelling in spellings.dropFirst() {
            #expect(!reference.isDisjoint(with: PhoneticKey.keys(spelling)), "\(spelling) vs \(spellings[0])")
        }
    }

    @Test("different names keep different keys")
    func differentKeys() {
        #expect(PhoneticKey.key("Шевченко") != PhoneticKey.key("Шевчук"))
        #expect(PhoneticKey.key("Коваль") != PhoneticKey.key("Ковальчук"))
        #expect(PhoneticKey.key("Жук") != PhoneticKey.key("Шук"))
    }

    @Test("spellings keep what keys fold: the iotated vowels as Latin lists write them, and every reading")
    func spellings() {
        func spelt(_ text: String) -> Set<String> { Set(PhoneticKey.spellings(text).map { String(decoding: $0, as: UTF8.self) }) }
        #expect(spelt("Юрій") == ["iurii"])
        #expect(spelt("Yurii").contains("iurii"))
        #expect(spelt("Іан") == ["ian"] && spelt("Ян") == ["ian"])
        #expect(spelt("Марія Лук'яненко") == ["mariialukianenko"])
        #expect(spelt("Chornyi") == ["Cornii", "Sornii", "xornii"])
        // Keys still fold them together.
        #expect(PhoneticKey.keys("Юрій") == PhoneticKey.keys("Yurii"))
        #expect(PhoneticKey.keys("Іан") == PhoneticKey.keys("Ян"))
    }

    @Test("empty and punctuation-only names have no key")
    func empty() {
        #expect(PhoneticKey.keys("").isEmpty)
        #expect(PhoneticKey.keys(" - ").isEmpty)
    }
}

@Suite("Similarity")
struct SimilarityTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("Jaro–Winkler on the textbook pairs")
    func jaroWinkler() {
        #expect(abs(Similarity.jaroWinkler(bytes("martha"), bytes("marhta")) - 0.9611) < 0.0001)
        #expect(abs(Similarity.jaroWinkler(bytes("dwayne"), bytes("duane")) - 0.84) < 0.0001)
        #expect(abs(Similarity.jaroWinkler(bytes("dixon"), bytes("dicksonx")) - 0.8133) < 0.0001)
        #expect(Similarity.jaroWinkler(bytes("abc"), bytes("abc")) == 1)
        #expect(Similarity.jaroWinkler(bytes("abc"), bytes("xyz")) == 0)
        #expect(Similarity.jaroWinkler([], bytes("a")) == 0)
    }

    @Test("Damerau–Levenshtein counts a swap of neighbours as one edit")
    func damerauLevenshtein() {
        #expect(Similarity.damerauLevenshtein(bytes("HT683194"), bytes("HT683914")) == 1)
        #expect(Similarity.damerauLevenshtein(bytes("HT683194"), bytes("HT68319")) == 1)
        #expect(Similarity.damerauLevenshtein(bytes("kitten"), bytes("sitting")) == 3)
        #expect(Similarity.damerauLevenshtein([], bytes("abc")) == 3)
    }
}
