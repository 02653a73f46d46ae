using System.Net;
using System.Net.Sockets;

namespace Mesh.Bgp.Speaker.Configuration;

/// <summary>Speaker-wide settings: where to accept connections and how sockets are made.</summary>
public sealed record SpeakerOptions
{
    /// <summary>Addresses to listen on; empty means the speaker only connects out. Default: [::]:179, dual-stack.</summary>
    public IReadOnlyList<IPEndPoint> ListenEndPoints { get; init; } = [new IPEndPoint(IPAddress.IPv6Any, 179)];

    /// <summary>
    /// Creates every TCP socket (listening and connecting). Tests use it to create sockets inside another
    /// network namespace; null creates ordinary sockets.
    /// </summary>
    public Func<AddressFamily, Socket>? SocketFactory { get; init; }

    /// <summary>How long a closing connection may take to flush its last messages (e.g. a NOTIFICATION).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
