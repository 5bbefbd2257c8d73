/// How a cell ended: the value of its last statement (nil when it has none), or an error.
public enum CellOutcome: Sendable {
    case value(Value?)
    case failure(CellError)
}
