/// Exponentially weighted moving average: v ← α·x + (1 − α)·v, first value taken as is.
public struct EWMA: Sendable, Equatable, Codable {
    public var alpha: Double
    public private(set) var value: Double?

    public init(alpha: Double) {
        self.alpha = alpha
    }

    public mutating func add(_ x: Double) {
        value = value.map { alpha * x + (1 - alpha) * $0 } ?? x
    }
}
