namespace Mesh.Bgp.Codec.Attributes;

/// <summary>AS_PATH (RFC 4271 §5.1.2) as 4-octet AS numbers; an RFC 6793 AS4_PATH is already merged in.</summary>
public sealed record AsPath(ValueArray<AsPathSegment> Segments)
{
    /// <summary>The empty path of a locally originated route.</summary>
    public static AsPath Empty { get; } = new(default(ValueArray<AsPathSegment>));

    public static AsPath Sequence(params uint[] asns) =>
        asns.Length == 0 ? Empty : new AsPath(new[] { new AsPathSegment(AsPathSegmentType.AsSequence, asns) });

    public int PathLength
    {
        get
        {
            var length = 0;
            foreach (var segment in Segments)
            {
                length += segment.PathLength;
            }

            return length;
        }
    }

    /// <summary>True when some AS number needs 4 octets (RFC 6793 §4.2.2: then AS4_PATH is sent to old speakers).</summary>
    public bool HasFourOctetAsn
    {
        get
        {
            foreach (var segment in Segments)
            {
                foreach (var asn in segment.Asns)
                {
                    if (asn > ushort.MaxValue)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    public override string ToString() => string.Join(" ", Segments);
}
