/// QEMU auto-converge: CPU throttling of the guest, raised while it dirties
/// memory faster than half the transfer rate.
public struct AutoConvergeSettings: Sendable, Equatable, Hashable, Codable {
    /// First throttle, percent (`auto_converge.initial`, QEMU default 20).
    public var initialPercent: Int
    /// Step, percent (`auto_converge.increment`, QEMU default 10).
    public var incrementPercent: Int
    /// QEMU's ceiling (`max-cpu-throttle`, default 99).
    public var maxPercent: Int
    /// How much the throttle slows the dirtying: effective dirty rate =
    /// D × (1 − effect × throttle/100). 1 = a CPU-bound dirtier that slows in
    /// proportion; the default 0.1 is a timer-driven dirtier that barely slows,
    /// as measured in the lab (99 % throttle after 141 s, no convergence).
    public var throttleEffect: Double

    public init(initialPercent: Int = 20, incrementPercent: Int = 10, maxPercent: Int = 99, throttleEffect: Double = 0.1) {
        self.initialPercent = initialPercent
        self.incrementPercent = incrementPercent
        self.maxPercent = maxPercent
        self.throttleEffect = throttleEffect
    }

    func dirtyRateFactor(throttlePercent: Int) -> Double {
        max(0, 1 - throttleEffect * Double(throttlePercent) / 100)
    }

    func next(after throttle: Int) -> Int {
        throttle == 0 ? min(initialPercent, maxPercent) : min(throttle + incrementPercent, maxPercent)
    }
}
