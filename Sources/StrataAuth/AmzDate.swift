import StrataModel

/// SigV4's timestamps, `20150830T123600Z` (UTC), to and from seconds since 1970.
public enum AmzDate {
    public static func parse(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (48...57).contains($0) }) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        return UTCCalendar.daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    public static func format(_ seconds: Int) -> String {
        let (days, secondOfDay) = UTCCalendar.split(seconds)
        let (year, month, day) = UTCCalendar.date(daysSince1970: days)
        let pad = UTCCalendar.pad
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + pad(secondOfDay % 3600 / 60, 2)
            + pad(secondOfDay % 60, 2) + "Z"
    }
}
