using System.Net;
using Mesh.Bgp.Agent.Reconciliation;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Speaker.Configuration;

namespace Mesh.Bgp.Agent.Tests;

/// <summary>Records what the reconciler does to the speaker.</summary>
internal sealed class FakeSpeakerControl : IBgpSpeakerControl
{
    public List<string> Calls { get; } = [];

    public Dictionary<IPAddress, PeerConfig> Peers { get; } = [];

    public Dictionary<IPAddress, IReadOnlyDictionary<Prefix, PathAttributes>> Routes { get; } = [];

    public Task AddPeerAsync(PeerConfig config, CancellationToken cancellationToken)
    {
        Peers.Add(config.Address, config);
        Calls.Add($"add {config.Address}");
        return Task.CompletedTask;
    }

    public Task<bool> RemovePeerAsync(IPAddress address, CancellationToken cancellationToken)
    {
        Calls.Add($"remove {address}");
        Routes.Remove(address);
        return Task.FromResult(Peers.Remove(address));
    }

    public Task<bool> SetPeerRoutesAsync(IPAddress peer, IReadOnlyDictionary<Prefix, PathAttributes> routes, CancellationToken cancellationToken)
    {
        Calls.Add($"routes {peer} {routes.Count}");
        Routes[peer] = routes;
        return Task.FromResult(Peers.ContainsKey(peer));
    }
}
