import CommandLanguage
import ConnectomeCore

/// `FIELD=VALUE` criteria and crantpy's four filter options, shared by `neurons` and `where`.
enum FilterArguments {
    /// The option parameters; every other `name=value` is a criterion on the column `name`.
    static let options: [ParameterSpec] = [
        ParameterSpec("regex", .bool, default: "false", help: "values are regular expressions, searched in text columns"),
        ParameterSpec("case", .bool, default: "false", help: "compare text case-sensitively (false: 'KC' finds 'kc')"),
        ParameterSpec("exact", .bool, default: "true", help: "text must equal the value; false: the value may be part of it"),
        ParameterSpec("match_all", .bool, default: "false", help: "with a list value on a list column: the cell must hold all of them (false: any)"),
    ]

    static let criterion = ParameterSpec(
        "FIELD", .any,
        help: "a column and the value(s) it must hold: a text, number, flag, or a list meaning any of them")

    static let optionNames = Set(options.map(\.name))

    static let details = """
        Each FIELD=VALUE keeps the rows whose column FIELD holds VALUE; several criteria must all \
        hold. A list [a, b] means any of a, b; on a list column (status, region) it means the cell \
        holds any of them, or all of them with match_all=true. Text is compared case-insensitively \
        unless case=true; exact=false finds the value inside longer text; regex=true searches with a \
        regular expression. Null cells never match. These are crantpy's NeuronCriteria rules.
        """

    static func filterOptions(_ invocation: Invocation) throws -> FilterOptions {
        FilterOptions(regex: try invocation.bool("regex", default: false),
                      caseSensitive: try invocation.bool("case", default: false),
                      matchAll: try invocation.bool("match_all", default: false),
                      exact: try invocation.bool("exact", default: true))
    }

    /// The criteria in the order they are written in the cell; `except` names the command's own other parameters.
    static func criteria(_ invocation: Invocation, except: Set<String> = []) throws -> [FilterCriterion] {
        let names = invocation.named.keys.filter { !optionNames.contains($0) && !except.contains($0) }
            .sorted { (invocation.range(of: $0)?.start ?? 0, $0) < (invocation.range(of: $1)?.start ?? 0, $1) }
        return try names.map { name in
            let value = invocation.named[name] ?? .null
            do throws(ConnectomeError) {
                if case .list(let items) = value {
                    return FilterCriterion(name, anyOf: try items.map(filterValue))
                }
                return FilterCriterion(name, try filterValue(value))
            } catch {
                throw invocation.argumentError(name, "\(name): \(error.message)", hint: error.hint.isEmpty ? nil : error.hint)
            }
        }
    }

    /// The rows of `table` matching the invocation's criteria (all rows without criteria).
    static func filter(_ table: DataTable, _ invocation: Invocation, fields: [String]? = nil,
                       except: Set<String> = []) throws -> (DataTable, [FilterCriterion]) {
        let criteria = try criteria(invocation, except: except)
        let options = try filterOptions(invocation)
        do throws(FilterError) {
            return (try table.filtered(criteria, options: options, fields: fields), criteria)
        } catch {
            let field: String = switch error {
            case .unknownField(let name, _, _), .invalidRegex(let name, _, _, _), .regexOnNonText(let name, _, _),
                 .conversion(let name, _, _, _), .unsupportedColumn(let name, _): name
            }
            let report = error.connectomeError
            if invocation.has(field) {
                throw invocation.argumentError(field, report.message, hint: report.hint.isEmpty ? nil : report.hint)
            }
            throw report
        }
    }

    /// `cell_class="kenyon_cell", side="left"`: the criteria as the user wrote them, for titles and errors.
    static func describe(_ criteria: [FilterCriterion]) -> String {
        criteria.map(\.description).joined(separator: ", ")
    }

    private static func filterValue(_ value: Value) throws(ConnectomeError) -> FilterValue {
        switch value {
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .float(let number): return .double(number)
        case .int(let number):
            if let small = Int64(exactly: number) { return .int(small) }
            if let large = UInt64(exactly: number) { return .uint(large) }
            throw ConnectomeError.argument("\(number) does not fit in 64 bits", hint: "give a value a column can hold")
        case .null:
            throw ConnectomeError.argument("null never matches (null cells match nothing)",
                                           hint: "filter on a value, or use where to keep rows with a value")
        default:
            throw ConnectomeError.argument("\(value.errorDescription) cannot be compared with a cell",
                                           hint: "give a text, a number, true/false, or a list of those")
        }
    }
}
