/// A stream record's sequence number as clients see it: the partition's
/// change sequence in decimal, zero-padded to DynamoDB's 21 digits so that
/// numbers of a shard also sort as text.
enum SequenceNumber {
    static func format(_ sequence: Int) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 21 - digits.count)) + digits
    }

    /// nil unless the text is 21 to 40 decimal digits of a sequence this server could give.
    static func parse(_ text: String) -> Int? {
        guard (21...40).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let significant = text.drop { $0 == "0" }
        guard significant.utf8.count <= 18 else { return nil }
        return significant.isEmpty ? 0 : Int(significant)
    }
}
