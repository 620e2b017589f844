import StrataModel
import Synchronization

/// The lock one engine holds on its data directory: a second process (a
/// second server, `strata import` against the directory) is refused
/// rather than left to trust a catalog the first one changes. Released by
/// `release()` or when the lock goes away, also when start-up fails.
final class DirectoryLock: Sendable {
    private let descriptor: Mutex<Int32?>

    init(path: String, directory: String) throws {
        guard let descriptor = try FileSystem.lockExclusively(path) else {
            throw DynamoError.internalFailure("Another Strata process is using the data directory \(directory); stop it first")
        }
        self.descriptor = Mutex(descriptor)
    }

    func release() {
        let held = descriptor.withLock { held in
            defer { held = nil }
            return held
        }
        if let held { FileSystem.closeDescriptor(held) }
    }

    deinit {
        release()
    }
}
