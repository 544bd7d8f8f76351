import Foundation

/// A minimal SVG line chart for cost trajectories (no external tools).
enum PlanPlot {
    struct Series {
        var label: String
        var colour: String
        var values: [Double]
    }

    static func svg(title: String, xLabel: String, yLabel: String, series: [Series]) -> String {
        let width = 820.0, height = 480.0
        let left = 90.0, right = 30.0, top = 50.0, bottom = 60.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxX = Double(max(series.map { $0.values.count - 1 }.max() ?? 1, 1))
        let all = series.flatMap(\.values)
        var minY = all.min() ?? 0, maxY = all.max() ?? 1
        if maxY - minY < 1e-12 { maxY = minY + 1 }
        let pad = (maxY - minY) * 0.05
        minY = max(0, minY - pad)
        maxY += pad
        func x(_ i: Double) -> Double { left + i / maxX * plotW }
        func y(_ v: Double) -> Double { top + (1 - (v - minY) / (maxY - minY)) * plotH }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        func label(_ v: Double) -> String { String(format: abs(v) >= 100 || v == 0 ? "%.0f" : "%.4g", v) }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="28" text-anchor="middle" font-size="16">\(escape(title))</text>

            """
        for t in 0...5 {
            let vy = minY + (maxY - minY) * Double(t) / 5
            let vx = maxX * Double(t) / 5
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(vy)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(vy)))\" stroke=\"#ddd\"/>\n"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(y(vy) + 4))\" text-anchor=\"end\">\(label(vy))</text>\n"
            out += "<line x1=\"\(f(x(vx)))\" y1=\"\(f(top))\" x2=\"\(f(x(vx)))\" y2=\"\(f(top + plotH))\" stroke=\"#eee\"/>\n"
            out += "<text x=\"\(f(x(vx)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(label(vx.rounded()))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 15))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(20 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let stride = max(1, s.values.count / 2000)
            var points: [String] = []
            var idx = 0
            while idx < s.values.count {
                points.append("\(f(x(Double(idx)))),\(f(y(s.values[idx])))")
                if idx == s.values.count - 1 { break }
                idx = min(idx + stride, s.values.count - 1)
            }
            let dash = i == 0 ? "" : " stroke-dasharray=\"6 3\""
            out += "<polyline fill=\"none\" stroke=\"\(s.colour)\" stroke-width=\"2\"\(dash) points=\"\(points.joined(separator: " "))\"/>\n"
            if let last = s.values.last, Double(s.values.count - 1) < maxX {
                // The planner stopped here; show where its cost stays.
                out += "<line x1=\"\(f(x(Double(s.values.count - 1))))\" y1=\"\(f(y(last)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y(last)))\" stroke=\"\(s.colour)\" stroke-width=\"1\" stroke-dasharray=\"2 4\"/>\n"
                out += "<text x=\"\(f(left + plotW - 4))\" y=\"\(f(y(last) - 6))\" text-anchor=\"end\" fill=\"\(s.colour)\">stopped at \(label(last))</text>\n"
            }
            let ly = top + 20 + Double(i) * 18
            out += "<line x1=\"\(f(left + plotW - 250))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + plotW - 225))\" y2=\"\(f(ly - 4))\" stroke=\"\(s.colour)\" stroke-width=\"2\"\(dash)/>\n"
            out += "<text x=\"\(f(left + plotW - 218))\" y=\"\(f(ly))\">\(escape(s.label))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
