#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress line on standard error, redrawn at most ten times a second,
/// when standard error is a terminal: done out of total (when known), the
/// rate in items per second, and the time left.
struct ProgressBar {
    private let total: Int?
    private let unit: String
    private let started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now - .seconds(1)
    private let isTerminal = isatty(2) == 1

    /// `total`: of what `update` counts (items, or bytes read).
    init(total: Int?, unit: String) {
        self.total = total
        self.unit = unit
    }

    var elapsedSeconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// `done` of the total so far, and `items` handled.
    mutating func update(done: Int, items: Int) {
        guard isTerminal, ContinuousClock.now - lastDrawn >= .milliseconds(100) else { return }
        lastDrawn = .now
        let seconds = max(elapsedSeconds, 0.001)
        var line = "\r"
        if let total, total > 0 {
            let fraction = min(Double(done) / Double(total), 1)
            let filled = Int(fraction * 30)
            line += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] "
            line += "\(Int(fraction * 100))%  "
            let left = fraction > 0 ? seconds / fraction - seconds : 0
            line += "\(Self.grouped(items)) items  \(Self.grouped(Int(Double(items) / seconds))) items/s  ETA \(Int(left.rounded(.up)))s"
        } else {
            line += "\(Self.grouped(items)) \(unit)  \(Self.grouped(Int(Double(items) / seconds))) \(unit)/s"
        }
        Self.writeError(line + "\u{1B}[K")
    }

    /// Ends the line, whatever it showed.
    func finish() {
        if isTerminal { Self.writeError("\r\u{1B}[K") }
    }

    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    private static func writeError(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
