/// The longest pause of the guest the user accepts at switch-over.
public struct DowntimeBudget: Sendable, Equatable, Hashable, Codable, Comparable {
    public var milliseconds: Double

    public init(milliseconds: Double) {
        self.milliseconds = milliseconds
    }

    public var seconds: Double { milliseconds / 1000 }

    public static func < (lhs: DowntimeBudget, rhs: DowntimeBudget) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }
}
