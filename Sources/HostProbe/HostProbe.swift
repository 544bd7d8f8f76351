// HostProbe
