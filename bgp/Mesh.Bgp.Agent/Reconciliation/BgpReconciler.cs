using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Config.Plan;

namespace Mesh.Bgp.Agent.Reconciliation;

/// <summary>
/// Brings the speaker in line with a <see cref="NodeBgpPlan"/>. A session is reset only when its own parameters
/// (<see cref="DesiredPeer"/>) change; advertisement changes only send the difference. Peers whose plan has errors
/// are left exactly as they run. Not thread-safe: called from the agent's one loop.
/// </summary>
public sealed class BgpReconciler(IBgpSpeakerControl speaker, TimeSpan idleHoldTime, bool extendedMessages = true)
{
    private readonly Dictionary<string, (DesiredPeer Peer, IReadOnlyDictionary<Prefix, PathAttributes> Routes)> _applied = new(StringComparer.Ordinal);

    /// <summary>The peers as last applied, by key.</summary>
    public IReadOnlyDictionary<string, DesiredPeer> Applied => _applied.ToDictionary(p => p.Key, p => p.Value.Peer, StringComparer.Ordinal);

    public async Task<ReconcileResult> ReconcileAsync(NodeBgpPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        List<string> added = [], reset = [], removed = [], routes = [], kept = [];
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var peer in plan.Peers)
        {
            planned.Add(peer.Key);
            if (!peer.IsValid)
            {
                kept.Add(peer.Key);
            }
        }

        // Removals first, so an address moving between peers is free again.
        foreach (var key in _applied.Keys.Where(k => !planned.Contains(k)).ToList())
        {
            await speaker.RemovePeerAsync(_applied[key].Peer.Address, cancellationToken).ConfigureAwait(false);
            _applied.Remove(key);
            removed.Add(key);
        }

        foreach (var peer in plan.Peers)
        {
            if (!peer.IsValid)
            {
                continue;
            }

            var desired = peer.Peer!;
            if (_applied.TryGetValue(peer.Key, out var current))
            {
                if (current.Peer.Equals(desired))
                {
                    if (!SameRoutes(current.Routes, peer.Routes))
                    {
                        await speaker.SetPeerRoutesAsync(desired.Address, peer.Routes, cancellationToken).ConfigureAwait(false);
                        _applied[peer.Key] = (desired, peer.Routes);
                        routes.Add(peer.Key);
                    }

                    continue;
                }

                await speaker.RemovePeerAsync(current.Peer.Address, cancellationToken).ConfigureAwait(false);
                _applied.Remove(peer.Key);
                reset.Add(peer.Key);
            }
            else
            {
                added.Add(peer.Key);
            }

            var other = _applied.FirstOrDefault(p => p.Value.Peer.Address.Equals(desired.Address));
            if (other.Key is not null)
            {
                // Another key still holds the address (renamed peer): it goes now.
                await speaker.RemovePeerAsync(desired.Address, cancellationToken).ConfigureAwait(false);
                _applied.Remove(other.Key);
                removed.Add(other.Key);
            }

            // The routes are set before the session can reach Established (that takes network round trips), so the initial table holds them.
            await speaker.AddPeerAsync(PeerConfigMapper.ToPeerConfig(desired, idleHoldTime, extendedMessages), cancellationToken).ConfigureAwait(false);
            await speaker.SetPeerRoutesAsync(desired.Address, peer.Routes, cancellationToken).ConfigureAwait(false);
            _applied[peer.Key] = (desired, peer.Routes);
        }

        return new ReconcileResult(added, reset, removed, routes, kept);
    }

    private static bool SameRoutes(IReadOnlyDictionary<Prefix, PathAttributes> a, IReadOnlyDictionary<Prefix, PathAttributes> b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (prefix, attributes) in a)
        {
            if (!b.TryGetValue(prefix, out var other) || !(ReferenceEquals(attributes, other) || attributes.Equals(other)))
            {
                return false;
            }
        }

        return true;
    }
}
