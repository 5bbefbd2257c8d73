import Foundation

/// Where a secret (a bearer token, an API token, a password) may be sent: the one rule every
/// request that carries credentials goes through.
///
/// A secret belongs to the host it was given for and travels only over https, or plain http to
/// this machine (loopback: `localhost`, 127.0.0.0/8, `::1`), where nobody on the network can read
/// it. A host is compared exactly (lower case, port ignored): `evil.example.org` is not
/// `example.org`, and a URL whose authority holds user info or characters a host cannot have is
/// refused outright, so that no parser disagreement can route a token to another machine.
public enum CredentialScope {
    /// The host of `url` in lower case, without user info, port or IPv6 brackets; nil when `url`
    /// has no `scheme://` or its authority is not a plain host (user info, spaces, backslashes...).
    public static func host(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return host(authority: authority)
    }

    /// The host a user names for a token (`global.daf-apis.com`, `https://global.daf-apis.com/...`,
    /// `localhost:8080`), normalized as `host(of:)` does; nil when it is not a host name.
    public static func host(named text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains("://") { return host(of: trimmed) }
        return host(authority: trimmed[...])
    }

    /// The lower-case scheme of `url` (`https`), nil without `scheme://`.
    public static func scheme(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        return url[..<schemeEnd.lowerBound].lowercased()
    }

    /// `localhost` (and `*.localhost`), 127.0.0.0/8 and `::1`.
    public static func isLoopback(host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && octet.allSatisfy(\.isNumber)
                && (Int(octet) ?? 256) <= 255
        }
    }

    /// Whether a secret may travel to `url` at all: https, or http to loopback, with a plain host.
    public static func isSecureChannel(_ url: String) -> Bool {
        guard let host = host(of: url), let scheme = scheme(of: url) else { return false }
        return scheme == "https" || (scheme == "http" && isLoopback(host: host))
    }

    /// Whether a secret set for `secretHost` may be sent with a request to `url`.
    public static func permits(_ url: String, secretFor secretHost: String) -> Bool {
        guard isSecureChannel(url), let host = host(of: url) else { return false }
        return host == secretHost
    }

    /// Throws unless credentials may be sent to `url`; `what` names them in the message.
    public static func requireSecureChannel(_ url: String, for what: String) throws(ConnectomeError) {
        guard !isSecureChannel(url) else { return }
        let shown = url.count > 120 ? String(url.prefix(120)) + "…" : url
        if let host = host(of: url), scheme(of: url) == "http" {
            throw ConnectomeError.argument(
                "\(what) would travel unencrypted to \(host) over http:// (\(shown)); credentials are only sent over https",
                hint: "Use the https:// address of the server (plain http is allowed only to this machine: localhost, 127.0.0.1, ::1)")
        }
        throw ConnectomeError.argument(
            "\(what) cannot be sent to \(shown): credentials go only to an https:// URL with a plain host name",
            hint: "Write the server as https://host/path, without user:password@ in it")
    }

    /// Header names whose values are secrets (compared without case).
    public static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "x-authorization", "cookie"]

    /// Whether `headers` carry a secret (so that the request must go over a secure channel).
    public static func carriesSecret(_ headers: [String: String]) -> Bool {
        headers.keys.contains { secretHeaders.contains($0.lowercased()) }
    }

    private static func host(authority: Substring) -> String? {
        var rest = authority
        guard !rest.isEmpty, !rest.contains("@") else { return nil }
        let host: Substring
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            let colon = rest.firstIndex(of: ":") ?? rest.endIndex
            host = rest[..<colon]
            rest = rest[colon...]
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") })
            else { return nil }
        }
        if !rest.isEmpty {
            guard rest.first == ":", rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name.isEmpty ? nil : name
    }
}
