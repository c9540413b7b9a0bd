/// Arithmetic on values read from files, which may hold anything: an overflow gives `nil`, never a trap.
enum Checked {
    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64? {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : product
    }

    /// A count of seconds that fits a timestamp: finite and within ±10,000 years of 1970.
    static func seconds(_ value: Double) -> Double? {
        value.isFinite && abs(value) < 3.2e11 ? value : nil
    }
}
