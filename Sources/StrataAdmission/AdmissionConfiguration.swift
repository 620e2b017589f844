/// The limits admission control enforces.
public struct AdmissionConfiguration: Sendable {
    /// Off: every request is admitted (consumed capacity is still reported).
    public var enabled: Bool
    /// Per-table maximums of on-demand (PAY_PER_REQUEST) tables, per second.
    public var onDemandReadUnits: Double
    public var onDemandWriteUnits: Double
    /// What one partition-key value can draw per second, in every billing mode.
    public var hotKeyReadUnits: Double
    public var hotKeyWriteUnits: Double
    /// Unused provisioned capacity a table keeps, in seconds of its rate.
    public var burstSeconds: Double
    /// What a partition-key value's buckets hold, in seconds of its rate:
    /// enough for a batch writer's burst into one item collection.
    public var hotKeyBurstSeconds: Double
    /// Requests being answered at once before ThrottlingException sheds load.
    public var maximumInFlight: Int

    public init(
        enabled: Bool = true, onDemandReadUnits: Double = 40_000, onDemandWriteUnits: Double = 40_000,
        hotKeyReadUnits: Double = 3_000, hotKeyWriteUnits: Double = 1_000, burstSeconds: Double = 300, hotKeyBurstSeconds: Double = 3,
        maximumInFlight: Int = 4_096
    ) {
        self.enabled = enabled
        self.onDemandReadUnits = onDemandReadUnits
        self.onDemandWriteUnits = onDemandWriteUnits
        self.hotKeyReadUnits = hotKeyReadUnits
        self.hotKeyWriteUnits = hotKeyWriteUnits
        self.burstSeconds = burstSeconds
        self.hotKeyBurstSeconds = hotKeyBurstSeconds
        self.maximumInFlight = maximumInFlight
    }
}
