namespace Mesh.Bgp.Codec.Attributes;

/// <summary>One AS_PATH segment; AS numbers are always held as 4-octet values, whatever the wire encoding.</summary>
public sealed record AsPathSegment(AsPathSegmentType Type, ValueArray<uint> Asns)
{
    /// <summary>Contribution to the path length (RFC 4271 §9.1.2.2: a set counts 1; RFC 5065 §5.3: confed segments 0).</summary>
    public int PathLength => Type switch
    {
        AsPathSegmentType.AsSequence => Asns.Count,
        AsPathSegmentType.AsSet => 1,
        _ => 0,
    };

    public override string ToString() => Type switch
    {
        AsPathSegmentType.AsSet => "{" + string.Join(",", Asns) + "}",
        AsPathSegmentType.AsConfedSequence => "(" + string.Join(" ", Asns) + ")",
        AsPathSegmentType.AsConfedSet => "[" + string.Join(",", Asns) + "]",
        _ => string.Join(" ", Asns),
    };
}
