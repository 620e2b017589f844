/// A stream's label: its creation time in UTC to the millisecond, as
/// DynamoDB writes it (`2015-05-11T21:21:33.291`).
public enum StreamLabel {
    public static func format(_ seconds: Double) -> String {
        let milliseconds = Int((seconds * 1000).rounded(.down))
        let whole = Int((Double(milliseconds) / 1000).rounded(.down))
        let millisecond = milliseconds - whole * 1000
        let (days, secondOfDay) = UTCCalendar.split(whole)
        let (year, month, day) = UTCCalendar.date(daysSince1970: days)
        let pad = UTCCalendar.pad
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay % 3600 / 60, 2))"
            + ":\(pad(secondOfDay % 60, 2)).\(pad(millisecond, 3))"
    }

    /// Whether `text` has a label's form.
    public static func isWellFormed(_ text: Substring) -> Bool {
        let pattern = Array("dddd-dd-ddTdd:dd:dd.ddd".utf8)
        let bytes = Array(text.utf8)
        guard bytes.count == pattern.count else { return false }
        return zip(bytes, pattern).allSatisfy { byte, expected in
            expected == UInt8(ascii: "d") ? (48...57).contains(byte) : byte == expected
        }
    }
}
