using System.Net;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>
/// The path attributes of one UPDATE as an immutable value with structural equality (so that the
/// Adj-RIB-Out can group prefixes by attribute set). Absent attributes are null or empty.
/// </summary>
public sealed record PathAttributes
{
    public static PathAttributes Empty { get; } = new();

    public Origin? Origin { get; init; }

    public AsPath? AsPath { get; init; }

    /// <summary>NEXT_HOP for IPv4 NLRI (RFC 4271 §5.1.3).</summary>
    public IPAddress? NextHop { get; init; }

    public uint? MultiExitDisc { get; init; }

    public uint? LocalPref { get; init; }

    public bool AtomicAggregate { get; init; }

    public Aggregator? Aggregator { get; init; }

    public ValueArray<Community> Communities { get; init; }

    public ValueArray<LargeCommunity> LargeCommunities { get; init; }

    public ValueArray<ExtendedCommunity> ExtendedCommunities { get; init; }

    public MpReachNlri? MpReach { get; init; }

    public MpUnreachNlri? MpUnreach { get; init; }

    /// <summary>Unrecognised attributes in the order received.</summary>
    public ValueArray<UnknownAttribute> Unknown { get; init; }
}
