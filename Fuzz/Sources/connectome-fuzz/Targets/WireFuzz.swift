import Foundation
import JupyterProtocol

extension FuzzTarget {
    /// The key the `wire` seeds are signed with.
    static let wireKey = "fuzz-key"

    /// A multipart message, frames separated by `\n` (compact JSON has no raw newline), decoded as the
    /// kernel core decodes what ZeroMQ hands it: split, signature check, header, parent and metadata, then
    /// the content as every request type the core knows.
    ///
    /// Each input is decoded twice: with the seeds' key (the signature check itself; mutations almost
    /// never keep a valid HMAC) and with signing off, so the parsing behind the check is reached too.
    static let wire = FuzzTarget(name: "wire", summary: "Jupyter wire message decoder and signature check", json: .oneLine) { data in
        let frames = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Data($0) }
        for signer in [MessageSigner(key: wireKey), MessageSigner(key: "")] {
            let message: WireMessage
            do {
                message = try WireMessage.decode(frames, signer: signer)
            } catch {
                if verbose { print("wire (signing \(signer.isEnabled ? "on" : "off")): \(error)") }
                continue
            }
            _ = try? message.content(ExecuteRequest.self)
            _ = try? message.content(CompleteRequest.self)
            _ = try? message.content(InspectRequest.self)
            _ = try? message.content(IsCompleteRequest.self)
            _ = try? message.content(ShutdownRequest.self)
            _ = try? message.content(CommInfoRequest.self)
            _ = try? message.content(CommOpen.self)
            _ = try? message.content(InputReply.self)
            _ = try? message.content(HistoryRequest.self)
            _ = try? message.contentObject()
        }
    }
}
