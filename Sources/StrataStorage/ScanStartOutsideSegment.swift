/// A Scan's `exclusiveStart` is not an item of the segment it asked for:
/// it came from another segment's page.
public struct ScanStartOutsideSegment: Error {
    public let segment: Int
    public let totalSegments: Int

    package init(segment: Int, totalSegments: Int) {
        self.segment = segment
        self.totalSegments = totalSegments
    }
}

extension ScanStartOutsideSegment {
    /// Segments are equal ranges of the partition hash: a start key must
    /// hash into its segment's.
    package static func check(_ exclusiveStart: [UInt8]?, segment: Int, totalSegments: Int) throws(ScanStartOutsideSegment) {
        if let exclusiveStart,
           PartitionHash.partition(of: KeyEncoding.hash(ofEncoded: exclusiveStart), count: totalSegments) != segment {
            throw ScanStartOutsideSegment(segment: segment, totalSegments: totalSegments)
        }
    }
}
