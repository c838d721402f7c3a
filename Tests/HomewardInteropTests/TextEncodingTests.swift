import Foundation
import HomewardInterop
import Testing

/// Bytes made by Python's `cp1251` and `koi8_u` codecs, so the tables are checked against another implementation.
enum LegacySamples {
    /// "ПІБ;Дата народження\r\nҐудзь Євгенія Їжакович;«№ 5»\r\n"
    static let ukrainianWindows1251: [UInt8] = [
        0xCF, 0xB2, 0xC1, 0x3B, 0xC4, 0xE0, 0xF2, 0xE0, 0x20, 0xED, 0xE0, 0xF0, 0xEE, 0xE4, 0xE6, 0xE5, 0xED, 0xED, 0xFF,
        0x0D, 0x0A, 0xA5, 0xF3, 0xE4, 0xE7, 0xFC, 0x20, 0xAA, 0xE2, 0xE3, 0xE5, 0xED, 0xB3, 0xFF, 0x20, 0xAF, 0xE6, 0xE0,
        0xEA, 0xEE, 0xE2, 0xE8, 0xF7, 0x3B, 0xAB, 0xB9, 0x20, 0x35, 0xBB, 0x0D, 0x0A,
    ]
    /// "ПІБ;Дата народження\r\nҐудзь Євгенія Їжакович;5\r\n" (KOI8-U has no `«№»`)
    static let ukrainianKOI8U: [UInt8] = [
        0xF0, 0xB6, 0xE2, 0x3B, 0xE4, 0xC1, 0xD4, 0xC1, 0x20, 0xCE, 0xC1, 0xD2, 0xCF, 0xC4, 0xD6, 0xC5, 0xCE, 0xCE, 0xD1,
        0x0D, 0x0A, 0xBD, 0xD5, 0xC4, 0xDA, 0xD8, 0x20, 0xB4, 0xD7, 0xC7, 0xC5, 0xCE, 0xA6, 0xD1, 0x20, 0xB7, 0xD6, 0xC1,
        0xCB, 0xCF, 0xD7, 0xC9, 0xDE, 0x3B, 0x35, 0x0D, 0x0A,
    ]
    /// "ФИО;Дата рождения\nЁлкин Пётр;1990\n"
    static let russianWindows1251: [UInt8] = [
        0xD4, 0xC8, 0xCE, 0x3B, 0xC4, 0xE0, 0xF2, 0xE0, 0x20, 0xF0, 0xEE, 0xE6, 0xE4, 0xE5, 0xED, 0xE8, 0xFF, 0x0A, 0xA8,
        0xEB, 0xEA, 0xE8, 0xED, 0x20, 0xCF, 0xB8, 0xF2, 0xF0, 0x3B, 0x31, 0x39, 0x39, 0x30, 0x0A,
    ]
    static let russianKOI8U: [UInt8] = [
        0xE6, 0xE9, 0xEF, 0x3B, 0xE4, 0xC1, 0xD4, 0xC1, 0x20, 0xD2, 0xCF, 0xD6, 0xC4, 0xC5, 0xCE, 0xC9, 0xD1, 0x0A, 0xB3,
        0xCC, 0xCB, 0xC9, 0xCE, 0x20, 0xF0, 0xA3, 0xD4, 0xD2, 0x3B, 0x31, 0x39, 0x39, 0x30, 0x0A,
    ]

    static let ukrainianList = """
        ПІБ;Дата народження;Місце народження;Примітка
        Шевченко Тарас Григорович;09.03.1814;Моринці;звільнений з полону
        Коваленко Ірина Олексіївна;02.01.1985;Київ;
        Ґудзь Євген Їжакович;15.07.1990;Львів;перебуває в лікарні
        ЛИСЕНКО ОЛЕНА;1979;Чернігів;дані уточнюються

        """
    static let russianList = """
        ФИО;Дата рождения;Место рождения;Примечание
        Иванов Пётр Сергеевич;01.02.1980;Москва;освобождён
        Смирнова Елена Викторовна;12.11.1975;Воронеж;
        КУЗНЕЦОВ АЛЕКСЕЙ;1991;Ростов-на-Дону;находится в плену

        """
}

@Suite("TextEncoding: legacy Cyrillic encodings")
struct TextEncodingTests {
    @Test("Windows-1251 and KOI8-U decode Ukrainian and Russian lists as Python's codecs encode them")
    func decodesSamples() throws {
        #expect(
            TextEncoding.windows1251.decode(LegacySamples.ukrainianWindows1251)
                == "ПІБ;Дата народження\r\nҐудзь Євгенія Їжакович;«№ 5»\r\n")
        #expect(TextEncoding.koi8u.decode(LegacySamples.ukrainianKOI8U) == "ПІБ;Дата народження\r\nҐудзь Євгенія Їжакович;5\r\n")
        #expect(TextEncoding.windows1251.decode(LegacySamples.russianWindows1251) == "ФИО;Дата рождения\nЁлкин Пётр;1990\n")
        #expect(TextEncoding.koi8u.decode(LegacySamples.russianKOI8U) == "ФИО;Дата рождения\nЁлкин Пётр;1990\n")

        var reader = CSVReader(bytes: LegacySamples.ukrainianWindows1251, options: .init(encoding: .windows1251))
        #expect(try reader.readHeader() == ["ПІБ", "Дата народження"])
        #expect(try reader.nextRow() == CSVRow(number: 2, fields: ["Ґудзь Євгенія Їжакович", "«№ 5»"]))
    }

    @Test("the characters that differ between the two, at their positions")
    func positions() {
        let windows1251: [UInt8: String] = [
            0xB9: "№", 0xAB: "«", 0xBB: "»", 0xA5: "Ґ", 0xB4: "ґ", 0xB2: "І", 0xB3: "і", 0xAF: "Ї", 0xBF: "ї", 0xAA: "Є",
            0xBA: "є",
            0xA8: "Ё", 0xB8: "ё", 0xC0: "А", 0xFF: "я", 0x96: "–", 0x97: "—", 0xA0: "\u{A0}", 0x88: "€",
        ]
        for (byte, text) in windows1251 { #expect(TextEncoding.windows1251.decode([byte]) == text, "0x\(byte)") }
        let koi8u: [UInt8: String] = [
            0xA4: "є", 0xA6: "і", 0xA7: "ї", 0xAD: "ґ", 0xB4: "Є", 0xB6: "І", 0xB7: "Ї", 0xBD: "Ґ", 0xA3: "ё", 0xB3: "Ё",
            0xC0: "ю", 0xC1: "а", 0xDF: "ъ", 0xE0: "Ю", 0xFF: "Ъ", 0x80: "─", 0x9A: "\u{A0}",
        ]
        for (byte, text) in koi8u { #expect(TextEncoding.koi8u.decode([byte]) == text, "0x\(byte)") }
        #expect(TextEncoding.windows1251.decode([0x41, 0x98]) == nil)
    }

    @Test("every defined byte decodes to one character that encodes back to it; ASCII is ASCII")
    func roundTrip() {
        for encoding in [TextEncoding.windows1251, .koi8u] {
            var seen = Set<String>()
            for byte in UInt8.min...UInt8.max {
                guard let text = encoding.decode([byte]) else {
                    #expect(encoding == .windows1251 && byte == 0x98)
                    continue
                }
                #expect(text.unicodeScalars.count == 1)
                #expect(encoding.encode(text) == [byte], "\(encoding) 0x\(String(byte, radix: 16))")
                if byte < 0x80 { #expect(text.unicodeScalars.first?.value == UInt32(byte)) }
                seen.insert(text)
            }
            #expect(seen.count == (encoding == .windows1251 ? 255 : 256))
            #expect(encoding.encode("Łukasz") == nil)
            #expect(encoding.byteOrderMark.isEmpty)
        }
    }

    @Test("names people type for an encoding")
    func names() {
        let spellings: [String: TextEncoding] = [
            "utf8": .utf8, "UTF-8": .utf8, "utf_8": .utf8, "cp1251": .windows1251, "CP-1251": .windows1251,
            "windows-1251": .windows1251, "Windows1251": .windows1251, "win1251": .windows1251, "koi8-u": .koi8u,
            "KOI8U": .koi8u, "koi8_u": .koi8u,
        ]
        for (name, encoding) in spellings { #expect(TextEncoding(name: name) == encoding, "\(name)") }
        for name in ["", "latin1", "koi8-r", "utf16", "1252"] { #expect(TextEncoding(name: name) == nil, "\(name)") }
        for encoding in TextEncoding.allCases { #expect(TextEncoding(name: encoding.rawValue) == encoding) }
    }

    @Test("detection tells the encodings of Ukrainian and Russian lists apart")
    func detection() throws {
        for list in [LegacySamples.ukrainianList, LegacySamples.russianList] {
            for encoding in [TextEncoding.windows1251, .koi8u] {
                let bytes = try #require(encoding.encode(list))
                #expect(TextEncoding.detect(bytes) == encoding, "\(encoding): \(list.prefix(20))")
                let firstLine = Array(bytes.prefix { $0 != 0x0A })
                #expect(TextEncoding.detect(firstLine, isWholeInput: true) == encoding, "\(encoding), header only")
            }
            #expect(TextEncoding.detect(Array(list.utf8)) == .utf8)
        }
        #expect(TextEncoding.detect(LegacySamples.ukrainianWindows1251) == .windows1251)
        #expect(TextEncoding.detect(LegacySamples.ukrainianKOI8U) == .koi8u)
        #expect(TextEncoding.detect(LegacySamples.russianWindows1251) == .windows1251)
        #expect(TextEncoding.detect(LegacySamples.russianKOI8U) == .koi8u)
        // Surnames in capitals, as many lists write them.
        let capitals = "ПРІЗВИЩЕ;ІМ'Я\nШЕВЧЕНКО;ТАРАС\nКОВАЛЕНКО;ІРИНА\nМЕЛЬНИК;ОЛЕКСАНДР\n"
        for encoding in [TextEncoding.windows1251, .koi8u] {
            #expect(TextEncoding.detect(try #require(encoding.encode(capitals))) == encoding, "capitals in \(encoding)")
        }
    }

    @Test("UTF-8 is recognised by its byte order mark, by validity, and when a sample ends inside a character")
    func detectionOfUTF8() {
        let text = Array("Шевченко;Ж".utf8)
        #expect(TextEncoding.detect(text) == .utf8)
        #expect(TextEncoding.detect([0xEF, 0xBB, 0xBF] + LegacySamples.ukrainianWindows1251) == .utf8)
        #expect(TextEncoding.detect(text.dropLast()) == .utf8)
        #expect(TextEncoding.detect(Array("абв😀".utf8).dropLast(2)) == .utf8)
        #expect(TextEncoding.detect(Array("name,surname\n".utf8)) == .utf8)
        #expect(TextEncoding.detect([UInt8]()) == .utf8)
        // A whole input cannot end inside a character: a final capital "Ж" in Windows-1251 is not cut-off UTF-8.
        #expect(TextEncoding.detect(Array("a;b\n".utf8) + [0xC6], isWholeInput: true) == .windows1251)
    }

    @Test("the CSV reader detects the encoding when asked, through chunks of any size", arguments: [1, 7, 65_536])
    func readerDetects(chunkSize: Int) throws {
        let bytes = try #require(TextEncoding.koi8u.encode(LegacySamples.ukrainianList))
        let file = try TemporaryFile(bytes)
        var reader = try CSVReader(path: file.path, options: .init(encoding: nil), chunkSize: chunkSize)
        #expect(reader.encoding == .koi8u)
        #expect(reader.delimiter == .semicolon)
        #expect(try reader.readHeader() == ["ПІБ", "Дата народження", "Місце народження", "Примітка"])
        #expect(
            try reader.nextRow()
                == CSVRow(number: 2, fields: ["Шевченко Тарас Григорович", "09.03.1814", "Моринці", "звільнений з полону"]))

        let withMark = try TemporaryFile([0xEF, 0xBB, 0xBF] + Array("ПІБ,Дата\n".utf8))
        var markReader = try CSVReader(path: withMark.path, options: .init(encoding: nil), chunkSize: chunkSize)
        #expect(markReader.encoding == .utf8)
        #expect(try markReader.readHeader() == ["ПІБ", "Дата"])
    }

    @Test("the default stays UTF-8, so existing callers are unchanged")
    func defaultEncoding() {
        let reader = CSVReader(bytes: LegacySamples.ukrainianWindows1251)
        #expect(reader.encoding == .utf8)
        #expect(CSVReader.Options().encoding == .utf8)
    }

    @Test("an invalid byte in the middle names its row and column, detected or given")
    func invalidByteInTheMiddle() throws {
        let good = try #require(TextEncoding.windows1251.encode("ПІБ;Дата народження\nШевченко Тарас;1814\nКоваленко Ірина;"))
        let rest = try #require(TextEncoding.windows1251.encode("\nМельник Олександр;1990\n"))
        let bytes = good + [0x31, 0x39, 0x98, 0x35] + rest
        for options in [CSVReader.Options(encoding: nil), CSVReader.Options(encoding: .windows1251)] {
            let error = readingError(bytes, options)
            #expect(error == CSVError(.invalidText(encoding: .windows1251, offset: 2, byte: 0x98), row: 3, column: 2))
            #expect(error?.description.hasPrefix("row 3, column 2: the field is not valid windows-1251: byte 0x98") == true)
        }
    }

    @Test("UTF-8 rows then a Windows-1251 row: read as UTF-8, stopping at the first foreign byte")
    func mixedEncodings() throws {
        let utf8Rows = "ПІБ;Дата народження\nШевченко Тарас Григорович;1814\nКоваленко Ірина Олексіївна;1985\n"
        let foreign = try #require(TextEncoding.windows1251.encode("Ґудзь Євген;1990\n"))
        let bytes = Array(utf8Rows.utf8) + foreign
        let expected = CSVError(.invalidText(encoding: .utf8, offset: 0, byte: 0xA5), row: 4, column: 1)
        #expect(readingError(bytes, .init(encoding: nil)) == expected)

        // Beyond the detection sample, the same.
        let many = String(repeating: "Шевченко Тарас Григорович;1814\n", count: 3_000)
        let long = Array(("ПІБ;Дата\n" + many).utf8) + foreign
        #expect(
            readingError(long, .init(encoding: nil))
                == CSVError(.invalidText(encoding: .utf8, offset: 0, byte: 0xA5), row: 3_002, column: 1))
    }
}
