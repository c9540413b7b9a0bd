/// A page's view as the template engine reads it: every struct a dictionary of its fields, each field
/// read once. swift-mustache looks a name up by reflecting its object anew (a `Mirror`, and every field
/// of it realized, for each lookup), and looks a name that a row lacks up again on each enclosing
/// view: the asset page's 130 pending updates cost 2,600 field reads, and the page's own 27 fields were
/// read for each of its 40 names. Measured on that page (release, perf): lookups were 55 % of its
/// time. Templates see the same values: nil optionals are absent, as they were.
enum TemplateValues {
    static func tree(_ value: Any) -> Any? {
        switch value {
        case is String, is [String], is Int, is Int64, is Bool, is Double: return value
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { tree($0.value) }
        case .struct, .class:
            var fields: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label, let field = tree(child.value) { fields[label] = field }
            }
            return fields
        case .collection:
            return mirror.children.compactMap { tree($0.value) }
        default:
            return value
        }
    }
}
