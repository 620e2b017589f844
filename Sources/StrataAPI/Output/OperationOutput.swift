import StrataModel

/// An operation's answer, written straight into the response bytes.
protocol OperationOutput {
    func write(to writer: inout JSONWriter)
    /// About how many bytes `write` writes: the writer starts this large
    /// instead of growing (and copying) as it goes.
    var sizeEstimate: Int { get }
}

extension OperationOutput {
    var sizeEstimate: Int { 256 }

    var bytes: [UInt8] {
        var writer = JSONWriter(capacity: sizeEstimate)
        write(to: &writer)
        return writer.bytes
    }
}

/// An answer with no body at all (TagResource, UntagResource).
struct EmptyOutput: OperationOutput {
    func write(to writer: inout JSONWriter) {}
}

/// An answer that is a JSON document built as a value (the control plane's small ones).
struct JSONOutput: OperationOutput {
    let value: JSONValue

    func write(to writer: inout JSONWriter) {
        writer.value(value)
    }
}
