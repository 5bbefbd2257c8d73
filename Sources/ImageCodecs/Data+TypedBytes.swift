import Foundation

extension Data {
    /// `withUnsafeBytes` for bodies with a typed `CodecError` (Foundation's version rethrows `any Error`).
    func withCodecBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws(CodecError) -> R) throws(CodecError) -> R {
        let result: Result<R, CodecError> = withUnsafeBytes { raw in
            do throws(CodecError) {
                return .success(try body(raw.bindMemory(to: UInt8.self)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
