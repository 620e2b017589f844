/// Who sent a request: the access key its signature was checked against.
/// Requests are not authenticated until SigV4 is turned on, and then carry none.
public struct Principal: Sendable, Equatable {
    public let accessKeyID: String

    public init(accessKeyID: String) {
        self.accessKeyID = accessKeyID
    }
}
