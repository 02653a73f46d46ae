using System.Buffers.Binary;
using System.Net;
using Mesh.Bgp.Codec.Errors;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>
/// The Path Attributes field of an UPDATE: parsing with RFC 7606 error handling, and encoding with
/// MP_REACH/MP_UNREACH first (RFC 7606 §5.1) followed by the other attributes in type-code order.
/// </summary>
internal static class PathAttributeCodec
{
    /// <summary>
    /// Parses every attribute, reporting errors to <paramref name="errors"/> with the RFC 7606 action;
    /// malformed attributes are left out of the result. Stops at the first session-reset error.
    /// </summary>
    public static PathAttributes Read(ReadOnlySpan<byte> section, BgpCodecContext context, UpdateErrorCollector errors)
    {
        var builder = new Builder();
        Span<ulong> seen = stackalloc ulong[4];
        seen.Clear();
        var pos = 0;
        while (pos < section.Length)
        {
            var remaining = section.Length - pos;
            var flags = (PathAttributeFlags)section[pos];
            var headerLength = (flags & PathAttributeFlags.ExtendedLength) != 0 ? 4 : 3;
            if (remaining < headerLength)
            {
                // RFC 7606 §4: too few octets left for an attribute header → treat-as-withdraw.
                errors.Report(UpdateMessageError.MalformedAttributeList, default, BgpErrorAction.TreatAsWithdraw, "truncated attribute header");
                break;
            }

            var typeCode = section[pos + 1];
            var valueLength = headerLength == 4 ? BinaryPrimitives.ReadUInt16BigEndian(section[(pos + 2)..]) : section[pos + 2];
            if (headerLength + valueLength > remaining)
            {
                // RFC 7606 §4: an attribute overrunning the Total Attribute Length → treat-as-withdraw, unless the
                // overrun attribute is MP_(UN)REACH_NLRI: then NLRI may be lost and only a reset is safe (RFC 7606 §5.3).
                var action = typeCode is (byte)PathAttributeType.MpReachNlri or (byte)PathAttributeType.MpUnreachNlri
                    ? BgpErrorAction.SessionReset
                    : BgpErrorAction.TreatAsWithdraw;
                errors.Report(UpdateMessageError.MalformedAttributeList, default, action, $"attribute {typeCode} length {valueLength} overruns the path attributes");
                break;
            }

            var raw = section.Slice(pos, headerLength + valueLength);
            var value = raw[headerLength..];
            pos += raw.Length;

            ref var word = ref seen[typeCode >> 6];
            var bit = 1UL << (typeCode & 63);
            if ((word & bit) != 0)
            {
                if (typeCode is (byte)PathAttributeType.MpReachNlri or (byte)PathAttributeType.MpUnreachNlri)
                {
                    errors.Report(UpdateMessageError.MalformedAttributeList, default, BgpErrorAction.SessionReset, $"attribute {typeCode} appears twice");
                    break;
                }

                // RFC 7606 §3(g): other repeated attributes are discarded, the first occurrence is kept.
                errors.Report(UpdateMessageError.MalformedAttributeList, raw, BgpErrorAction.AttributeDiscard, $"attribute {typeCode} appears twice");
                continue;
            }

            word |= bit;
            ReadOne(flags, typeCode, value, raw, context, builder, errors);
            if (errors.IsSessionReset)
            {
                break;
            }
        }

        return builder.Build(context);
    }

    private static void ReadOne(
        PathAttributeFlags flags, byte typeCode, ReadOnlySpan<byte> value, ReadOnlySpan<byte> raw,
        BgpCodecContext context, Builder builder, UpdateErrorCollector errors)
    {
        var type = (PathAttributeType)typeCode;
        var expected = ExpectedFlags(type);
        if (expected is null)
        {
            if ((flags & PathAttributeFlags.Optional) == 0)
            {
                errors.Report(UpdateMessageError.UnrecognizedWellKnownAttribute, raw, BgpErrorAction.SessionReset, $"unrecognized well-known attribute {typeCode}");
                return;
            }

            // Keep the category bits; an optional transitive one is marked Partial now, as it will be when
            // passed on (RFC 4271 §5), so that decode and encode agree. Unused low bits are ignored on receipt.
            var kept = flags & (PathAttributeFlags.Optional | PathAttributeFlags.Transitive | PathAttributeFlags.Partial);
            if ((kept & PathAttributeFlags.Transitive) != 0)
            {
                kept |= PathAttributeFlags.Partial;
            }

            builder.Unknown ??= [];
            builder.Unknown.Add(new UnknownAttribute(typeCode, kept, value.ToArray()));
            return;
        }

        var malformedAction = MalformedAction(type);
        const PathAttributeFlags CategoryBits = PathAttributeFlags.Optional | PathAttributeFlags.Transitive;
        if ((flags & CategoryBits) != expected.Value)
        {
            // RFC 7606 §3(c): wrong Optional/Transitive bits make the attribute malformed.
            errors.Report(UpdateMessageError.AttributeFlagsError, raw, malformedAction, $"attribute {type} has flags 0x{(byte)flags:x2}");
            return;
        }

        switch (type)
        {
            case PathAttributeType.Origin:
                if (value.Length != 1)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, "ORIGIN length is not 1");
                }
                else if (value[0] > (byte)Origin.Incomplete)
                {
                    errors.Report(UpdateMessageError.InvalidOriginAttribute, raw, malformedAction, $"ORIGIN value {value[0]} is undefined");
                }
                else
                {
                    builder.Origin = (Origin)value[0];
                }

                break;
            case PathAttributeType.AsPath:
                // RFC 7606 §7.2: confederation segments from an external peer make AS_PATH malformed.
                if (AsPathCodec.TryRead(value, context.FourOctetAsn, allowConfed: context.Ibgp, out var asPath))
                {
                    builder.AsPath = asPath;
                }
                else
                {
                    errors.Report(UpdateMessageError.MalformedAsPath, default, malformedAction, "malformed AS_PATH");
                }

                break;
            case PathAttributeType.NextHop:
                if (value.Length != 4)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, "NEXT_HOP length is not 4");
                    break;
                }

                // RFC 4271 §6.3: a syntactically incorrect next hop (unspecified or multicast) is Invalid NEXT_HOP.
                var nextHop = BinaryPrimitives.ReadUInt32BigEndian(value);
                if (nextHop == 0 || (nextHop >> 28) == 0xE)
                {
                    errors.Report(UpdateMessageError.InvalidNextHopAttribute, raw, malformedAction, "NEXT_HOP is not a unicast address");
                    break;
                }

                builder.NextHop = new IPAddress(value);
                break;
            case PathAttributeType.MultiExitDisc:
            case PathAttributeType.LocalPref:
                if (value.Length != 4)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, $"{type} length is not 4");
                }
                else if (type == PathAttributeType.MultiExitDisc)
                {
                    builder.Med = BinaryPrimitives.ReadUInt32BigEndian(value);
                }
                else
                {
                    builder.LocalPref = BinaryPrimitives.ReadUInt32BigEndian(value);
                }

                break;
            case PathAttributeType.AtomicAggregate:
                if (value.Length != 0)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, "ATOMIC_AGGREGATE length is not 0");
                }
                else
                {
                    builder.AtomicAggregate = true;
                }

                break;
            case PathAttributeType.Aggregator:
                var aggregatorLength = context.FourOctetAsn ? 8 : 6;
                if (value.Length != aggregatorLength)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, $"AGGREGATOR length is not {aggregatorLength}");
                }
                else
                {
                    var asn = context.FourOctetAsn ? BinaryPrimitives.ReadUInt32BigEndian(value) : BinaryPrimitives.ReadUInt16BigEndian(value);
                    if (asn == 0)
                    {
                        // RFC 7607 §2: AS 0 as aggregator → attribute discard.
                        errors.Report(UpdateMessageError.OptionalAttributeError, raw, malformedAction, "AGGREGATOR AS is 0");
                        break;
                    }

                    builder.Aggregator = new Aggregator(asn, new IPAddress(value[(aggregatorLength - 4)..]));
                }

                break;
            case PathAttributeType.As4Aggregator:
                if (context.FourOctetAsn)
                {
                    break; // RFC 6793 §4.1: between 4-octet speakers it is discarded.
                }

                if (value.Length != 8)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, "AS4_AGGREGATOR length is not 8");
                }
                else if (BinaryPrimitives.ReadUInt32BigEndian(value) == 0)
                {
                    errors.Report(UpdateMessageError.OptionalAttributeError, raw, malformedAction, "AS4_AGGREGATOR AS is 0");
                }
                else
                {
                    builder.As4Aggregator = new Aggregator(BinaryPrimitives.ReadUInt32BigEndian(value), new IPAddress(value[4..]));
                }

                break;
            case PathAttributeType.As4Path:
                if (context.FourOctetAsn)
                {
                    break; // RFC 6793 §4.1
                }

                if (AsPathCodec.TryRead(value, fourOctet: true, allowConfed: false, out var as4Path))
                {
                    builder.As4Path = as4Path;
                }
                else
                {
                    errors.Report(UpdateMessageError.OptionalAttributeError, raw, malformedAction, "malformed AS4_PATH");
                }

                break;
            case PathAttributeType.Communities:
                if (value.IsEmpty || value.Length % 4 != 0)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, "COMMUNITIES length is not a non-zero multiple of 4");
                    break;
                }

                var communities = new Community[value.Length / 4];
                for (var i = 0; i < communities.Length; i++)
                {
                    communities[i] = new Community(BinaryPrimitives.ReadUInt32BigEndian(value[(i * 4)..]));
                }

                builder.Communities = communities;
                break;
            case PathAttributeType.ExtendedCommunities:
                if (value.IsEmpty || value.Length % 8 != 0)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, "EXTENDED_COMMUNITIES length is not a non-zero multiple of 8");
                    break;
                }

                var extended = new ExtendedCommunity[value.Length / 8];
                for (var i = 0; i < extended.Length; i++)
                {
                    extended[i] = new ExtendedCommunity(BinaryPrimitives.ReadUInt64BigEndian(value[(i * 8)..]));
                }

                builder.ExtendedCommunities = extended;
                break;
            case PathAttributeType.LargeCommunities:
                if (value.IsEmpty || value.Length % 12 != 0)
                {
                    errors.Report(UpdateMessageError.AttributeLengthError, raw, malformedAction, "LARGE_COMMUNITY length is not a non-zero multiple of 12");
                    break;
                }

                var large = new LargeCommunity[value.Length / 12];
                for (var i = 0; i < large.Length; i++)
                {
                    var v = value[(i * 12)..];
                    large[i] = new LargeCommunity(
                        BinaryPrimitives.ReadUInt32BigEndian(v),
                        BinaryPrimitives.ReadUInt32BigEndian(v[4..]),
                        BinaryPrimitives.ReadUInt32BigEndian(v[8..]));
                }

                builder.LargeCommunities = large;
                break;
            case PathAttributeType.MpReachNlri:
                if (MpNlriCodec.TryReadReach(value, out var reach, out var reachError))
                {
                    builder.MpReach = reach;
                }
                else
                {
                    errors.Report(UpdateMessageError.OptionalAttributeError, raw, malformedAction, reachError);
                }

                break;
            case PathAttributeType.MpUnreachNlri:
                if (MpNlriCodec.TryReadUnreach(value, out var unreach, out var unreachError))
                {
                    builder.MpUnreach = unreach;
                }
                else
                {
                    errors.Report(UpdateMessageError.OptionalAttributeError, raw, malformedAction, unreachError);
                }

                break;
        }
    }

    /// <summary>The Optional/Transitive bits each recognised attribute must carry (RFC 4271 §5, RFC 4760, RFC 6793, RFC 8092).</summary>
    private static PathAttributeFlags? ExpectedFlags(PathAttributeType type) => type switch
    {
        PathAttributeType.Origin or PathAttributeType.AsPath or PathAttributeType.NextHop or
            PathAttributeType.LocalPref or PathAttributeType.AtomicAggregate => AttributeWire.WellKnown,
        PathAttributeType.MultiExitDisc or PathAttributeType.MpReachNlri or PathAttributeType.MpUnreachNlri => AttributeWire.OptionalNonTransitive,
        PathAttributeType.Aggregator or PathAttributeType.Communities or PathAttributeType.ExtendedCommunities or
            PathAttributeType.As4Path or PathAttributeType.As4Aggregator or PathAttributeType.LargeCommunities => AttributeWire.OptionalTransitive,
        _ => null,
    };

    /// <summary>RFC 7606 §7 (and RFC 6793 §6 for AS4_*, RFC 8092 §6 for LARGE_COMMUNITY): the action for a malformed attribute.</summary>
    internal static BgpErrorAction MalformedAction(PathAttributeType type) => type switch
    {
        PathAttributeType.AtomicAggregate or PathAttributeType.Aggregator or
            PathAttributeType.As4Path or PathAttributeType.As4Aggregator => BgpErrorAction.AttributeDiscard,
        PathAttributeType.MpReachNlri or PathAttributeType.MpUnreachNlri => BgpErrorAction.SessionReset,
        _ => BgpErrorAction.TreatAsWithdraw,
    };

    public static int Measure(PathAttributes attributes, BgpCodecContext context) =>
        Measure(attributes, context, attributes.MpReach is null ? default : attributes.MpReach.Nlri.AsSpan(),
            attributes.MpUnreach is null ? default : attributes.MpUnreach.Withdrawn.AsSpan());

    /// <summary>Size of the field, with <paramref name="reachNlri"/>/<paramref name="unreachNlri"/> replacing the MP attributes' prefixes.</summary>
    public static int Measure(PathAttributes a, BgpCodecContext context, ReadOnlySpan<Nlri.Prefix> reachNlri, ReadOnlySpan<Nlri.Prefix> unreachNlri)
    {
        var length = 0;
        if (a.MpReach is not null)
        {
            length += AttributeWire.Measure(MpNlriCodec.MeasureReachValue(a.MpReach, reachNlri));
        }

        if (a.MpUnreach is not null)
        {
            length += AttributeWire.Measure(MpNlriCodec.MeasureUnreachValue(unreachNlri));
        }

        if (a.Origin is not null)
        {
            length += 4;
        }

        if (a.AsPath is not null)
        {
            length += AttributeWire.Measure(AsPathCodec.MeasureValue(a.AsPath, context.FourOctetAsn, skipConfed: false));
        }

        length += a.NextHop is null ? 0 : 7;
        length += a.MultiExitDisc is null ? 0 : 7;
        length += a.LocalPref is null ? 0 : 7;
        length += a.AtomicAggregate ? 3 : 0;
        if (a.Aggregator is not null)
        {
            length += context.FourOctetAsn ? 11 : 9;
        }

        length += a.Communities.IsEmpty ? 0 : AttributeWire.Measure(a.Communities.Count * 4);
        length += a.ExtendedCommunities.IsEmpty ? 0 : AttributeWire.Measure(a.ExtendedCommunities.Count * 8);
        if (NeedsAs4Path(a, context))
        {
            length += AttributeWire.Measure(AsPathCodec.MeasureValue(a.AsPath!, fourOctet: true, skipConfed: true));
        }

        if (NeedsAs4Aggregator(a, context))
        {
            length += 11;
        }

        length += a.LargeCommunities.IsEmpty ? 0 : AttributeWire.Measure(a.LargeCommunities.Count * 12);
        foreach (var unknown in a.Unknown)
        {
            length += AttributeWire.Measure(unknown.Value.Count);
        }

        return length;
    }

    public static int Write(Span<byte> destination, PathAttributes attributes, BgpCodecContext context) =>
        Write(destination, attributes, context, attributes.MpReach is null ? default : attributes.MpReach.Nlri.AsSpan(),
            attributes.MpUnreach is null ? default : attributes.MpUnreach.Withdrawn.AsSpan());

    public static int Write(Span<byte> d, PathAttributes a, BgpCodecContext context, ReadOnlySpan<Nlri.Prefix> reachNlri, ReadOnlySpan<Nlri.Prefix> unreachNlri)
    {
        var pos = 0;
        if (a.MpReach is not null)
        {
            var valueLength = MpNlriCodec.MeasureReachValue(a.MpReach, reachNlri);
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalNonTransitive, (byte)PathAttributeType.MpReachNlri, valueLength);
            pos += MpNlriCodec.WriteReachValue(d[pos..], a.MpReach, reachNlri);
        }

        if (a.MpUnreach is not null)
        {
            var valueLength = MpNlriCodec.MeasureUnreachValue(unreachNlri);
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalNonTransitive, (byte)PathAttributeType.MpUnreachNlri, valueLength);
            pos += MpNlriCodec.WriteUnreachValue(d[pos..], a.MpUnreach.Family, unreachNlri);
        }

        if (a.Origin is { } origin)
        {
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.WellKnown, (byte)PathAttributeType.Origin, 1);
            d[pos++] = (byte)origin;
        }

        if (a.AsPath is not null)
        {
            var valueLength = AsPathCodec.MeasureValue(a.AsPath, context.FourOctetAsn, skipConfed: false);
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.WellKnown, (byte)PathAttributeType.AsPath, valueLength);
            pos += AsPathCodec.WriteValue(d[pos..], a.AsPath, context.FourOctetAsn, skipConfed: false);
        }

        if (a.NextHop is not null)
        {
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.WellKnown, (byte)PathAttributeType.NextHop, 4);
            if (!a.NextHop.TryWriteBytes(d[pos..(pos + 4)], out _))
            {
                throw new ArgumentException("NEXT_HOP must be an IPv4 address.", nameof(a));
            }

            pos += 4;
        }

        if (a.MultiExitDisc is { } med)
        {
            pos += AttributeWire.WriteUInt32(d[pos..], AttributeWire.OptionalNonTransitive, PathAttributeType.MultiExitDisc, med);
        }

        if (a.LocalPref is { } localPref)
        {
            pos += AttributeWire.WriteUInt32(d[pos..], AttributeWire.WellKnown, PathAttributeType.LocalPref, localPref);
        }

        if (a.AtomicAggregate)
        {
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.WellKnown, (byte)PathAttributeType.AtomicAggregate, 0);
        }

        if (a.Aggregator is not null)
        {
            var asn = a.Aggregator.Asn;
            if (context.FourOctetAsn)
            {
                pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalTransitive, (byte)PathAttributeType.Aggregator, 8);
                BinaryPrimitives.WriteUInt32BigEndian(d[pos..], asn);
                pos += 4;
            }
            else
            {
                pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalTransitive, (byte)PathAttributeType.Aggregator, 6);
                BinaryPrimitives.WriteUInt16BigEndian(d[pos..], asn > ushort.MaxValue ? BgpConstants.AsTrans : (ushort)asn);
                pos += 2;
            }

            pos += WriteIPv4(d[pos..], a.Aggregator.Address);
        }

        if (!a.Communities.IsEmpty)
        {
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalTransitive, (byte)PathAttributeType.Communities, a.Communities.Count * 4);
            foreach (var community in a.Communities)
            {
                BinaryPrimitives.WriteUInt32BigEndian(d[pos..], community.Value);
                pos += 4;
            }
        }

        if (!a.ExtendedCommunities.IsEmpty)
        {
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalTransitive, (byte)PathAttributeType.ExtendedCommunities, a.ExtendedCommunities.Count * 8);
            foreach (var community in a.ExtendedCommunities)
            {
                BinaryPrimitives.WriteUInt64BigEndian(d[pos..], community.Value);
                pos += 8;
            }
        }

        if (NeedsAs4Path(a, context))
        {
            var valueLength = AsPathCodec.MeasureValue(a.AsPath!, fourOctet: true, skipConfed: true);
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalTransitive, (byte)PathAttributeType.As4Path, valueLength);
            pos += AsPathCodec.WriteValue(d[pos..], a.AsPath!, fourOctet: true, skipConfed: true);
        }

        if (NeedsAs4Aggregator(a, context))
        {
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalTransitive, (byte)PathAttributeType.As4Aggregator, 8);
            BinaryPrimitives.WriteUInt32BigEndian(d[pos..], a.Aggregator!.Asn);
            pos += 4;
            pos += WriteIPv4(d[pos..], a.Aggregator.Address);
        }

        if (!a.LargeCommunities.IsEmpty)
        {
            pos += AttributeWire.WriteHeader(d[pos..], AttributeWire.OptionalTransitive, (byte)PathAttributeType.LargeCommunities, a.LargeCommunities.Count * 12);
            foreach (var community in a.LargeCommunities)
            {
                BinaryPrimitives.WriteUInt32BigEndian(d[pos..], community.GlobalAdministrator);
                BinaryPrimitives.WriteUInt32BigEndian(d[(pos + 4)..], community.LocalData1);
                BinaryPrimitives.WriteUInt32BigEndian(d[(pos + 8)..], community.LocalData2);
                pos += 12;
            }
        }

        foreach (var unknown in a.Unknown)
        {
            // RFC 4271 §5: an unrecognised optional transitive attribute is passed on with Partial set.
            var flags = unknown.Flags;
            if ((flags & AttributeWire.OptionalTransitive) == AttributeWire.OptionalTransitive)
            {
                flags |= PathAttributeFlags.Partial;
            }

            pos += AttributeWire.WriteHeader(d[pos..], flags, unknown.TypeCode, unknown.Value.Count);
            unknown.Value.AsSpan().CopyTo(d[pos..]);
            pos += unknown.Value.Count;
        }

        return pos;
    }

    /// <summary>RFC 6793 §4.2.2: a 2-octet session carries AS4_PATH only when the path holds a 4-octet AS.</summary>
    private static bool NeedsAs4Path(PathAttributes a, BgpCodecContext context) =>
        !context.FourOctetAsn && a.AsPath is not null && a.AsPath.HasFourOctetAsn;

    private static bool NeedsAs4Aggregator(PathAttributes a, BgpCodecContext context) =>
        !context.FourOctetAsn && a.Aggregator is not null && a.Aggregator.Asn > ushort.MaxValue;

    private static int WriteIPv4(Span<byte> destination, IPAddress address)
    {
        if (!address.TryWriteBytes(destination[..4], out var written) || written != 4)
        {
            throw new ArgumentException("AGGREGATOR address must be IPv4.", nameof(address));
        }

        return 4;
    }

    private sealed class Builder
    {
        public Origin? Origin;
        public AsPath? AsPath;
        public AsPath? As4Path;
        public IPAddress? NextHop;
        public uint? Med;
        public uint? LocalPref;
        public bool AtomicAggregate;
        public Aggregator? Aggregator;
        public Aggregator? As4Aggregator;
        public ValueArray<Community> Communities;
        public ValueArray<ExtendedCommunity> ExtendedCommunities;
        public ValueArray<LargeCommunity> LargeCommunities;
        public MpReachNlri? MpReach;
        public MpUnreachNlri? MpUnreach;
        public List<UnknownAttribute>? Unknown;

        public PathAttributes Build(BgpCodecContext context)
        {
            var asPath = AsPath;
            var aggregator = Aggregator;
            if (!context.FourOctetAsn)
            {
                // RFC 6793 §4.2.3: an AGGREGATOR that is not AS_TRANS means a 2-octet speaker aggregated after the
                // AS4_* attributes were added, so both AS4_AGGREGATOR and AS4_PATH are stale and ignored.
                var as4Valid = true;
                if (As4Aggregator is not null && aggregator is not null)
                {
                    if (aggregator.Asn == BgpConstants.AsTrans)
                    {
                        aggregator = As4Aggregator;
                    }
                    else
                    {
                        as4Valid = false;
                    }
                }

                if (as4Valid && As4Path is not null && asPath is not null)
                {
                    asPath = AsPathCodec.Merge(asPath, As4Path);
                }
            }

            return new PathAttributes
            {
                Origin = Origin,
                AsPath = asPath,
                NextHop = NextHop,
                MultiExitDisc = Med,
                LocalPref = LocalPref,
                AtomicAggregate = AtomicAggregate,
                Aggregator = aggregator,
                Communities = Communities,
                ExtendedCommunities = ExtendedCommunities,
                LargeCommunities = LargeCommunities,
                MpReach = MpReach,
                MpUnreach = MpUnreach,
                Unknown = Unknown is null ? default(ValueArray<UnknownAttribute>) : Unknown.ToArray(),
            };
        }
    }
}
