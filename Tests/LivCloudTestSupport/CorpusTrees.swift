import Foundation
import Testing

/// Shared by the test targets that read the recorded trees.
/// Unpacks the lscpu corpus tarballs (`../shared/corpus/lscpu/*.tar.gz`) into a temporary directory.
public struct CorpusTrees: Sendable {
    public let directory: URL
    /// Tree name ("x86_64-dell_e4310") to the unpacked root.
    public let roots: [(String, URL)]

    /// Unpacks every tarball of `corpus`, or only those named in `only`.
    public static func unpackAll(_ corpus: URL, only: Set<String>? = nil) throws -> CorpusTrees {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        try #require(fm.fileExists(atPath: corpus.path, isDirectory: &isDirectory) && isDirectory.boolValue,
                     "lscpu corpus not found at \(corpus.path): CI keeps ../shared/corpus/lscpu beside the clone")
        let tarballs = try fm.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".tar.gz") }.sorted()
            .filter { only?.contains(String($0.dropLast(".tar.gz".count))) ?? true }
        try #require(!tarballs.isEmpty, "no *.tar.gz in \(corpus.path)")
        let directory = fm.temporaryDirectory.appendingPathComponent("lscpu-\(UUID().uuidString)")
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        var roots: [(String, URL)] = []
        for tarball in tarballs {
            let name = String(tarball.dropLast(".tar.gz".count))
            let target = directory.appendingPathComponent("unpack-\(name)")
            try fm.createDirectory(at: target, withIntermediateDirectories: true)
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
            tar.arguments = ["-xzf", corpus.appendingPathComponent(tarball).path, "-C", target.path]
            try tar.run()
            tar.waitUntilExit()
            try #require(tar.terminationStatus == 0, "tar failed on \(tarball)")
            // The tarball's top-level folder is the tree root.
            let top = try fm.contentsOfDirectory(atPath: target.path).filter { !$0.hasPrefix(".") }
            try #require(top.count == 1, "\(tarball) should hold one top-level folder, has \(top)")
            roots.append((name, target.appendingPathComponent(top[0])))
        }
        return CorpusTrees(directory: directory, roots: roots)
    }

    public func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}
