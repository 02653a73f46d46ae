using System.Net;
using Mesh.Bgp.Fsm;

namespace Mesh.Bgp.Speaker.Status;

/// <summary>One peer as of the last snapshot the speaker published.</summary>
public sealed record PeerStatus(IPAddress Address, uint LocalAsn, uint RemoteAsn, SessionState State)
{
    public DateTimeOffset? EstablishedAt { get; init; }

    /// <summary>Hold time agreed in the OPEN exchange (0 until then).</summary>
    public ushort NegotiatedHoldTime { get; init; }

    /// <summary>Prefixes in the peer's Adj-RIB-In.</summary>
    public int ReceivedRoutes { get; init; }

    /// <summary>Received prefixes kept stale while the peer restarts (graceful restart helper) or refreshes.</summary>
    public int StaleRoutes { get; init; }

    /// <summary>Prefixes in the peer's Adj-RIB-Out.</summary>
    public int AdvertisedRoutes { get; init; }

    public long UpdatesReceived { get; init; }

    public long UpdatesSent { get; init; }

    /// <summary>Per configured family (negotiated ones when Established): received and advertised prefixes.</summary>
    public IReadOnlyList<FamilyRouteCount> Families { get; init; } = [];

    /// <summary>Why the session last went down, if it did.</summary>
    public string? LastError { get; init; }

    public TimeSpan Uptime(DateTimeOffset now) => EstablishedAt is { } at ? now - at : TimeSpan.Zero;
}
