/// The `AuthError`s of Seatable: no account token, a token refused or expired, and what to do.
///
/// The account token comes from `CRANTTABLE_TOKEN` (crantpy's variable) or `token seatable=…`;
/// the base and access tokens are made from it, so every refusal ends with the same advice: a
/// valid account token.
public enum SeatableAuthError {
    /// How to give the kernel an account token.
    public static let setTokenHint = "Set CRANTTABLE_TOKEN to your Seatable account token before starting the kernel, "
        + "or run: token seatable=(input \"Seatable token: \" password=true). "
        + "An account token comes from POST https://cloud.seatable.io/api2/auth-token/ with your username and password"

    static func noToken(table: SeatableTable) -> ConnectomeError {
        ConnectomeError.auth("reading the annotations from \(table) needs a Seatable account token, and none is set", hint: setTokenHint)
    }

    static func refused(table: SeatableTable, step: SeatableClient.Step, status: Int, message: String?, origin: String?) -> ConnectomeError {
        let said = message.map { " (\($0))" } ?? ""
        switch step {
        case .account:
            return ConnectomeError.auth(
                "\(table.host) answered \(status)\(said): it refused the Seatable account token\(origin.map { " from \($0)" } ?? "") for base \(table.base) in workspace \(table.workspaceID)",
                hint: "Check that the token is current and its account can open the base. " + setTokenHint)
        case .base, .access:
            return ConnectomeError.auth("\(table.host) answered \(status)\(said): it refused the \(step.rawValue) made from the account token",
                                        hint: "Run the command again; if it keeps failing, set a new account token. " + setTokenHint)
        }
    }

    static func expired(table: SeatableTable, step: SeatableClient.Step, origin: String? = nil) -> ConnectomeError {
        ConnectomeError.auth("\(table.host) says the Seatable \(step.rawValue)\(origin.map { " (\($0))" } ?? "") has expired"
                                + (step == .access ? ", even after logging in again" : ""),
                             hint: step == .account ? "Make a new account token. " + setTokenHint : "Run the command again later. " + setTokenHint)
    }
}
