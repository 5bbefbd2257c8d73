import ConnectomeCore
import Foundation

extension FuzzTarget {
    /// A pasted neuroglancer link (or a state server's JSON answer) through `decode`: the link is
    /// classified, percent- and URL-safe-decoded, and its state parsed into a `ViewerState`, which is
    /// then encoded again as the kernel does when it shows the scene.
    static let neuroglancerURL = FuzzTarget(name: "neuroglancer-url", summary: "neuroglancer URL and state decoding", json: .whole) { data in
        let text = String(decoding: data, as: UTF8.self)
        _ = try? NeuroglancerURL.link(text)
        if let state = try? NeuroglancerURL.decode(text) {
            _ = NeuroglancerURL.encode(state, base: "https://neuroglancer-demo.appspot.com")
        }
        if let state = try? NeuroglancerURL.parseState(data, origin: "memory://fuzz/state.json") {
            _ = NeuroglancerURL.compactJSON(state)
        }
    }
}
