import StrataModel

/// An operation's answer, written straight into the response bytes.
protocol OperationOutput {
    func write(to writer: inout JSONWriter)
}

extension OperationOutput {
    var bytes: [UInt8] {
        var writer = JSONWriter()
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
