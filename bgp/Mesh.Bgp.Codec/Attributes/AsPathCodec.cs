using System.Buffers.Binary;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>AS_PATH / AS4_PATH segments (RFC 4271 §4.3, RFC 6793 §3-§4) in 2- or 4-octet encoding.</summary>
internal static class AsPathCodec
{
    private const int MaxSegmentAsns = byte.MaxValue;

    /// <summary>
    /// Parses segments. Malformed (RFC 7606 §7.2): unknown segment type, zero segment length, a segment
    /// overrunning the attribute, AS 0 (RFC 7607); confederation segments when <paramref name="allowConfed"/> is false.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> value, bool fourOctet, bool allowConfed, out AsPath path)
    {
        path = AsPath.Empty;
        var asnSize = fourOctet ? 4 : 2;
        var count = 0;
        for (var scan = 0; scan < value.Length;)
        {
            if (value.Length - scan < 2 || value[scan + 1] == 0)
            {
                return false;
            }

            scan += 2 + (value[scan + 1] * asnSize);
            if (scan > value.Length)
            {
                return false;
            }

            count++;
        }

        if (count == 0)
        {
            return true;
        }

        var segments = new AsPathSegment[count];
        var pos = 0;
        for (var i = 0; i < count; i++)
        {
            var type = (AsPathSegmentType)value[pos];
            if (type is not (AsPathSegmentType.AsSet or AsPathSegmentType.AsSequence) &&
                (!allowConfed || type is not (AsPathSegmentType.AsConfedSequence or AsPathSegmentType.AsConfedSet)))
            {
                return false;
            }

            var asns = new uint[value[pos + 1]];
            pos += 2;
            for (var j = 0; j < asns.Length; j++, pos += asnSize)
            {
                asns[j] = fourOctet ? BinaryPrimitives.ReadUInt32BigEndian(value[pos..]) : BinaryPrimitives.ReadUInt16BigEndian(value[pos..]);

                // RFC 7607 §2: AS 0 in a path makes the attribute malformed.
                if (asns[j] == 0)
                {
                    return false;
                }
            }

            segments[i] = new AsPathSegment(type, asns);
        }

        path = new AsPath(segments);
        return true;
    }

    /// <summary>Value length; segments longer than 255 AS numbers are split (RFC 4271 §5.1.2 limits a segment to 255).</summary>
    public static int MeasureValue(AsPath path, bool fourOctet, bool skipConfed)
    {
        var asnSize = fourOctet ? 4 : 2;
        var length = 0;
        foreach (var segment in path.Segments)
        {
            if (skipConfed && IsConfed(segment.Type))
            {
                continue;
            }

            var asns = segment.Asns.Count;
            var chunks = Math.Max(1, (asns + MaxSegmentAsns - 1) / MaxSegmentAsns);
            length += (chunks * 2) + (asns * asnSize);
        }

        return length;
    }

    /// <summary>
    /// Writes segments. With 2-octet encoding, AS numbers above 65535 become AS_TRANS (RFC 6793 §4.2.2);
    /// <paramref name="skipConfed"/> drops confederation segments, which AS4_PATH must not carry (RFC 6793 §3).
    /// </summary>
    public static int WriteValue(Span<byte> destination, AsPath path, bool fourOctet, bool skipConfed)
    {
        var pos = 0;
        foreach (var segment in path.Segments)
        {
            if (skipConfed && IsConfed(segment.Type))
            {
                continue;
            }

            var asns = segment.Asns.AsSpan();
            do
            {
                var chunk = asns[..Math.Min(asns.Length, MaxSegmentAsns)];
                destination[pos++] = (byte)segment.Type;
                destination[pos++] = (byte)chunk.Length;
                foreach (var asn in chunk)
                {
                    if (fourOctet)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(destination[pos..], asn);
                        pos += 4;
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(destination[pos..], asn > ushort.MaxValue ? BgpConstants.AsTrans : (ushort)asn);
                        pos += 2;
                    }
                }

                asns = asns[chunk.Length..];
            }
            while (!asns.IsEmpty);
        }

        return pos;
    }

    /// <summary>
    /// RFC 6793 §4.2.3: when AS_PATH counts fewer ASes than AS4_PATH, AS4_PATH is ignored; otherwise the
    /// leading ASes of AS_PATH that AS4_PATH lacks are kept and AS4_PATH supplies the rest.
    /// </summary>
    public static AsPath Merge(AsPath asPath, AsPath as4Path)
    {
        var need = asPath.PathLength - as4Path.PathLength;
        if (need < 0)
        {
            return asPath;
        }

        var merged = new List<AsPathSegment>(asPath.Segments.Count + as4Path.Segments.Count);
        foreach (var segment in asPath.Segments)
        {
            if (IsConfed(segment.Type))
            {
                merged.Add(segment);
                continue;
            }

            if (need == 0)
            {
                break;
            }

            if (segment.Type == AsPathSegmentType.AsSet)
            {
                merged.Add(segment);
                need--;
                continue;
            }

            var take = Math.Min(need, segment.Asns.Count);
            merged.Add(take == segment.Asns.Count ? segment : new AsPathSegment(segment.Type, segment.Asns.AsSpan()[..take].ToArray()));
            need -= take;
        }

        foreach (var segment in as4Path.Segments)
        {
            merged.Add(segment);
        }

        return merged.Count == 0 ? AsPath.Empty : new AsPath(merged.ToArray());
    }

    private static bool IsConfed(AsPathSegmentType type) => type is AsPathSegmentType.AsConfedSequence or AsPathSegmentType.AsConfedSet;
}
