using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Speaker.Configuration;

namespace Mesh.Bgp.Agent.Reconciliation;

/// <summary>What the reconciler does to a speaker (a fake in unit tests).</summary>
public interface IBgpSpeakerControl
{
    Task AddPeerAsync(PeerConfig config, CancellationToken cancellationToken);

    Task<bool> RemovePeerAsync(IPAddress address, CancellationToken cancellationToken);

    Task<bool> SetPeerRoutesAsync(IPAddress peer, IReadOnlyDictionary<Prefix, PathAttributes> routes, CancellationToken cancellationToken);
}
