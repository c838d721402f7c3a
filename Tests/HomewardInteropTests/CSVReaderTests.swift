import HomewardInterop
import Testing

@Suite("CSVReader: the grammar")
struct CSVReaderGrammarTests {
    @Test("reads records with and without a final line end")
    func finalLineEnd() throws {
        #expect(try fields("a,b,c\n1,2,3\n") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try fields("a,b,c\n1,2,3") == [["a", "b", "c"], ["1", "2", "3"]])
        #expect(try rows("a\nb").map(\.number) == [1, 2])
    }

    @Test("CR LF, LF and a lone CR each end a line")
    func lineEnds() throws {
        #expect(try rows("a,b\r\n1,2\r\n") == [CSVRow(number: 1, fields: ["a", "b"]), CSVRow(number: 2, fields: ["1", "2"])])
        #expect(
            try rows("a\r\nb\nc\rd") == [
                CSVRow(number: 1, fields: ["a"]), CSVRow(number: 2, fields: ["b"]),
                CSVRow(number: 3, fields: ["c"]), CSVRow(number: 4, fields: ["d"]),
            ])
    }

    @Test("empty fields anywhere in a record")
    func emptyFields() throws {
        #expect(try fields(",a,,\n") == [["", "a", "", ""]])
        #expect(try fields("a,") == [["a", ""]])
        #expect(try fields(",") == [["", ""]])
        #expect(try fields("a,\r\nb,") == [["a", ""], ["b", ""]])
    }

    @Test("empty lines hold no record but count, so row numbers match the lines of the file")
    func emptyLines() throws {
        let text = "\n\nsurname,given_name\n\n\r\nКовальчук,Іван\n\n\r"
        #expect(
            try rows(text) == [
                CSVRow(number: 3, fields: ["surname", "given_name"]),
                CSVRow(number: 6, fields: ["Ковальчук", "Іван"]),
            ])
        #expect(try rows("\n\n\r\n").isEmpty)
        #expect(try rows("").isEmpty)
    }

    @Test("quoted fields keep delimiters, doubled quotes and line breaks")
    func quotedFields() throws {
        let text = "\"a,b\",\"say \"\"hi\"\"\",\"line 1\nline 2\"\nnext,\"\",\"\"\"\"\n"
        #expect(try fields(text) == [["a,b", "say \"hi\"", "line 1\nline 2"], ["next", "", "\""]])
    }

    @Test("a record with quoted line breaks spans lines; the next record is numbered by its own first line")
    func numbersAfterMultilineRecord() throws {
        let text = "id,note\n1,\"first\r\nsecond\rthird\nfourth\"\n2,x\r\n3,\"\"\n"
        #expect(
            try rows(text) == [
                CSVRow(number: 1, fields: ["id", "note"]),
                CSVRow(number: 2, fields: ["1", "first\r\nsecond\rthird\nfourth"]),
                CSVRow(number: 6, fields: ["2", "x"]),
                CSVRow(number: 7, fields: ["3", ""]),
            ])
    }

    @Test("a line holding only \"\" is a record with one empty field, not an empty line")
    func quotedEmptyLine() throws {
        #expect(
            try rows("a\n\"\"\nb\n") == [
                CSVRow(number: 1, fields: ["a"]), CSVRow(number: 2, fields: [""]), CSVRow(number: 3, fields: ["b"]),
            ])
    }

    @Test("spaces are content, not padding")
    func spaces() throws {
        #expect(try fields(" a , b ,\" c \"") == [[" a ", " b ", " c "]])
    }

    @Test("Cyrillic, Latin with diacritics and emoji arrive intact")
    func unicode() throws {
        let text = "Шевченко,Тарас,Григорович\nŁukasz,Müller,😀👨‍👩‍👧\n"
        #expect(try fields(text) == [["Шевченко", "Тарас", "Григорович"], ["Łukasz", "Müller", "😀👨‍👩‍👧"]])
    }

    @Test("a UTF-8 byte order mark is skipped at the start and kept anywhere else")
    func byteOrderMark() throws {
        #expect(try fields("\u{FEFF}surname,given_name\n\u{FEFF}x,y") == [["surname", "given_name"], ["\u{FEFF}x", "y"]])
        #expect(try rows("\u{FEFF}").isEmpty)
        #expect(try rows("\u{FEFF}\r\n\na") == [CSVRow(number: 3, fields: ["a"])])
    }

    @Test("a NUL byte is valid text and kept")
    func nulByte() throws {
        #expect(try fields("a\u{0}b,c") == [["a\u{0}b", "c"]])
    }
}

@Suite("CSVReader: delimiters")
struct CSVReaderDelimiterTests {
    @Test(
        "detects the delimiter that occurs most outside quotes in the first record",
        arguments: [
            ("a,b,c\n1,2,3", CSVDelimiter.comma),
            ("a;b;c\n1;2;3", .semicolon),
            ("a\tb\tc\n1\t2\t3", .tab),
            ("\"x,y,z\";b;c\n1;2;3", .semicolon),
            ("\"x;y\"\t\"a;b\"\tc\n1\t2\t3", .tab),
            ("a,b;c\n", .comma),
            ("a;b\tc\n", .semicolon),
            ("surname\nШевченко", .comma),
            ("", .comma),
            ("\u{FEFF}\n\r\nпризвище;ім'я;по батькові\n", .semicolon),
            ("\"multi\nline, header\";b;c\n", .semicolon),
        ])
    func detects(text: String, expected: CSVDelimiter) {
        let reader = CSVReader(text: text)
        #expect(reader.delimiter == expected)
    }

    @Test("a semicolon list and a tab list read into fields")
    func readsDetected() throws {
        #expect(
            try fields("прізвище;ім'я\nКоваль;\"Петро; молодший\"\n") == [["прізвище", "ім'я"], ["Коваль", "Петро; молодший"]])
        #expect(try fields("a\tb\n1\t\"2\t3\"\n") == [["a", "b"], ["1", "2\t3"]])
    }

    @Test("a delimiter given in the options is used as given")
    func fixedDelimiter() throws {
        let reader = CSVReader(text: "a;b;c\n", options: .init(delimiter: .comma))
        #expect(reader.delimiter == .comma)
        #expect(try fields("a;b;c\n1,2", .init(delimiter: .comma)) == [["a;b;c"], ["1", "2"]])
        #expect(try fields("a,b;c", .init(delimiter: .semicolon)) == [["a,b", "c"]])
    }
}

@Suite("CSVReader: the header")
struct CSVReaderHeaderTests {
    @Test("readHeader returns the first record, and nextRow continues with the data")
    func headerThenData() throws {
        var reader = CSVReader(text: "\u{FEFF}\nsurname,given_name\nКоваль,Петро\n")
        #expect(try reader.readHeader() == ["surname", "given_name"])
        #expect(try reader.readHeader() == ["surname", "given_name"])
        #expect(try reader.nextRow() == CSVRow(number: 3, fields: ["Коваль", "Петро"]))
        #expect(try reader.nextRow() == nil)
        #expect(try reader.nextRow() == nil)
    }

    @Test("after nextRow, readHeader remembers the first record without reading further")
    func headerAfterRows() throws {
        var reader = CSVReader(text: "h\n1\n2\n")
        #expect(try reader.nextRow()?.fields == ["h"])
        #expect(try reader.nextRow()?.fields == ["1"])
        #expect(try reader.readHeader() == ["h"])
        #expect(try reader.nextRow()?.fields == ["2"])
    }

    @Test("an input without records has no header")
    func noHeader() throws {
        var reader = CSVReader(text: "\r\n\n")
        #expect(try reader.readHeader() == nil)
        #expect(try reader.nextRow() == nil)
    }
}

@Suite("CSVReader: errors say what and where")
struct CSVReaderErrorTests {
    @Test("a quoted field never closed")
    func unterminatedQuote() throws {
        let error = try #require(readingError("a,b\n1,\"open\n2,3\n"))
        #expect(error == CSVError(.quotedFieldNeverClosed, row: 2, column: 2))
        #expect(error.description == "row 2, column 2: a quoted field is never closed")
    }

    @Test("a quote in the middle of an unquoted field")
    func quoteInsideUnquoted() throws {
        #expect(readingError("a,b,c\n1,ab\"c\",3\n") == CSVError(.quoteInsideUnquotedField, row: 2, column: 2))
        #expect(readingError("a, \"b\"") == CSVError(.quoteInsideUnquotedField, row: 1, column: 2))
        let error = try #require(readingError("x\"\n"))
        #expect(error.description.hasPrefix("row 1, column 1: a quote in the middle of a field"))
    }

    @Test("text after a closing quote")
    func textAfterClosingQuote() throws {
        #expect(readingError("\"ab\"c,d") == CSVError(.textAfterClosingQuote, row: 1, column: 1))
        #expect(readingError("h\n\n1,\"x\" ,3") == CSVError(.textAfterClosingQuote, row: 3, column: 2))
        #expect(readingError("1;\"x\"\"\"y", .init(delimiter: .semicolon)) == CSVError(.textAfterClosingQuote, row: 1, column: 2))
    }

    @Test("a field over the size limit, counted in bytes of content")
    func fieldTooLarge() throws {
        let limit = CSVReader.Options(maximumFieldSize: 5)
        #expect(try fields("12345,\"ab\"\"cd\",ЖЖ", limit) == [["12345", "ab\"cd", "ЖЖ"]])
        #expect(readingError("a\n123456", limit) == CSVError(.fieldTooLarge(limit: 5), row: 2, column: 1))
        #expect(readingError("a,\"12\n456\"", limit) == CSVError(.fieldTooLarge(limit: 5), row: 1, column: 2))
        #expect(readingError("ЖЖЖ", limit) == CSVError(.fieldTooLarge(limit: 5), row: 1, column: 1))
        let error = try #require(readingError("a,b,1234567", limit))
        #expect(error.description == "row 1, column 3: the field is longer than the limit of 5 bytes")
    }

    @Test("a row over the field limit")
    func tooManyFields() throws {
        let limit = CSVReader.Options(maximumFieldsPerRow: 3)
        #expect(try fields("a,b,c\n1,2,3", limit).count == 2)
        #expect(readingError("a,b,c\n1,2,3,4\n", limit) == CSVError(.tooManyFields(limit: 3), row: 2, column: 4))
        #expect(readingError("a,b,c,", limit) == CSVError(.tooManyFields(limit: 3), row: 1, column: 4))
        let error = try #require(readingError(String(repeating: ",", count: 1_000)))
        #expect(error.description == "row 1, column 1001: the row has more than the limit of 1000 fields")
    }

    @Test("invalid UTF-8 is an error naming the row, column and byte, never a replacement character")
    func invalidUTF8() throws {
        let bytes = Array("a,b\n1,Ж".utf8) + [0xFF] + Array("x\n".utf8)
        let error = try #require(readingError(bytes))
        #expect(error == CSVError(.invalidText(encoding: .utf8, offset: 2, byte: 0xFF), row: 2, column: 2))
        #expect(error.description.hasPrefix("row 2, column 2: the field is not valid UTF-8: byte 0xFF at byte 3 of the field"))
    }

    @Test(
        "malformed UTF-8 sequences are rejected",
        arguments: [
            [0xD0] as [UInt8],  // a lead byte without its continuation
            [0x80],  // a continuation byte without a lead
            [0xC0, 0xAF],  // an overlong "/"
            [0xED, 0xA0, 0x80],  // a UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // beyond U+10FFFF
            [0xB2, 0xE2, 0xE0, 0xED],  // "Іван" in Windows-1251
        ])
    func malformedUTF8(sequence: [UInt8]) throws {
        let error = try #require(readingError(Array("ok,".utf8) + sequence + Array(",ok".utf8)))
        #expect(error.row == 1)
        #expect(error.column == 2)
        guard case .invalidText(.utf8, 0, sequence[0]) = error.problem else {
            Issue.record("unexpected \(error)")
            return
        }
    }

    @Test("records before an error are delivered, and the error repeats on every later call")
    func errorIsFinal() throws {
        var reader = CSVReader(text: "a\nb\"\nc\n")
        #expect(try reader.nextRow()?.fields == ["a"])
        let expected = CSVError(.quoteInsideUnquotedField, row: 2, column: 1)
        #expect(throws: expected) { try reader.nextRow() }
        #expect(throws: expected) { try reader.nextRow() }
    }

    @Test("errors without a column or row leave them out of the description")
    func descriptionsWithoutLocation() {
        #expect(
            CSVError(.readFailed(reason: "I/O error"), row: 7, column: 0).description
                == "row 7: reading the file failed: I/O error")
        #expect(
            CSVError(.cannotOpen(path: "/x.csv", reason: "no such file"), row: 0, column: 0).description
                == "cannot open /x.csv: no such file")
    }
}
