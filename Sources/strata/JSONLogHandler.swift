#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import StrataModel

/// `--log-format json`: one JSON object per line on standard error, with
/// the time (UTC, milliseconds), the level, the message and every metadata
/// value (the access log's request id, operation, table, status, duration
/// and principal among them). Numbers stay numbers.
struct JSONLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let label: String

    init(label: String, level: Logger.Level) {
        self.label = label
        logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [(String, JSONValue)] = [
            ("time", .string(Self.timestamp())), ("level", .string(event.level.rawValue)),
            ("message", .string(event.message.description)), ("logger", .string(label)),
        ]
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in all.keys.sorted() { fields.append((key, Self.json(all[key]!))) }
        var bytes = JSONValue.object(JSONObject(fields)).serialized
        bytes.append(UInt8(ascii: "\n"))
        // One write per line, whole, straight to the descriptor.
        bytes.withUnsafeBufferPointer { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value):
            if let number = value as? any BinaryInteger { .number(String(describing: number)) }
            else if let number = value as? Double, number.isFinite { .number(String(number)) }
            else { .string(value.description) }
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(JSONObject(values.keys.sorted().map { ($0, json(values[$0]!)) }))
        }
    }

    /// `2026-12-05T05:07:31.123Z`.
    private static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let (days, secondOfDay) = UTCCalendar.split(Int(time.tv_sec))
        let (year, month, day) = UTCCalendar.date(daysSince1970: days)
        let pad = UTCCalendar.pad
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2)):"
            + "\(pad(secondOfDay % 60, 2)).\(pad(Int(time.tv_nsec) / 1_000_000, 3))Z"
    }
}
