using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>
/// UPDATE (RFC 4271 §4.3): IPv4 withdrawn routes, path attributes (which carry MP_REACH/MP_UNREACH for
/// IPv6, RFC 4760) and IPv4 NLRI.
/// </summary>
public sealed record UpdateMessage(ValueArray<Prefix> Withdrawn, PathAttributes Attributes, ValueArray<Prefix> Nlri) : BgpMessage
{
    public override BgpMessageType Type => BgpMessageType.Update;

    /// <summary>
    /// The End-of-RIB marker (RFC 4724 §2): an empty UPDATE for IPv4 unicast, an UPDATE with only an empty
    /// MP_UNREACH_NLRI for the other families.
    /// </summary>
    public static UpdateMessage EndOfRib(AfiSafi family) => family == AfiSafi.IPv4Unicast
        ? new UpdateMessage(default, PathAttributes.Empty, default)
        : new UpdateMessage(default, new PathAttributes { MpUnreach = new MpUnreachNlri(family, default) }, default);

    /// <summary>Every reachable prefix: IPv4 NLRI followed by MP_REACH_NLRI prefixes.</summary>
    public ValueArray<Prefix> Announced => Concat(Nlri, Attributes.MpReach?.Nlri ?? default);

    /// <summary>Every withdrawn prefix: IPv4 Withdrawn Routes followed by MP_UNREACH_NLRI prefixes.</summary>
    public ValueArray<Prefix> AllWithdrawn => Concat(Withdrawn, Attributes.MpUnreach?.Withdrawn ?? default);

    private static ValueArray<Prefix> Concat(ValueArray<Prefix> first, ValueArray<Prefix> second)
    {
        if (second.IsEmpty)
        {
            return first;
        }

        if (first.IsEmpty)
        {
            return second;
        }

        var all = new Prefix[first.Count + second.Count];
        first.AsSpan().CopyTo(all);
        second.AsSpan().CopyTo(all.AsSpan(first.Count));
        return all;
    }

    public bool IsEndOfRib(out AfiSafi family)
    {
        family = AfiSafi.IPv4Unicast;
        if (!Withdrawn.IsEmpty || !Nlri.IsEmpty)
        {
            return false;
        }

        if (Attributes == PathAttributes.Empty)
        {
            return true;
        }

        if (Attributes.MpUnreach is { Withdrawn.IsEmpty: true } unreach &&
            Attributes == new PathAttributes { MpUnreach = unreach })
        {
            family = unreach.Family;
            return true;
        }

        return false;
    }
}
