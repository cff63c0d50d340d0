/// Calls `body` with the bytes of `bytes` in one contiguous buffer: the sequence's own storage when
/// it has one (arrays, slices, `Data`), else a temporary array.
func withContiguousBytes<Result>(
    of bytes: some Sequence<UInt8>, _ body: (UnsafeRawBufferPointer) -> Result
) -> Result {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}
