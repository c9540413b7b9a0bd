/// Charts as SVG drawn on the server: the geometry is computed here, the markup is the template's
/// (`chart-bars`, `chart-lines`), so the console needs no chart library and no script.
struct BarChart {
    struct Bar {
        var label: String
        var value: Int
        var href: String?
        var y: Int
        var textY: Int
        var width: Int
        var valueX: Int
    }

    var title: String
    var summary: String
    var width = 420
    var height: Int
    var bars: [Bar]
    var empty: Bool

    static let labelWidth = 150, barSpace = 220, row = 24

    init(title: String, items: [(label: String, value: Int)], href: ((String) -> String)? = nil) {
        self.title = title
        let top = max(1, items.map(\.value).max() ?? 1)
        bars = items.enumerated().map { index, item in
            let width = max(item.value > 0 ? 2 : 0, item.value * Self.barSpace / top)
            return Bar(label: item.label, value: item.value, href: href?(item.label), y: index * Self.row + 4, textY: index * Self.row + 18,
                       width: width, valueX: Self.labelWidth + width + 6)
        }
        height = max(1, items.count) * Self.row + 8
        empty = items.isEmpty
        summary = title + ": " + (items.isEmpty ? "none" : items.map { "\($0.label) \($0.value)" }.joined(separator: ", "))
    }
}

struct LineChart {
    struct Series {
        var name: String
        var style: String
        var points: String
        var values: [Int]
    }

    struct Tick {
        var x: Int
        var text: String
    }

    struct Row {
        var label: String
        var values: [Int]
    }

    var title: String
    var summary: String
    var width = 560
    var height = 200
    var series: [Series]
    var ticks: [Tick]
    var top: Int
    var rows: [Row]
    var empty: Bool

    static let left = 36, right = 12, plotTop = 10, bottom = 28

    init(title: String, labels: [String], series named: [(name: String, style: String, values: [Int])]) {
        self.title = title
        top = max(1, named.flatMap(\.values).max() ?? 1)
        let plotWidth = width - Self.left - Self.right, plotHeight = height - Self.plotTop - Self.bottom
        let step = labels.count > 1 ? Double(plotWidth) / Double(labels.count - 1) : 0
        let top = self.top
        func x(_ index: Int) -> Int { Self.left + Int((Double(index) * step).rounded()) }
        func y(_ value: Int) -> Int { Self.plotTop + plotHeight - value * plotHeight / top }
        series = named.map { item in
            Series(name: item.name, style: item.style, points: item.values.enumerated().map { "\(x($0.offset)),\(y($0.element))" }.joined(separator: " "),
                   values: item.values)
        }
        let every = max(1, labels.count / 6)
        ticks = labels.enumerated().filter { $0.offset % every == 0 }.map { Tick(x: x($0.offset), text: $0.element) }
        rows = labels.enumerated().map { index, label in Row(label: label, values: named.map { $0.values.indices.contains(index) ? $0.values[index] : 0 }) }
        empty = labels.isEmpty
        summary = title + ": " + named.map { "\($0.name) " + $0.values.map(String.init).joined(separator: ", ") }.joined(separator: "; ")
    }
}
