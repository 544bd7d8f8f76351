// HostCapabilities
