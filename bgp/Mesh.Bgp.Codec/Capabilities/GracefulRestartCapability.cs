namespace Mesh.Bgp.Codec.Capabilities;

/// <summary>
/// RFC 4724 §3: Restart Flags (R = restarting, RFC 8538 N = NOTIFICATION support), a 12-bit Restart Time
/// in seconds, then per-family forwarding flags.
/// </summary>
public sealed record GracefulRestartCapability(
    bool Restarting,
    bool NotificationSupport,
    ushort RestartTimeSeconds,
    ValueArray<GracefulRestartFamily> Families) : BgpCapability
{
    public const ushort MaxRestartTimeSeconds = 4095;

    public override CapabilityCode Code => CapabilityCode.GracefulRestart;
}
