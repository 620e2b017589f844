import CZlib

/// CRC-32 (IEEE), as DynamoDB sends in `x-amz-crc32` so that SDKs can check
/// the body they received. zlib's implementation is vectorised.
enum CRC32 {
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, UInt32(buffer.count)))
        }
    }
}
