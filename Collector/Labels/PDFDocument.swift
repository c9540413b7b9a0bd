/// A label sheet as a PDF 1.4 file: one page per sheet, the QR codes as filled rectangles, text in
/// the standard Helvetica faces (no font embedded: every PDF reader has them) with WinAnsi
/// encoding; characters outside it print as "?".
public enum PDFDocument {
    public static func render(_ sheet: LabelSheet) -> [UInt8] {
        var objects: [[UInt8]] = []
        func add(_ text: String) -> Int { objects.append(Array(text.utf8)); return objects.count }
        // 1 catalog, 2 pages, 3 and 4 fonts, then a page and its content per sheet.
        _ = add("<< /Type /Catalog /Pages 2 0 R >>")
        _ = add("")
        _ = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        _ = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        var kids: [Int] = []
        let size = "[0 0 \(number(sheet.template.pageWidth)) \(number(sheet.template.pageHeight))]"
        for page in sheet.pages {
            var content: [UInt8] = Array("0 g\n".utf8)
            for rect in page.rects {
                content += Array("\(number(rect.x)) \(number(rect.y)) \(number(rect.width)) \(number(rect.height)) re\n".utf8)
            }
            if !page.rects.isEmpty { content += Array("f\n".utf8) }
            for text in page.texts {
                content += Array("BT /\(text.bold ? "F2" : "F1") \(number(text.size)) Tf \(number(text.x)) \(number(text.y)) Td (".utf8)
                content += escape(text.string)
                content += Array(") Tj ET\n".utf8)
            }
            objects.append(Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8))
            let contentID = objects.count
            kids.append(add("<< /Type /Page /Parent 2 0 R /MediaBox \(size) /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(contentID) 0 R >>"))
        }
        objects[1] = Array("<< /Type /Pages /Kids [\(kids.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(kids.count) >>".utf8)
        var output: [UInt8] = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.count)
            output += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let xref = output.count
        output += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets {
            let digits = String(offset)
            output += Array((String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n").utf8)
        }
        output += Array("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return output
    }

    /// A string's bytes in WinAnsi (Latin-1 for what labels hold), with PDF's escapes.
    static func escape(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            let byte: UInt8 = scalar.value >= 0x20 && scalar.value < 0x7F || (0xA0...0xFF).contains(scalar.value) ? UInt8(scalar.value) : UInt8(ascii: "?")
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        return bytes
    }

    /// Points with two decimals at most, as PDF writes numbers.
    static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return sign + String(magnitude / 100) + (fraction == 0 ? "" : "." + (fraction < 10 ? "0" : "") + String(fraction))
    }
}

/// A label sheet as SVG: the pages one below the other (a browser prints each page's height), text
/// escaped for XML.
public enum SVGDocument {
    public static func render(_ sheet: LabelSheet) -> String {
        let (width, height) = (sheet.template.pageWidth, sheet.template.pageHeight)
        let total = height * Double(sheet.pages.count)
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(PDFDocument.number(width))pt" height="\(PDFDocument.number(total))pt" \
            viewBox="0 0 \(PDFDocument.number(width)) \(PDFDocument.number(total))">
            <rect width="100%" height="100%" fill="#fff"/>

            """
        for (index, page) in sheet.pages.enumerated() {
            let top = Double(index) * height
            func flip(_ y: Double) -> Double { top + height - y }
            var path = ""
            for rect in page.rects {
                path += "M\(PDFDocument.number(rect.x)) \(PDFDocument.number(flip(rect.y + rect.height)))h\(PDFDocument.number(rect.width))"
                    + "v\(PDFDocument.number(rect.height))h-\(PDFDocument.number(rect.width))z"
            }
            svg += "<g id=\"page-\(index + 1)\"><path fill=\"#000\" d=\"\(path)\"/>\n"
            for text in page.texts {
                svg += "<text x=\"\(PDFDocument.number(text.x))\" y=\"\(PDFDocument.number(flip(text.y)))\" font-family=\"Helvetica, Arial, sans-serif\" "
                    + "font-size=\"\(PDFDocument.number(text.size))\"\(text.bold ? " font-weight=\"bold\"" : "")>\(escape(text.string))</text>\n"
            }
            svg += "</g>\n"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
