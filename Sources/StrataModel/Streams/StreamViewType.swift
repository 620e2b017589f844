/// What a stream record holds of the item besides its key.
public enum StreamViewType: String, Sendable, CaseIterable {
    case keysOnly = "KEYS_ONLY"
    case newImage = "NEW_IMAGE"
    case oldImage = "OLD_IMAGE"
    case newAndOldImages = "NEW_AND_OLD_IMAGES"

    public var keepsNewImage: Bool { self == .newImage || self == .newAndOldImages }
    public var keepsOldImage: Bool { self == .oldImage || self == .newAndOldImages }
}
