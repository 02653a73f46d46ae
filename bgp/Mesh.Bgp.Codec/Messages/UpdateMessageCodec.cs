using System.Buffers.Binary;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Messages;

/// <summary>UPDATE body (RFC 4271 §4.3) with RFC 7606 error handling.</summary>
internal static class UpdateMessageCodec
{
    /// <summary>
    /// Decodes an UPDATE body. On treat-as-withdraw the returned message withdraws every prefix the UPDATE
    /// named (IPv4 ones in <see cref="UpdateMessage.Withdrawn"/>, IPv6 ones in MP_UNREACH_NLRI) and carries no
    /// other attributes; the error explains why. On attribute-discard the message lacks the bad attribute.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> body, BgpCodecContext context, out BgpMessage? message, out BgpDecodeError? error)
    {
        message = null;
        var withdrawnLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (2 + withdrawnLength + 2 > body.Length)
        {
            error = BgpDecodeError.Update(UpdateMessageError.MalformedAttributeList, default, BgpErrorAction.SessionReset, "withdrawn routes length overruns the UPDATE");
            return false;
        }

        var attributesLength = BinaryPrimitives.ReadUInt16BigEndian(body[(2 + withdrawnLength)..]);
        var attributesStart = 4 + withdrawnLength;
        if (attributesStart + attributesLength > body.Length)
        {
            error = BgpDecodeError.Update(UpdateMessageError.MalformedAttributeList, default, BgpErrorAction.SessionReset, "total path attribute length overruns the UPDATE");
            return false;
        }

        // RFC 7606 §5.3: prefixes that cannot be parsed leave nothing safe to withdraw → session reset.
        if (!NlriCodec.TryRead(body.Slice(2, withdrawnLength), isIPv6: false, out var withdrawn) ||
            !NlriCodec.TryRead(body[(attributesStart + attributesLength)..], isIPv6: false, out var nlri))
        {
            error = BgpDecodeError.Update(UpdateMessageError.InvalidNetworkField, default, BgpErrorAction.SessionReset, "invalid prefix in withdrawn routes or NLRI");
            return false;
        }

        var errors = new UpdateErrorCollector();
        var attributes = PathAttributeCodec.Read(body.Slice(attributesStart, attributesLength), context, errors);
        if (errors.IsSessionReset)
        {
            error = errors.Worst;
            return false;
        }

        CheckMandatory(attributes, nlri, context, errors);
        error = errors.Worst;
        message = error?.Action == BgpErrorAction.TreatAsWithdraw
            ? AsWithdrawal(withdrawn, attributes, nlri)
            : new UpdateMessage(withdrawn, attributes, nlri);
        return true;
    }

    /// <summary>RFC 4271 §5 and RFC 7606 §3(d): a missing well-known mandatory attribute is treat-as-withdraw.</summary>
    private static void CheckMandatory(PathAttributes attributes, ValueArray<Prefix> nlri, BgpCodecContext context, UpdateErrorCollector errors)
    {
        var reachable = !nlri.IsEmpty || attributes.MpReach is { Nlri.IsEmpty: false };
        if (!reachable)
        {
            return;
        }

        if (attributes.Origin is null)
        {
            Missing(PathAttributeType.Origin, errors);
        }

        if (attributes.AsPath is null)
        {
            Missing(PathAttributeType.AsPath, errors);
        }

        // RFC 4760 §3: NLRI carried only in MP_REACH_NLRI needs no NEXT_HOP.
        if (!nlri.IsEmpty && attributes.NextHop is null)
        {
            Missing(PathAttributeType.NextHop, errors);
        }

        // RFC 4271 §5.1.5: LOCAL_PREF is mandatory between internal peers.
        if (context.Ibgp && attributes.LocalPref is null)
        {
            Missing(PathAttributeType.LocalPref, errors);
        }
    }

    private static void Missing(PathAttributeType type, UpdateErrorCollector errors) =>
        errors.Report(UpdateMessageError.MissingWellKnownAttribute, [(byte)type], BgpErrorAction.TreatAsWithdraw, $"missing well-known attribute {type}");

    /// <summary>Every prefix the UPDATE mentioned, as withdrawals grouped by family.</summary>
    private static UpdateMessage AsWithdrawal(ValueArray<Prefix> withdrawn, PathAttributes attributes, ValueArray<Prefix> nlri)
    {
        var ipv4 = new List<Prefix>(withdrawn.Count + nlri.Count);
        var ipv6 = new List<Prefix>();
        ipv4.AddRange(withdrawn);
        ipv4.AddRange(nlri);
        foreach (var prefix in attributes.MpReach?.Nlri ?? default)
        {
            (prefix.IsIPv6 ? ipv6 : ipv4).Add(prefix);
        }

        foreach (var prefix in attributes.MpUnreach?.Withdrawn ?? default)
        {
            (prefix.IsIPv6 ? ipv6 : ipv4).Add(prefix);
        }

        var unreach = ipv6.Count == 0 ? null : new MpUnreachNlri(AfiSafi.IPv6Unicast, ipv6.ToArray());
        return new UpdateMessage(ipv4.ToArray(), new PathAttributes { MpUnreach = unreach }, default);
    }

    public static int MeasureBody(UpdateMessage update, BgpCodecContext context) =>
        4 + NlriCodec.Measure(update.Withdrawn.AsSpan()) + PathAttributeCodec.Measure(update.Attributes, context) + NlriCodec.Measure(update.Nlri.AsSpan());

    public static int WriteBody(Span<byte> destination, UpdateMessage update, BgpCodecContext context)
    {
        var withdrawnLength = NlriCodec.Write(destination[2..], update.Withdrawn.AsSpan());
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)withdrawnLength);
        var pos = 2 + withdrawnLength;
        var attributesLength = PathAttributeCodec.Write(destination[(pos + 2)..], update.Attributes, context);
        BinaryPrimitives.WriteUInt16BigEndian(destination[pos..], (ushort)attributesLength);
        pos += 2 + attributesLength;
        return pos + NlriCodec.Write(destination[pos..], update.Nlri.AsSpan());
    }
}
