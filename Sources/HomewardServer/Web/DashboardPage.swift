import Foundation
import HomewardCore
import HomewardStore
import Hummingbird

/// The sentence a spokesperson quotes, with the figures rounded down as the bureau configures, so
/// that "more than" is always true.
struct PublicStatement {
    let returned: Int
    let exchanges: Int
    let held: Int
    let rounding: Int

    init(_ figures: RegisterStatistics, roundingTo rounding: Int) {
        returned = figures.ownReturned
        exchanges = figures.exchanges
        held = figures.ownHeld
        self.rounding = max(1, rounding)
    }

    /// The largest multiple of the rounding step below `value` (or `value` itself when it is smaller than one step).
    func roundedDown(_ value: Int) -> Int {
        guard value > rounding else { return value }
        let floor = (value / rounding) * rounding
        return floor == value ? value - rounding : floor
    }

    func text(_ t: Translations) -> String {
        t.format(
            "statement",
            [
                "returned": t.number(roundedDown(returned)), "exchanges": t.number(exchanges),
                "held": t.number(roundedDown(held)),
            ])
    }
}

extension WebApplication {
    func dashboard(_ page: PageRequest) async throws -> Response {
        let t = page.t
        let figures = try await database.register(actor: try page.signedIn.actor, clock: clock).statistics()
        let tiles: [[String: Any]] = [
            ["label": t["tile_held"], "value": t.number(figures.ownHeld), "note": t["tile_held_note"]],
            ["label": t["tile_missing"], "value": t.number(figures.ownMissing), "note": t["tile_missing_note"]],
            [
                "label": t["tile_confirmed"],
                "value": t.number(figures.count(affiliation: .own) { $0 == .captivityConfirmed }),
                "note": t["tile_confirmed_note"],
            ],
            ["label": t["tile_returned"], "value": t.number(figures.ownReturned), "note": t["tile_returned_note"]],
            ["label": t["tile_exchanges"], "value": t.number(figures.exchanges), "note": t["tile_exchanges_note"]],
            ["label": t["tile_we_hold"], "value": t.number(figures.adversaryHeld), "note": t["tile_we_hold_note"]],
        ]
        let monthly = try await database.register(actor: "system:dashboard").monthlyEventCounts(
            kinds: [.captured, .captivityConfirmed, .exchanged, .repatriated])
        let months = Self.months(in: monthly)
        func series(_ kinds: Set<EventKind>) -> [(String, Int)] {
            months.map { month in
                (month, monthly.filter { $0.month == month && kinds.contains($0.kind) }.reduce(0) { $0 + $1.count })
            }
        }
        let charts: [[String: Any]] = [
            ["title": t["chart_captured"], "svg": BarChart(series([.captured]), label: t["chart_captured"]).svg],
            ["title": t["chart_confirmed"], "svg": BarChart(series([.captivityConfirmed]), label: t["chart_confirmed"]).svg],
            ["title": t["chart_returned"], "svg": BarChart(series([.exchanged, .repatriated]), label: t["chart_returned"]).svg],
        ]
        // Liaison staff start their day with the families waiting on them.
        var desk: [String: Any]?
        if try page.signedIn.can(.answerInquiries) {
            let register = try register(page)
            let waiting = try await register.inquiries(linked: false, offset: 0, limit: 1).total
            let pending = try await register.outbox(pendingOnly: true, offset: 0, limit: 1).total
            desk = [
                "waiting": t.format("dashboard_waiting_inquiries", ["count": t.number(waiting)]),
                "pending": t.format("outbox_pending_count", ["count": t.number(pending)]),
            ]
        }
        return pages.render(
            "dashboard",
            [
                "desk": desk as Any, "tiles": tiles, "charts": charts,
                "statement": PublicStatement(figures, roundingTo: configuration.statementRounding).text(t),
                "rounding": t.number(configuration.statementRounding),
            ],
            for: page, title: t["dashboard_title"])
    }

    /// Every month from the first to the last that has an event, gaps included, so time reads evenly.
    static func months(in counts: [MonthlyCount]) -> [String] {
        let present = counts.map(\.month).filter { $0.count == 7 }.sorted()
        guard let first = present.first, let last = present.last,
            var year = Int(first.prefix(4)), var month = Int(first.suffix(2))
        else { return [] }
        var months: [String] = []
        while true {
            let label = String(format: "%04d-%02d", year, month)
            months.append(label)
            if label >= last || months.count > 600 { break }
            month += 1
            if month > 12 { (year, month) = (year + 1, 1) }
        }
        return months
    }
}

/// A bar chart drawn on the server as SVG: no script, readable by a screen reader through its
/// title and a table-like description.
struct BarChart {
    let points: [(String, Int)]
    let label: String

    init(_ points: [(String, Int)], label: String) {
        self.points = points
        self.label = label
    }

    var svg: String {
        let width = 640.0
        let height = 160.0
        let bottom = 20.0
        let maximum = max(1, points.map(\.1).max() ?? 1)
        let step = points.isEmpty ? width : width / Double(points.count)
        var bars = ""
        for (index, (month, value)) in points.enumerated() {
            let barHeight = (height - bottom - 10) * Double(value) / Double(maximum)
            let x = Double(index) * step
            bars +=
                "<rect x=\"\(format(x + step * 0.1))\" y=\"\(format(height - bottom - barHeight))\" width=\"\(format(step * 0.8))\" height=\"\(format(barHeight))\" class=\"bar\"><title>\(escape(month)): \(value)</title></rect>"
            if month.hasSuffix("-01") || index == 0 {
                bars +=
                    "<text x=\"\(format(x))\" y=\"\(format(height - 4))\" class=\"axis\">\(escape(String(month.prefix(4))))</text>"
            }
        }
        let total = points.reduce(0) { $0 + $1.1 }
        return
            "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(escape(label)): \(total)\" class=\"chart\">"
            + "<text x=\"\(Int(width) - 4)\" y=\"12\" text-anchor=\"end\" class=\"axis\">max \(maximum)</text>"
            + bars + "</svg>"
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Escapes text for HTML and SVG made on the server.
func escape(_ text: String) -> String {
    var result = ""
    for character in text {
        switch character {
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "&": result += "&amp;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}
