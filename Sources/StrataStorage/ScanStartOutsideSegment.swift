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
