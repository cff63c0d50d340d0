/// Summary numbers of a sample set (percentiles by nearest rank).
struct Samples {
    let values: [Double]
    private let sorted: [Double]

    init(_ values: [Double]) {
        self.values = values
        self.sorted = values.sorted()
    }

    var count: Int { values.count }

    /// Nearest-rank percentile, `fraction` in 0...1; 0 for an empty set.
    func percentile(_ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    var median: Double { percentile(0.5) }
    var maximum: Double { sorted.last ?? 0 }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
