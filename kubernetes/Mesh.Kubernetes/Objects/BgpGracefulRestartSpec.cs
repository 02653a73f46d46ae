namespace Mesh.Kubernetes.Objects;

/// <summary><c>spec.gracefulRestart</c> of a CiliumBGPPeerConfig.</summary>
public sealed record BgpGracefulRestartSpec(bool Enabled, long? RestartTimeSeconds);
