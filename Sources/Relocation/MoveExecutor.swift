/// Performs one live migration. The migration layer provides the real implementation
/// (libvirt, via `LiveMigration`); tests use fakes. `from` and `to` are libvirt URIs.
public protocol MoveExecutor: Sendable {
    func migrate(vm: VMID, from sourceURI: String, to destinationURI: String) async throws
}
