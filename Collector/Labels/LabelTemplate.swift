/// A sheet of labels: its paper and where each label sits, in PostScript points (1/72 inch).
/// The common ones: Avery's A4 sheets for Europe, Avery's US-letter sheets, and a roll printer's
/// single label.
public struct LabelTemplate: Sendable, Equatable {
    public let name: String
    public let description: String
    public let pageWidth: Double
    public let pageHeight: Double
    public let columns: Int
    public let rows: Int
    public let labelWidth: Double
    public let labelHeight: Double
    public let left: Double
    public let top: Double
    public let horizontalPitch: Double
    public let verticalPitch: Double

    public var perPage: Int { columns * rows }

    static let mm = 72 / 25.4
    static let inch = 72.0
    static let a4 = (595.28, 841.89)
    static let letter = (612.0, 792.0)

    /// The label's lower-left corner (PDF's origin is the page's lower left).
    public func origin(index: Int) -> (x: Double, y: Double) {
        let slot = index % perPage
        let (row, column) = (slot / columns, slot % columns)
        let x = left + Double(column) * horizontalPitch
        let y = pageHeight - top - Double(row) * verticalPitch - labelHeight
        return (x, y)
    }

    public static let all: [LabelTemplate] = [
        LabelTemplate(name: "avery-l7160", description: "A4, 21 labels of 63.5 x 38.1 mm", pageWidth: a4.0, pageHeight: a4.1, columns: 3, rows: 7,
                      labelWidth: 63.5 * mm, labelHeight: 38.1 * mm, left: 7.25 * mm, top: 15.15 * mm, horizontalPitch: 66.04 * mm, verticalPitch: 38.1 * mm),
        LabelTemplate(name: "avery-l7163", description: "A4, 14 labels of 99.1 x 38.1 mm", pageWidth: a4.0, pageHeight: a4.1, columns: 2, rows: 7,
                      labelWidth: 99.1 * mm, labelHeight: 38.1 * mm, left: 4.65 * mm, top: 15.15 * mm, horizontalPitch: 101.6 * mm, verticalPitch: 38.1 * mm),
        LabelTemplate(name: "avery-l7651", description: "A4, 65 labels of 38.1 x 21.2 mm", pageWidth: a4.0, pageHeight: a4.1, columns: 5, rows: 13,
                      labelWidth: 38.1 * mm, labelHeight: 21.2 * mm, left: 4.75 * mm, top: 10.7 * mm, horizontalPitch: 40.64 * mm, verticalPitch: 21.2 * mm),
        LabelTemplate(name: "avery-5160", description: "US letter, 30 labels of 2.625 x 1 in", pageWidth: letter.0, pageHeight: letter.1, columns: 3, rows: 10,
                      labelWidth: 2.625 * inch, labelHeight: 1 * inch, left: 0.1875 * inch, top: 0.5 * inch, horizontalPitch: 2.75 * inch, verticalPitch: 1 * inch),
        LabelTemplate(name: "avery-5163", description: "US letter, 10 labels of 4 x 2 in", pageWidth: letter.0, pageHeight: letter.1, columns: 2, rows: 5,
                      labelWidth: 4 * inch, labelHeight: 2 * inch, left: 0.15625 * inch, top: 0.5 * inch, horizontalPitch: 4.1875 * inch, verticalPitch: 2 * inch),
        LabelTemplate(name: "roll-62x29", description: "one 62 x 29 mm label per page (Brother DK-11209 and other roll printers)",
                      pageWidth: 62 * mm, pageHeight: 29 * mm, columns: 1, rows: 1, labelWidth: 62 * mm, labelHeight: 29 * mm, left: 0, top: 0,
                      horizontalPitch: 62 * mm, verticalPitch: 29 * mm),
    ]

    public static func named(_ name: String) -> LabelTemplate? { all.first { $0.name == name } }
}
