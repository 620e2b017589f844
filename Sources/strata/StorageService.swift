import ServiceLifecycle
import StrataStorage

/// Runs the storage engine's background work while the server runs; at
/// graceful shutdown (or cancellation) stops it and closes the engine.
/// StrataStorage stays free of ServiceLifecycle: the engine offers a plain
/// `run()`/`close()` pair, and this is where it becomes a service.
struct StorageService: Service {
    let engine: any StorageEngine

    func run() async throws {
        await cancelWhenGracefulShutdown { [engine] in
            await engine.run()
        }
        await engine.close()
    }
}
