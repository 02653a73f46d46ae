using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Rib.In;

/// <summary>
/// Routes received from one peer, after RFC 7606 handling by the codec (treat-as-withdraw arrives as
/// withdrawals). Kept and shown, never installed. Owned by the RIB loop.
/// </summary>
public sealed class AdjRibIn
{
    private readonly Dictionary<Prefix, ReceivedRoute> _routes = [];

    public int Count => _routes.Count;

    public IReadOnlyDictionary<Prefix, ReceivedRoute> Routes => _routes;

    /// <summary>Applies one UPDATE: withdrawals first, then announcements (RFC 4271 §9). Returns (announced, withdrawn).</summary>
    public (int Announced, int Withdrawn) Apply(UpdateMessage update, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(update);
        var withdrawn = 0;
        foreach (var prefix in update.AllWithdrawn)
        {
            if (_routes.Remove(prefix))
            {
                withdrawn++;
            }
        }

        var announced = update.Announced;
        if (announced.IsEmpty)
        {
            return (0, withdrawn);
        }

        // One attribute record shared by every prefix of the UPDATE, stripped of the NLRI lists.
        var source = update.Attributes;
        var attributes = source with
        {
            MpReach = source.MpReach is null ? null : source.MpReach with { Nlri = default },
            MpUnreach = null,
        };
        foreach (var prefix in announced)
        {
            _routes[prefix] = new ReceivedRoute(prefix, attributes, receivedAt);
        }

        return (announced.Count, withdrawn);
    }

    public void Clear() => _routes.Clear();
}
