/// DynamoDB's capacity-unit arithmetic: reads in 4 KB units (half for an
/// eventually consistent read), writes in 1 KB units, transactions double.
public enum CapacityUnits {
    public static let readUnitBytes = 4096
    public static let writeUnitBytes = 1024

    /// Units to read `bytes` (one item, or a Query/Scan page's total): at
    /// least one unit, even for nothing found.
    public static func read(bytes: Int, consistent: Bool, transactional: Bool = false) -> Double {
        let units = Double(max(1, (bytes + readUnitBytes - 1) / readUnitBytes))
        return units * (consistent ? 1 : 0.5) * (transactional ? 2 : 1)
    }

    /// Units to write an item of `bytes`: the larger of the old and new
    /// item, at least one unit.
    public static func write(bytes: Int, transactional: Bool = false) -> Double {
        Double(max(1, (bytes + writeUnitBytes - 1) / writeUnitBytes)) * (transactional ? 2 : 1)
    }
}
