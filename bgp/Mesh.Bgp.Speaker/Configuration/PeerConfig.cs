using System.Net;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Speaker.Configuration;

/// <summary>
/// One configured neighbor. Immutable; change a peer by removing it and adding the new config.
/// <see cref="RemoteAsn"/> 0 accepts the AS the peer's OPEN carries (Cilium's <c>peerASN: 0</c>).
/// </summary>
public sealed record PeerConfig(IPAddress Address, uint RemoteAsn, uint LocalAsn, IPAddress RouterId)
{
    /// <summary>Hold time proposed in OPEN, 0 or 3..65535 seconds.</summary>
    public ushort HoldTime { get; init; } = 90;

    /// <summary>Keepalive interval (at most a third of the negotiated hold time); null: a third of it.</summary>
    public TimeSpan? KeepaliveTime { get; init; }

    public TimeSpan ConnectRetryTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay before reconnecting after the session failed.</summary>
    public TimeSpan IdleHoldTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Never connect; only accept the peer's connection.</summary>
    public bool Passive { get; init; }

    /// <summary>The peer's TCP port for outbound connections.</summary>
    public int Port { get; init; } = 179;

    /// <summary>Source address for outbound connections (and the NEXT_HOP we announce); null lets the kernel choose.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>Our IPv6 link-local address on the link to the peer, added to the IPv6 MP_REACH next hop when set.</summary>
    public IPAddress? LinkLocalNextHop { get; init; }

    public IReadOnlyList<AfiSafi> Families { get; init; } = [AfiSafi.IPv4Unicast, AfiSafi.IPv6Unicast];

    /// <summary>
    /// IP TTL (hop limit) of an external session's packets, Cilium's <c>ebgpMultihop</c>: 1 (the default) for a
    /// directly connected peer, more for a peer several hops away. Internal sessions keep the system default.
    /// </summary>
    public int EbgpMultihop { get; init; } = 1;

    /// <summary>TCP MD5 signature password (RFC 2385, Linux TCP_MD5SIG); null for none.</summary>
    public string? Password { get; init; }

    /// <summary>Offer RFC 8654 extended messages: UPDATEs up to 65535 bytes when the peer offers them too.</summary>
    public bool ExtendedMessages { get; init; }

    /// <summary>
    /// Graceful restart (RFC 4724): offer the capability with the N bit (RFC 8538) and forwarding state for every
    /// family, so the peer keeps our routes for <see cref="RestartTime"/> while we restart; the first session after
    /// the speaker started carries the Restart State bit. We act as helper for peers that offer it, whatever this says.
    /// </summary>
    public bool GracefulRestart { get; init; }

    /// <summary>How long the peer should keep our routes after our session went down (at most 4095 s).</summary>
    public TimeSpan RestartTime { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Every problem with this config, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Address is null)
        {
            errors.Add("Address is required");
        }

        if (LocalAsn == 0)
        {
            errors.Add("LocalAsn must not be 0");
        }

        if (RouterId is null || RouterId.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || RouterId.Equals(IPAddress.Any))
        {
            errors.Add("RouterId must be a non-zero IPv4 address");
        }

        if (HoldTime is 1 or 2)
        {
            errors.Add("HoldTime must be 0 or at least 3 seconds");
        }

        if (Port is <= 0 or > 65535)
        {
            errors.Add("Port must be 1..65535");
        }

        if (ConnectRetryTime <= TimeSpan.Zero)
        {
            errors.Add("ConnectRetryTime must be positive");
        }

        if (Password is not null && (Password.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(Password) > 80))
        {
            errors.Add("Password must be 1..80 bytes");
        }

        if (EbgpMultihop is < 1 or > 255)
        {
            errors.Add("EbgpMultihop must be 1..255");
        }

        if (RestartTime < TimeSpan.Zero || RestartTime > TimeSpan.FromSeconds(4095))
        {
            errors.Add("RestartTime must be 0..4095 seconds");
        }

        if (Families is null || Families.Count == 0)
        {
            errors.Add("Families must not be empty");
        }

        return errors;
    }
}
