import HomewardCore
import Testing

@Suite("Ukrainian national system of 2010")
struct UkrainianTransliterationTests {
    /// The examples of the table in Resolution No. 55 of the Cabinet of Ministers (27 January 2010), plus place
    /// names and surnames of the same kinds, so every letter and every positional rule is exercised.
    static let officialExamples: [(cyrillic: String, latin: String)] = [
        ("Алушта", "Alushta"),
        ("Борщагівка", "Borshchahivka"),
        ("Вінниця", "Vinnytsia"),
        ("Гадяч", "Hadiach"),
        ("Згорани", "Zghorany"),
        ("Ґалаґан", "Galagan"),
        ("Дон", "Don"),
        ("Рівне", "Rivne"),
        ("Єнакієве", "Yenakiieve"),
        ("Наєнко", "Naienko"),
        ("Житомир", "Zhytomyr"),
        ("Жашків", "Zhashkiv"),
        ("Закарпаття", "Zakarpattia"),
        ("Медвин", "Medvyn"),
        ("Іршава", "Irshava"),
        ("Їжакевич", "Yizhakevych"),
        ("Кадиївка", "Kadyivka"),
        ("Йосипівка", "Yosypivka"),
        ("Стрий", "Stryi"),
        ("Олексій", "Oleksii"),
        ("Київ", "Kyiv"),
        ("Лебедин", "Lebedyn"),
        ("Миргород", "Myrhorod"),
        ("Ніжин", "Nizhyn"),
        ("Одеса", "Odesa"),
        ("Полтава", "Poltava"),
        ("Ромни", "Romny"),
        ("Суми", "Sumy"),
        ("Тетерів", "Teteriv"),
        ("Ужгород", "Uzhhorod"),
        ("Фастів", "Fastiv"),
        ("Харків", "Kharkiv"),
        ("Біла Церква", "Bila Tserkva"),
        ("Чернівці", "Chernivtsi"),
        ("Шостка", "Shostka"),
        ("Гоща", "Hoshcha"),
        ("Русь", "Rus"),
        ("Юрій", "Yurii"),
        ("Крюківка", "Kriukivka"),
        ("Яготин", "Yahotyn"),
        ("Ічня", "Ichnia"),
        ("Знам'янка", "Znamianka"),
        ("Розгон", "Rozghon"),
        ("Щербухи", "Shcherbukhy"),
        ("Ковальчук", "Kovalchuk"),
        ("Михайленко", "Mykhailenko"),
        ("Іванків", "Ivankiv"),
        ("Іващенко", "Ivashchenko"),
        ("Коваленко", "Kovalenko"),
        ("Леонід", "Leonid"),
        ("Миколаїв", "Mykolaiv"),
        ("Маринич", "Marynych"),
        ("Наталія", "Nataliia"),
        ("Онищенко", "Onyshchenko"),
        ("Петро", "Petro"),
        ("Решетилівка", "Reshetylivka"),
        ("Рибчинський", "Rybchynskyi"),
        ("Соломія", "Solomiia"),
        ("Тернопіль", "Ternopil"),
        ("Троць", "Trots"),
        ("Уляна", "Uliana"),
        ("Філіпчук", "Filipchuk"),
        ("Христина", "Khrystyna"),
        ("Стеценко", "Stetsenko"),
        ("Шевченко", "Shevchenko"),
        ("Кишеньки", "Kyshenky"),
        ("Гаращенко", "Harashchenko"),
        ("Корюківка", "Koriukivka"),
        ("Ярошенко", "Yaroshenko"),
        ("Костянтин", "Kostiantyn"),
        ("Феодосія", "Feodosiia"),
    ]

    @Test("official example", arguments: officialExamples)
    func officialExample(cyrillic: String, latin: String) {
        #expect(Transliteration.latin(cyrillic, from: .ukrainian) == latin)
    }

    @Test("every apostrophe variant is dropped inside a word", arguments: ["'", "’", "ʼ", "`", "‘", "′"])
    func apostropheVariants(apostrophe: String) {
        #expect(Transliteration.latin("Знам\(apostrophe)янка", from: .ukrainian) == "Znamianka")
        #expect(Transliteration.latin("В\(apostrophe)ячеслав", from: .ukrainian) == "Viacheslav")
    }

    @Test(
        "all-caps words stay all-caps, multi-letter digraphs included",
        arguments: [
            ("ЩЕРБАК", "SHCHERBAK"),
            ("ЮРІЙ", "YURII"),
            ("ЄНАКІЄВЕ", "YENAKIIEVE"),
            ("ЖАШКІВ", "ZHASHKIV"),
            ("ЗГОРАНИ", "ZGHORANY"),
        ])
    func allCaps(cyrillic: String, latin: String) {
        #expect(Transliteration.latin(cyrillic, from: .ukrainian) == latin)
    }

    @Test("a lone capital is written with only its first Latin letter capitalised")
    func loneCapital() {
        #expect(Transliteration.latin("Щ. Ю.", from: .ukrainian) == "Shch. Yu.")
    }

    @Test(
        "each part of a hyphenated surname starts a new word",
        arguments: [
            ("Петренко-Ковальчук", "Petrenko-Kovalchuk"),
            ("Ющенко-Яременко", "Yushchenko-Yaremenko"),
            ("ПЕТРЕНКО-ЯРЕМЕНКО", "PETRENKO-YAREMENKO"),
        ])
    func hyphenatedSurname(cyrillic: String, latin: String) {
        #expect(Transliteration.latin(cyrillic, from: .ukrainian) == latin)
    }

    @Test("the word-initial forms are used only at the start of a word")
    func wordInitialOnlyAtStart() {
        #expect(Transliteration.latin("Яя Юю Єє Її Йй", from: .ukrainian) == "Yaia Yuiu Yeie Yii Yi")
    }

    @Test("characters outside the alphabet pass through unchanged")
    func nonCyrillicPassesThrough() {
        #expect(Transliteration.latin("Бригада 93, в/ч A1302", from: .ukrainian) == "Bryhada 93, v/ch A1302")
        #expect(Transliteration.latin("", from: .ukrainian) == "")
    }
}

@Suite("Russian, ICAO Doc 9303")
struct RussianTransliterationTests {
    @Test(
        "name",
        arguments: [
            ("Александр", "Aleksandr"),
            ("Николаевич", "Nikolaevich"),
            ("Юрий", "Iurii"),
            ("Юлия", "Iuliia"),
            ("Яна", "Iana"),
            ("Щукин", "Shchukin"),
            ("Ёлкин", "Elkin"),
            ("Объедков", "Obieedkov"),
            ("Хрущёв", "Khrushchev"),
            ("Царёв", "Tsarev"),
            ("Мельников", "Melnikov"),
            ("Эдуард", "Eduard"),
            ("Зыков", "Zykov"),
            ("Гергиев", "Gergiev"),
            ("Жуков", "Zhukov"),
            ("Чернышёв", "Chernyshev"),
            ("Шевчук", "Shevchuk"),
        ])
    func name(cyrillic: String, latin: String) {
        #expect(Transliteration.latin(cyrillic, from: .russian) == latin)
    }

    @Test("'зг' has no special form in Russian")
    func noZghInRussian() {
        #expect(Transliteration.latin("Згуров", from: .russian) == "Zgurov")
        #expect(Transliteration.latin("Згуров", from: .ukrainian) == "Zghurov")
    }

    @Test("the same letters romanise differently by language")
    func languageDecides() {
        #expect(Transliteration.latin("Григорий", from: .russian) == "Grigorii")
        #expect(Transliteration.latin("Григорій", from: .ukrainian) == "Hryhorii")
    }

    @Test("all-caps words stay all-caps")
    func allCaps() {
        #expect(Transliteration.latin("ЩУКИН ЮРИЙ", from: .russian) == "SHCHUKIN IURII")
    }

    @Test("Latin text is kept exactly as written")
    func latinKept() {
        #expect(Transliteration.latin("O'Brien-Müller", from: .latin) == "O'Brien-Müller")
    }
}

@Suite("Detecting the language of a name")
struct NameLanguageDetectionTests {
    @Test("letters only Ukrainian has", arguments: ["Іван", "Їжакевич", "Єнакієве", "Ґалаґан"])
    func ukrainianLetters(text: String) {
        #expect(NameLanguage.detect(text, fallback: .russian) == .ukrainian)
    }

    @Test("letters only Russian has", arguments: ["Зыков", "Эдуард", "Объедков", "Ёлкин"])
    func russianLetters(text: String) {
        #expect(NameLanguage.detect(text, fallback: .ukrainian) == .russian)
    }

    @Test("shared Cyrillic letters fall back to the language given")
    func sharedLettersFallBack() {
        #expect(NameLanguage.detect("Петренко", fallback: .russian) == .russian)
        #expect(NameLanguage.detect("Петренко", fallback: .ukrainian) == .ukrainian)
        #expect(NameLanguage.detect("Петренко Алексей", fallback: .ukrainian) == .ukrainian)
        #expect(NameLanguage.detect("Петренко Алексей", fallback: .russian) == .russian)
    }

    @Test("Cyrillic is never taken for Latin, even when Latin is the fallback")
    func cyrillicWithLatinFallback() {
        #expect(NameLanguage.detect("Петренко", fallback: .latin) == .ukrainian)
    }

    @Test("one distinctive letter anywhere decides")
    func oneLetterDecides() {
        #expect(NameLanguage.detect("Петренко Олександр Миколайович Іванів", fallback: .russian) == .ukrainian)
        #expect(NameLanguage.detect("Петренко Эдуард", fallback: .ukrainian) == .russian)
    }

    @Test("Latin letters are Latin")
    func latinLetters() {
        #expect(NameLanguage.detect("Smith", fallback: .russian) == .latin)
        #expect(NameLanguage.detect("Müller", fallback: .ukrainian) == .latin)
    }

    @Test("text without letters falls back", arguments: NameLanguage.allCases)
    func noLetters(fallback: NameLanguage) {
        #expect(NameLanguage.detect("", fallback: fallback) == fallback)
        #expect(NameLanguage.detect("12-34 ", fallback: fallback) == fallback)
    }
}
