using System.Buffers;
using System.Buffers.Binary;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Packing;

/// <summary>
/// Packs many prefixes that share one attribute set into as few UPDATEs as the negotiated maximum message
/// size allows (4096, or 65535 with RFC 8654), writing complete messages one after another. A 4 KB UPDATE
/// holds about 1,000 IPv4 /24s; sending one UPDATE per prefix is what makes live GoBGP 25× slower than BIRD.
/// </summary>
public static class UpdatePacker
{
    private const int UpdateFixedLength = BgpConstants.HeaderLength + 4;

    /// <summary>
    /// Announces <paramref name="prefixes"/> (one family) with <paramref name="attributes"/>. IPv4 prefixes go
    /// into the NLRI field and need <see cref="PathAttributes.NextHop"/>, unless <see cref="PathAttributes.MpReach"/>
    /// is set (RFC 8950 IPv6 next hop). IPv6 prefixes need <see cref="PathAttributes.MpReach"/> as a template
    /// giving the next hops; its own NLRI is replaced by the packed batch. Returns the number of UPDATEs written.
    /// </summary>
    public static int WriteAnnouncements(IBufferWriter<byte> writer, PathAttributes attributes, ReadOnlySpan<Prefix> prefixes, BgpCodecContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(attributes);
        if (prefixes.IsEmpty)
        {
            return 0;
        }

        var ipv6 = RequireSingleFamily(prefixes);
        var max = context.MaxMessageLength;
        if (attributes.MpReach is null)
        {
            if (ipv6)
            {
                throw new ArgumentException("IPv6 prefixes need an MP_REACH_NLRI template with the next hop.", nameof(attributes));
            }

            return WriteIPv4Announcements(writer, attributes with { MpUnreach = null }, prefixes, context, max);
        }

        if (attributes.MpReach.Family.Afi == Afi.IPv6 != ipv6)
        {
            throw new ArgumentException("MP_REACH_NLRI family does not match the prefixes.", nameof(attributes));
        }

        var template = attributes with { MpUnreach = null, NextHop = null };
        var others = PathAttributeCodec.Measure(template with { MpReach = null }, context);
        var reachFixed = 5 + template.MpReach!.NextHopLength;
        var messages = 0;
        while (!prefixes.IsEmpty)
        {
            var count = 0;
            var nlriBytes = 0;
            while (count < prefixes.Length)
            {
                var next = nlriBytes + prefixes[count].EncodedLength;
                if (UpdateFixedLength + others + AttributeWire.Measure(reachFixed + next) > max)
                {
                    break;
                }

                nlriBytes = next;
                count++;
            }

            EnsureProgress(count);
            var batch = prefixes[..count];
            var attributesLength = others + AttributeWire.Measure(reachFixed + nlriBytes);
            var length = UpdateFixedLength + attributesLength;
            var span = writer.GetSpan(length)[..length];
            BgpMessageCodec.WriteHeader(span, length, BgpMessageType.Update);
            BinaryPrimitives.WriteUInt16BigEndian(span[19..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(span[21..], (ushort)attributesLength);
            PathAttributeCodec.Write(span[UpdateFixedLength..], template, context, batch, default);
            writer.Advance(length);
            prefixes = prefixes[count..];
            messages++;
        }

        return messages;
    }

    private static int WriteIPv4Announcements(IBufferWriter<byte> writer, PathAttributes attributes, ReadOnlySpan<Prefix> prefixes, BgpCodecContext context, int max)
    {
        if (attributes.NextHop is null)
        {
            throw new ArgumentException("IPv4 NLRI needs a NEXT_HOP attribute.", nameof(attributes));
        }

        // The attribute block is identical in every message: encode it once and copy it.
        var attributesLength = PathAttributeCodec.Measure(attributes, context);
        var encoded = ArrayPool<byte>.Shared.Rent(Math.Max(attributesLength, 1));
        try
        {
            PathAttributeCodec.Write(encoded, attributes, context);
            var room = max - UpdateFixedLength - attributesLength;
            var messages = 0;
            while (!prefixes.IsEmpty)
            {
                var count = Fit(prefixes, room, out var nlriBytes);
                EnsureProgress(count);
                var length = UpdateFixedLength + attributesLength + nlriBytes;
                var span = writer.GetSpan(length)[..length];
                BgpMessageCodec.WriteHeader(span, length, BgpMessageType.Update);
                BinaryPrimitives.WriteUInt16BigEndian(span[19..], 0);
                BinaryPrimitives.WriteUInt16BigEndian(span[21..], (ushort)attributesLength);
                encoded.AsSpan(0, attributesLength).CopyTo(span[UpdateFixedLength..]);
                NlriCodec.Write(span[(UpdateFixedLength + attributesLength)..], prefixes[..count]);
                writer.Advance(length);
                prefixes = prefixes[count..];
                messages++;
            }

            return messages;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    /// <summary>
    /// Withdraws <paramref name="prefixes"/> (one family): IPv4 in the Withdrawn Routes field, IPv6 in
    /// MP_UNREACH_NLRI. Withdrawals carry no attributes, so they always pack fully. Returns the UPDATE count.
    /// </summary>
    public static int WriteWithdrawals(IBufferWriter<byte> writer, ReadOnlySpan<Prefix> prefixes, BgpCodecContext context)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (prefixes.IsEmpty)
        {
            return 0;
        }

        var ipv6 = RequireSingleFamily(prefixes);
        var max = context.MaxMessageLength;
        var messages = 0;
        while (!prefixes.IsEmpty)
        {
            int count;
            int length;
            Span<byte> span;
            if (!ipv6)
            {
                count = Fit(prefixes, max - UpdateFixedLength, out var withdrawnBytes);
                length = UpdateFixedLength + withdrawnBytes;
                span = writer.GetSpan(length)[..length];
                BinaryPrimitives.WriteUInt16BigEndian(span[19..], (ushort)withdrawnBytes);
                NlriCodec.Write(span[21..], prefixes[..count]);
                BinaryPrimitives.WriteUInt16BigEndian(span[(21 + withdrawnBytes)..], 0);
            }
            else
            {
                count = 0;
                var nlriBytes = 0;
                while (count < prefixes.Length)
                {
                    var next = nlriBytes + prefixes[count].EncodedLength;
                    if (UpdateFixedLength + AttributeWire.Measure(3 + next) > max)
                    {
                        break;
                    }

                    nlriBytes = next;
                    count++;
                }

                var attributeLength = AttributeWire.Measure(3 + nlriBytes);
                length = UpdateFixedLength + attributeLength;
                span = writer.GetSpan(length)[..length];
                BinaryPrimitives.WriteUInt16BigEndian(span[19..], 0);
                BinaryPrimitives.WriteUInt16BigEndian(span[21..], (ushort)attributeLength);
                var pos = UpdateFixedLength + AttributeWire.WriteHeader(span[UpdateFixedLength..], AttributeWire.OptionalNonTransitive, (byte)PathAttributeType.MpUnreachNlri, 3 + nlriBytes);
                MpNlriCodec.WriteUnreachValue(span[pos..], AfiSafi.IPv6Unicast, prefixes[..count]);
            }

            BgpMessageCodec.WriteHeader(span, length, BgpMessageType.Update);
            writer.Advance(length);
            prefixes = prefixes[count..];
            messages++;
        }

        return messages;
    }

    private static int Fit(ReadOnlySpan<Prefix> prefixes, int room, out int bytes)
    {
        bytes = 0;
        var count = 0;
        while (count < prefixes.Length && bytes + prefixes[count].EncodedLength <= room)
        {
            bytes += prefixes[count].EncodedLength;
            count++;
        }

        return count;
    }

    private static bool RequireSingleFamily(ReadOnlySpan<Prefix> prefixes)
    {
        var ipv6 = prefixes[0].IsIPv6;
        foreach (var prefix in prefixes)
        {
            if (prefix.IsIPv6 != ipv6)
            {
                throw new ArgumentException("All prefixes of one call must share an address family.", nameof(prefixes));
            }
        }

        return ipv6;
    }

    private static void EnsureProgress(int count)
    {
        if (count == 0)
        {
            throw new ArgumentException("The path attributes leave no room for a single prefix in one UPDATE.");
        }
    }
}
