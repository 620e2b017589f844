/// Limits DynamoDB applies to the HTTP request itself.
public enum ServerLimits {
    /// The largest request body DynamoDB accepts.
    public static let maximumBodyBytes = 16 * 1024 * 1024
    /// Header blocks and request lines above this are a 400.
    public static let maximumHeaderBytes = 16 * 1024
    /// Answers above this are encoded on the bulk threads.
    static let largeAnswerBytes = 64 * 1024
}
