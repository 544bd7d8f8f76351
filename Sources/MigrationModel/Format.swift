import Foundation

/// Number formatting for reason sentences (fixed, locale-independent).
enum Format {
    static func ms(_ milliseconds: Double) -> String {
        guard milliseconds.isFinite else { return "∞ ms" }
        return milliseconds >= 10 ? "\(Int(milliseconds.rounded())) ms" : String(format: "%.1f ms", milliseconds)
    }

    static func seconds(_ s: Double) -> String {
        guard s.isFinite else { return "∞ s" }
        return s >= 10 ? "\(Int(s.rounded())) s" : String(format: "%.1f s", s)
    }

    static func mib(_ bytes: Double) -> String {
        String(format: "%.1f MiB", bytes / 1_048_576)
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        String(format: "%.1f MiB/s", bytesPerSecond / 1_048_576)
    }

    static func ratio(_ x: Double) -> String {
        String(format: "%.2f", x)
    }
}
