namespace Mesh.Bgp.Fsm.Negotiation;

/// <summary>RFC 4271 §4.2/§10: the hold time is the smaller of both OPENs; 0 disables hold and keepalive timers.</summary>
public static class HoldTimeNegotiation
{
    /// <summary>The smaller of the two proposals (each 0 or ≥ 3; the codec rejects 1 and 2 with 2/6).</summary>
    public static ushort Negotiate(ushort local, ushort remote) => Math.Min(local, remote);

    /// <summary>One third of the hold time (RFC 4271 §10 suggests it), at least one second; zero when hold time is zero.</summary>
    public static TimeSpan KeepaliveInterval(ushort holdTime) =>
        holdTime == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Max(1, holdTime / 3));
}
