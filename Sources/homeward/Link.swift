import ArgumentParser
import Foundation
import HomewardInterop
import HomewardMatching

struct Link: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Finds the records of one list that describe the same person, and writes pairs.csv and clusters.csv.",
        discussion: """
            INPUT is a CSV file with a header naming the columns record_id, surname, given_name, patronymic, dob,
            place_of_birth, service_no and unit (any may be missing but record_id). A person_id column, if present,
            is never read. Writes OUT/pairs.csv (unique_id_l,unique_id_r,match_probability for every candidate pair
            at or above the report floor, and for the pairs never proposed that a record both share makes likely) and
            OUT/clusters.csv (unique_id,cluster_id at the threshold).
            """
    )

    @Argument(help: "The CSV file to deduplicate, or with --against the new list to link.")
    var input: String

    @Option(
        help: """
            A register (CSV, same columns) already deduplicated: link INPUT against it, comparing new records with \
            the register and with each other, never two register records.
            """)
    var against: String?

    @Option(help: "The folder to write pairs.csv and clusters.csv into (created if missing).")
    var out: String

    @Option(help: "The probability at or above which two records are one person.")
    var threshold = 0.9

    @Option(help: "A blocking key shared by more records than this proposes no pairs.")
    var maxBlockSize = LinkageSettings().maxBlockSize

    @Option(help: "After linking, load the records as an index and time scoring this many of them one at a time.")
    var measureQueries = 0

    @Flag(help: "Print the learnt weight of every field and level.")
    var showModel = false

    @Option(help: "Explain how two records, given by their record_id as ID1,ID2, were scored (may be repeated).")
    var explain: [String] = []

    @Option(help: "Pairs scored below this probability are left out of pairs.csv (0 writes every candidate pair).")
    var reportFloor = 0.0

    func validate() throws {
        guard (0.5...1).contains(threshold) else { throw ValidationError("--threshold must be between 0.5 and 1") }
        guard measureQueries >= 0 else { throw ValidationError("--measure-queries must be 0 or more") }
        guard maxBlockSize >= 2 else { throw ValidationError("--max-block-size must be 2 or more") }
        guard (0...threshold).contains(reportFloor) else {
            throw ValidationError("--report-floor must be between 0 and --threshold")
        }
    }

    func run() async throws {
        let started = Date()
        let progress: @Sendable (String) -> Void = { message in
            let seconds = String(format: "%6.1f s", Date().timeIntervalSince(started))
            FileHandle.standardError.write(Data("\(seconds)  \(message)\n".utf8))
        }
        let register = try against.map { try readFile($0, progress: progress) } ?? []
        let list = try readFile(input, progress: progress)
        if let against {
            let registerIDs = Set(register.map(\.id))
            if let shared = list.first(where: { registerIDs.contains($0.id) }) {
                throw CommandFailure("record_id '\(shared.id)' is in both \(against) and \(input)")
            }
        }
        // Records are numbered register first, then the list. After linking only their ids are
        // needed, and the records --explain names: the rest is let go while the linker works.
        let ids = register.map(\.id) + list.map(\.id)
        let explained = try explain.map { try explanationRecords($0, register: register, list: list) }
        let queried = measureQueries > 0 ? register + list : []
        var settings = LinkageSettings()
        settings.threshold = threshold
        settings.reportFloor = reportFloor
        settings.maxBlockSize = maxBlockSize
        let linker = Linker(knowledge: MatchKnowledge.standard, settings: settings)
        let result: LinkageResult
        if against == nil {
            result = await linker.deduplicate(consume list, progress: progress)
        } else {
            result = await linker.link(consume list, against: consume register, progress: progress)
        }

        if showModel { FileHandle.standardError.write(Data((result.model.summary + "\n").utf8)) }
        if measureQueries > 0 {
            await measureIncremental(inputs: queried, linker: linker, model: result.model, progress: progress)
        }
        for records in explained { printExplanation(records, ids: ids, linker: linker, result: result) }
        progress("writing \(out)")
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create \(out): \(error.localizedDescription)")
        }
        do {
            try await writePairs(result, ids: ids, path: (out as NSString).appendingPathComponent("pairs.csv"))
            var clusters = try CSVWriter(path: (out as NSString).appendingPathComponent("clusters.csv"))
            try clusters.writeRow(["unique_id", "cluster_id"])
            for (index, root) in result.clusters.enumerated() {
                try clusters.writeRow([ids[index], ids[Int(root)]])
            }
            try clusters.close()
        } catch {
            throw CommandFailure(describing: error)
        }
        let clusterCount = Set(result.clusters).count
        progress(
            "done: \(ids.count) records, \(result.candidatePairs) candidate pairs, \(result.reportedPairs) reported, "
                + "\(clusterCount) clusters (\(result.refusedJoins) joins refused), \(result.inferredPairs) pairs inferred "
                + "through a shared record, \(result.pairsForReview) pairs for review; model: λ=\(String(format: "%.4f", result.model.lambda)) after "
                + "\(result.model.emIterations) EM iterations"
        )
    }

    /// Times the incremental mode: records spread evenly over the file, each scored alone against
    /// the whole index, as a new statement arriving at the bureau would be.
    func measureIncremental(inputs: [MatchInput], linker: Linker, model: MatchModel, progress: (String) -> Void) async {
        progress("loading \(inputs.count) records as an index")
        var index = await linker.index(inputs, model: model)
        let step = max(1, inputs.count / measureQueries)
        let queries = stride(from: 0, to: inputs.count, by: step).prefix(measureQueries).map { inputs[$0] }
        progress("scoring \(queries.count) records one at a time")
        let clock = ContinuousClock()
        var milliseconds: [Double] = []
        var found = 0
        for query in queries {
            let started = clock.now
            found += index.matches(for: query, floor: 0.5).count
            let elapsed = clock.now - started
            milliseconds.append(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        milliseconds.sort()
        func percentile(_ share: Double) -> Double {
            milliseconds[min(milliseconds.count - 1, Int(Double(milliseconds.count) * share))]
        }
        progress(
            String(
                format:
                    "incremental: %d queries against %d records: median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms; %d matches >= 0.5",
                queries.count, index.count, percentile(0.5), percentile(0.9), percentile(0.99), milliseconds.last ?? 0, found
            )
        )
    }

    /// Writes pairs.csv, tens of millions of rows at a million records: each id is encoded for
    /// CSV once, probabilities are formatted with integer arithmetic, batches are formatted on
    /// every core and written in their order.
    func writePairs(_ result: LinkageResult, ids: [String], path: String) async throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw CommandFailure("cannot create \(path)")
        }
        defer { try? file.close() }
        // Every id encoded once, end to end in one buffer.
        var idBytes: [UInt8] = []
        var idEnds: [Int] = []
        idEnds.reserveCapacity(ids.count)
        for id in ids {
            idBytes.append(contentsOf: CSVWriter.bytes(for: [[id]]).dropLast())
            idEnds.append(idBytes.count)
        }
        let encodedIDs = (idBytes, idEnds)
        try file.write(contentsOf: Array("unique_id_l,unique_id_r,match_probability\n".utf8))
        let batches = result.batches
        try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            var next = 0
            var written = 0
            var formatted: [Int: [UInt8]] = [:]
            func submit() {
                let number = next
                next += 1
                group.addTask { (number, Self.format(batches[number], ids: encodedIDs)) }
            }
            // A few batches in flight: enough for every core, not so many that they pile up in memory.
            while next < min(ProcessInfo.processInfo.activeProcessorCount * 2, batches.count) { submit() }
            for try await (number, bytes) in group {
                formatted[number] = bytes
                while let ready = formatted.removeValue(forKey: written) {
                    try file.write(contentsOf: ready)
                    written += 1
                }
                if next < batches.count { submit() }
            }
        }
    }

    static func format(_ batch: LinkageResult.PairBatch, ids: (bytes: [UInt8], ends: [Int])) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(batch.left.count * 40)
        let comma = UInt8(ascii: ","), zero = UInt8(ascii: "0"), newline = UInt8(ascii: "\n")
        ids.bytes.withUnsafeBufferPointer { idBytes in
            for index in batch.left.indices {
                let left = Int(batch.left[index])
                let right = Int(batch.right[index])
                buffer.append(
                    contentsOf: UnsafeBufferPointer(rebasing: idBytes[(left == 0 ? 0 : ids.ends[left - 1])..<ids.ends[left]]))
                buffer.append(comma)
                buffer.append(
                    contentsOf: UnsafeBufferPointer(rebasing: idBytes[(right == 0 ? 0 : ids.ends[right - 1])..<ids.ends[right]]))
                buffer.append(comma)
                let millionths = min(Int((Double(batch.probability[index]) * 1_000_000).rounded()), 1_000_000)
                buffer.append(millionths == 1_000_000 ? UInt8(ascii: "1") : zero)
                buffer.append(UInt8(ascii: "."))
                var digits = millionths % 1_000_000
                var divisor = 100_000
                while divisor > 0 {
                    buffer.append(zero + UInt8(digits / divisor))
                    digits %= divisor
                    divisor /= 10
                }
                buffer.append(newline)
            }
        }
        return buffer
    }

    /// The two records an `--explain ID1,ID2` request names, with their numbers in the linkage.
    struct ExplanationRecords {
        var first: MatchInput
        var second: MatchInput
        var positions: (Int, Int)
    }

    func explanationRecords(_ request: String, register: [MatchInput], list: [MatchInput]) throws -> ExplanationRecords {
        let ids = request.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard ids.count == 2 else {
            throw CommandFailure("--explain takes two record ids separated by a comma, not '\(request)'")
        }
        let found = try ids.map { id in
            if let position = register.firstIndex(where: { $0.id == id }) { return (register[position], position) }
            if let position = list.firstIndex(where: { $0.id == id }) { return (list[position], register.count + position) }
            throw CommandFailure("--explain: no record \(id) in \(against.map { "\($0) or " } ?? "")\(input)")
        }
        return ExplanationRecords(first: found[0].0, second: found[1].0, positions: (found[0].1, found[1].1))
    }

    func printExplanation(_ records: ExplanationRecords, ids: [String], linker: Linker, result: LinkageResult) {
        let explanation = linker.explain(records.first, records.second, model: result.model)
        func row(_ name: String, _ weight: Double, _ rest: String) -> String {
            "  " + name.padding(toLength: 15, withPad: " ", startingAt: 0) + String(format: "%+7.2f", weight) + "  " + rest
        }
        var lines = ["records \(records.first.id) and \(records.second.id):", row("prior", explanation.prior, "")]
        for contribution in explanation.contributions {
            let bar = String(
                repeating: contribution.weight >= 0 ? "+" : "-", count: min(Int(abs(contribution.weight).rounded()), 30))
            lines.append(row("\(contribution.field)", contribution.weight, "\(contribution.level)  \(bar)"))
        }
        if let limit = explanation.limit { lines.append(row("limit", MatchModel.limitWeight, limit)) }
        lines.append(row("total", explanation.weight, String(format: "probability %.6f", explanation.probability)))
        if let revision = result.revision(records.positions.0, records.positions.1) {
            let revised = String(format: "read with the other pairs: probability %.6f, ", revision.revised)
            let why =
                switch revision.reason {
                case .sharedRecord(let shared):
                    (revision.scored == nil ? "never compared, but " : "") + "both are very likely the person of record "
                        + ids[Int(shared)]
                case .rival(let record, let candidate, let odds):
                    "record \(ids[Int(record)]) may rather be the person of record \(ids[Int(candidate)]) "
                        + "(odds of all its other candidates " + String(format: "%.2f", odds) + ")"
                case .keptApart(let first, let second):
                    "held below the threshold: their clusters hold records \(ids[Int(first)]) and "
                        + "\(ids[Int(second)]), scored as two people"
                }
            lines.append("  " + revised + why)
        }
        say(lines.joined(separator: "\n"))
    }

    func readFile(_ path: String, progress: (String) -> Void) throws -> [MatchInput] {
        progress("reading \(path)")
        do {
            return try readRecords(path: path)
        } catch let error as CSVError {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// Reads the benchmark's columns by name, never `person_id`.
    func readRecords(path: String) throws -> [MatchInput] {
        var reader = try CSVReader(path: path)
        guard let header = try reader.readHeader() else { throw CommandFailure("\(path) is empty") }
        let columns = Dictionary(header.enumerated().map { ($0.element, $0.offset) }) { first, _ in first }
        guard let idColumn = columns["record_id"] else {
            throw CommandFailure("\(path): the header has no record_id column (it has: \(header.joined(separator: ", ")))")
        }
        func field(_ name: String, _ fields: [String]) -> String {
            guard let column = columns[name], column < fields.count else { return "" }
            return fields[column]
        }
        var inputs: [MatchInput] = []
        var seen = Set<String>()
        var unreadableDates: [(row: Int, text: String)] = []
        while let row = try reader.nextRow() {
            let fields = row.fields
            guard idColumn < fields.count, !fields[idColumn].isEmpty else {
                throw CommandFailure("\(path), row \(row.number), column record_id: the record has no id")
            }
            guard seen.insert(fields[idColumn]).inserted else {
                throw CommandFailure("\(path), row \(row.number), column record_id: '\(fields[idColumn])' appears twice")
            }
            let input = MatchInput(
                id: fields[idColumn], surname: field("surname", fields), givenName: field("given_name", fields),
                patronymic: field("patronymic", fields), dateOfBirth: field("dob", fields),
                placeOfBirth: field("place_of_birth", fields), serviceNumber: field("service_no", fields),
                unit: field("unit", fields)
            )
            if !input.hasReadableDateOfBirth { unreadableDates.append((row.number, input.dateOfBirth)) }
            inputs.append(input)
        }
        // Not a reason to refuse a list, but never silent: the records are compared without a date.
        if let first = unreadableDates.first {
            FileHandle.standardError.write(
                Data(
                    ("warning: \(path): \(unreadableDates.count) dates of birth are not YYYY, YYYY-MM or YYYY-MM-DD, or do not "
                        + "exist, and count as missing; first at row \(first.row), column dob: '\(first.text)'\n").utf8))
        }
        return inputs
    }
}
