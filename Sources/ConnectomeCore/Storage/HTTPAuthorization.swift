import Foundation

/// Credentials attached to one HTTP store, sent as the `Authorization` header.
///
/// Descriptions are redacted so that a token never reaches a notebook, a log or an error message.
/// Where the header may be sent is `CredentialScope`'s rule: `HTTPStore` refuses to attach it to a
/// URL that is not https (or http to this machine).
public enum HTTPAuthorization: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    case bearer(String)
    case basic(user: String, password: String)

    /// The value of the `Authorization` header.
    public var headerValue: String {
        switch self {
        case .bearer(let token):
            "Bearer \(token)"
        case .basic(let user, let password):
            "Basic \(Data("\(user):\(password)".utf8).base64EncodedString())"
        }
    }

    public var description: String {
        switch self {
        case .bearer: "bearer token (redacted)"
        case .basic(let user, _): "basic auth for user \(user) (password redacted)"
        }
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
