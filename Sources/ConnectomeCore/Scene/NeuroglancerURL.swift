import Foundation
import JSONModel

/// Neuroglancer links: a viewer state encoded in a URL fragment, or a pointer to a state server.
///
/// Encoding follows neuroglancer's Python writer byte for byte where the JSON text agrees:
/// `base + "#!" + quote(json.dumps(state, separators=(",", ":")), safe="~@#$&()*!+=:;,.?/'")`.
/// Decoding accepts what neuroglancer reads: inline `#!{…}` or `#{…}`, the legacy URL-safe JSON
/// variant, `#!middleauth+https://…/nglstate/api/v1/<id>` and `?json_url=https://…` links.
public enum NeuroglancerURL {
    /// Fetches a state-server URL's body; the kernel passes its HTTP transport with the user's token.
    public typealias Fetch = @Sendable (String) async throws -> Data

    /// What a link holds.
    public enum Link: Sendable, Equatable {
        /// The state's JSON text, inline in the link (already percent-decoded and converted from URL-safe JSON).
        case inline(String)
        /// A state held on a server; `url` is what to GET (the `middleauth+` prefix removed),
        /// `middleAuth` says the server wants the user's CAVE token.
        case stateServer(url: String, middleAuth: Bool)
    }

    // MARK: - Encode

    /// The full link: `base#!<percent-encoded compact JSON>`.
    public static func encode(_ state: ViewerState, base: String) -> String {
        var bytes = Array(base.utf8)
        bytes.append(UInt8(ascii: "#"))
        bytes.append(UInt8(ascii: "!"))
        let json = CompactJSONWriter.serialize(state.json)
        percentEncode(json, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The compact JSON text of a state, as the link carries it before percent-encoding.
    public static func compactJSON(_ state: ViewerState) -> String {
        String(decoding: CompactJSONWriter.serialize(state.json), as: UTF8.self)
    }

    /// `urllib.parse.quote(text, safe="~@#$&()*!+=:;,.?/'")`: letters, digits, `_.-~` and the safe set
    /// stay, every other byte becomes `%XX` (upper-case hex).
    public static func percentEncode(_ text: String) -> String {
        var bytes: [UInt8] = []
        percentEncode(Array(text.utf8), into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let unescaped: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~@#$&()*!+=:;,?/'".utf8 {
            table[Int(byte)] = true
        }
        return table
    }()

    private static let upperHex = Array("0123456789ABCDEF".utf8)

    static func percentEncode(_ input: [UInt8], into output: inout [UInt8]) {
        output.reserveCapacity(output.count + input.count + input.count / 2)
        input.withUnsafeBufferPointer { source in
            for byte in source {
                if unescaped[Int(byte)] {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "%"))
                    output.append(upperHex[Int(byte >> 4)])
                    output.append(upperHex[Int(byte & 15)])
                }
            }
        }
    }

    // MARK: - Decode

    static let expectation =
        "expected a neuroglancer link with the state inline (…/#!{\"layers\": …}) or a state-server link (…/#!middleauth+https://…/nglstate/api/v1/<id> or …/?json_url=https://…)"

    /// Says what a link holds, without fetching anything.
    public static func link(_ url: String) throws(ConnectomeError) -> Link {
        let text = url.trimmingCharacters(in: .whitespacesAndNewlines)
        let hashIndex = text.firstIndex(of: "#")
        let beforeFragment = hashIndex.map { text[..<$0] } ?? text[...]
        if let fragmentStart = hashIndex {
            var fragment = percentDecode(text[text.index(after: fragmentStart)...])
            if fragment.hasPrefix("!") { fragment.removeFirst() }
            let trimmed = fragment.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("{") {
                return .inline(urlSafeToJSON(trimmed))
            }
            if let server = stateServer(trimmed) { return server }
        }
        if let query = beforeFragment.firstIndex(of: "?") {
            for pair in beforeFragment[beforeFragment.index(after: query)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == "json_url" {
                    let target = percentDecode(parts[1])
                    if let server = stateServer(target) { return server }
                }
            }
        }
        let shown = text.count > 120 ? String(text.prefix(117)) + "…" : text
        if text.isEmpty {
            throw ConnectomeError.argument("the link is empty; \(expectation)")
        }
        if hashIndex == nil {
            throw ConnectomeError.argument("\"\(shown)\" has no #-fragment and no json_url, so it holds no neuroglancer state; \(expectation)")
        }
        throw ConnectomeError.argument("the fragment of \"\(shown)\" is neither a JSON state nor a state-server URL; \(expectation)")
    }

    private static func stateServer(_ text: String) -> Link? {
        var target = text
        var middleAuth = false
        if target.hasPrefix("middleauth+") {
            target.removeFirst("middleauth+".count)
            middleAuth = true
        }
        guard target.hasPrefix("https://") || target.hasPrefix("http://") else { return nil }
        return .stateServer(url: target, middleAuth: middleAuth)
    }

    /// Decodes a link whose state is inline; a state-server link is an error that says to fetch it.
    public static func decode(_ url: String) throws(ConnectomeError) -> ViewerState {
        switch try link(url) {
        case .inline(let json):
            return try parseState(Data(json.utf8), origin: "the link")
        case .stateServer(let server, _):
            throw ConnectomeError.argument(
                "the link points to a state server (\(server)); its state must be fetched",
                hint: "Decode it with network access (and a CAVE token for middleauth links)")
        }
    }

    /// Decodes any link, fetching state-server links through `fetch`.
    public static func decode(_ url: String, fetch: Fetch) async throws -> ViewerState {
        switch try link(url) {
        case .inline(let json):
            return try parseState(Data(json.utf8), origin: "the link")
        case .stateServer(let server, _):
            let body = try await fetch(server)
            return try parseState(body, origin: server)
        }
    }

    /// Parses state JSON text (a state server's answer or a link's fragment).
    public static func parseState(_ data: Data, origin: String) throws(ConnectomeError) -> ViewerState {
        var value: JSONValue
        do { value = try JSONValue.parse(data) } catch {
            throw ConnectomeError.data("the state in \(origin) is not valid JSON: \(error.description)")
        }
        // Some state servers answer with the state as a JSON string holding JSON.
        if case .string(let inner) = value, let nested = try? JSONValue.parse(inner) { value = nested }
        guard value.objectValue != nil else {
            throw ConnectomeError.data("the state in \(origin) is \(JSONObjectReader.show(value)), not a JSON object")
        }
        return try ViewerState(json: value)
    }

    /// `%XX` → byte, then UTF-8 (invalid sequences become U+FFFD); `+` is left alone, as `unquote` does.
    static func percentDecode<S: StringProtocol>(_ text: S) -> String {
        let input = Array(text.utf8)
        guard input.contains(UInt8(ascii: "%")) else { return String(text) }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var index = 0
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: return byte - 48
            case 65...70: return byte - 55
            case 97...102: return byte - 87
            default: return nil
            }
        }
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "%"), index + 2 < input.count,
               let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Converts neuroglancer's legacy URL-safe JSON (`'` for `"`, `_` or `&` for `,` outside strings)
    /// to JSON, as `url_state.url_safe_to_json` does; plain JSON passes through unchanged.
    static func urlSafeToJSON(_ text: String) -> String {
        let input = Array(text.utf8)
        guard input.contains(where: { $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "&") })
        else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        enum State { case outside, double, single }
        var state = State.outside
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch state {
            case .outside:
                switch byte {
                case UInt8(ascii: "_"), UInt8(ascii: "&"): output.append(UInt8(ascii: ","))
                case UInt8(ascii: "'"): output.append(UInt8(ascii: "\"")); state = .single
                case UInt8(ascii: "\""): output.append(byte); state = .double
                default: output.append(byte)
                }
            case .double:
                output.append(byte)
                if byte == UInt8(ascii: "\\"), index + 1 < input.count {
                    index += 1
                    output.append(input[index])
                } else if byte == UInt8(ascii: "\"") {
                    state = .outside
                }
            case .single:
                if byte == UInt8(ascii: "\\"), index + 1 < input.count {
                    index += 1
                    if input[index] == UInt8(ascii: "'") {
                        output.append(UInt8(ascii: "'"))
                    } else {
                        output.append(byte)
                        output.append(input[index])
                    }
                } else if byte == UInt8(ascii: "\"") {
                    output.append(UInt8(ascii: "\\"))
                    output.append(byte)
                } else if byte == UInt8(ascii: "'") {
                    output.append(UInt8(ascii: "\""))
                    state = .outside
                } else {
                    output.append(byte)
                }
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
