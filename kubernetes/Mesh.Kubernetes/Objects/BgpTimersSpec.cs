namespace Mesh.Kubernetes.Objects;

/// <summary><c>spec.timers</c> of a CiliumBGPPeerConfig, in seconds; null when not set.</summary>
public sealed record BgpTimersSpec(long? ConnectRetryTimeSeconds, long? HoldTimeSeconds, long? KeepAliveTimeSeconds);
