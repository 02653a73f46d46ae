using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Speaker;
using Mesh.Bgp.Speaker.Configuration;

namespace Mesh.Bgp.Agent.Reconciliation;

/// <summary>The reconciler's view of a real <see cref="BgpSpeaker"/>.</summary>
internal sealed class SpeakerControl(BgpSpeaker speaker) : IBgpSpeakerControl
{
    public Task AddPeerAsync(PeerConfig config, CancellationToken cancellationToken) => speaker.AddPeerAsync(config, cancellationToken);

    public Task<bool> RemovePeerAsync(IPAddress address, CancellationToken cancellationToken) => speaker.RemovePeerAsync(address, cancellationToken);

    public Task<bool> SetPeerRoutesAsync(IPAddress peer, IReadOnlyDictionary<Prefix, PathAttributes> routes, CancellationToken cancellationToken) =>
        speaker.SetPeerRoutesAsync(peer, routes, cancellationToken);
}
