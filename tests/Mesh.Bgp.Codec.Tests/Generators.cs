using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Tests;

/// <summary>FsCheck generators of valid messages: every value they produce must survive encode → decode.</summary>
internal static class Generators
{
    private static readonly byte[] KnownAttributeTypes = [1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 32];
    private static readonly byte[] KnownCapabilityCodes = [1, 2, 6, 64, 65, 70];

    public static Gen<uint> UInt32 =>
        from high in Gen.Choose(0, ushort.MaxValue)
        from low in Gen.Choose(0, ushort.MaxValue)
        select ((uint)high << 16) | (uint)low;

    /// <summary>AS numbers biased towards the 2-/4-octet boundary and AS_TRANS.</summary>
    public static Gen<uint> Asn => Gen.Frequency(
        (3, Gen.Choose(1, ushort.MaxValue).Select(i => (uint)i)),
        (3, UInt32.Where(a => a != 0)),
        (1, Gen.Elements(23456u, 65535u, 65536u, 4200000002u, uint.MaxValue)));

    public static Gen<byte[]> Bytes(int max) =>
        from n in Gen.Choose(0, max)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)
        select bytes;

    public static Gen<T[]> ArrayOf<T>(Gen<T> gen, int max) =>
        from n in Gen.Choose(0, max)
        from items in Gen.ArrayOf(gen, n)
        select items;

    public static Gen<Prefix> IPv4Prefix =>
        from address in UInt32
        from length in Gen.Choose(0, 32)
        select Prefix.IPv4(address, length);

    public static Gen<Prefix> IPv6Prefix =>
        from a in UInt32
        from b in UInt32
        from c in UInt32
        from d in UInt32
        from length in Gen.Choose(0, 128)
        select Prefix.IPv6(((UInt128)a << 96) | ((UInt128)b << 64) | ((UInt128)c << 32) | d, length);

    /// <summary>Unicast IPv4 addresses: 1.0.0.0 to 223.255.255.255 (RFC 4271 §6.3 rejects 0/8-style zero and multicast next hops).</summary>
    public static Gen<IPAddress> IPv4Unicast =>
        from first in Gen.Choose(1, 223)
        from rest in Gen.Choose(0, 0xFFFFFF)
        select new IPAddress(new[] { (byte)first, (byte)(rest >> 16), (byte)(rest >> 8), (byte)rest });

    public static Gen<IPAddress> IPv6Address => IPv6Prefix.Select(p => Prefix.IPv6(0, 0) == p ? IPAddress.IPv6Loopback : p.Address);

    /// <summary>
    /// Paths of AS_SEQUENCE/AS_SET segments; internal sessions may start with confederation segments
    /// (RFC 5065 §4 prepends them). A 2-octet session can only carry 2-octet confederation members,
    /// since AS4_PATH never holds confederation segments (RFC 6793 §3).
    /// </summary>
    public static Gen<AsPath> AsPath(BgpCodecContext context) =>
        from confed in context.Ibgp
            ? ArrayOf(
                from type in Gen.Elements(AsPathSegmentType.AsConfedSequence, AsPathSegmentType.AsConfedSet)
                from n in Gen.Choose(1, 4)
                from asns in Gen.ArrayOf(context.FourOctetAsn ? Asn : Gen.Choose(1, ushort.MaxValue).Select(a => (uint)a), n)
                select new AsPathSegment(type, asns),
                2)
            : Gen.Constant(Array.Empty<AsPathSegment>())
        from segments in ArrayOf(
            from type in Gen.Elements(AsPathSegmentType.AsSequence, AsPathSegmentType.AsSet)
            from n in Gen.Choose(1, 6)
            from asns in Gen.ArrayOf(Asn, n)
            select new AsPathSegment(type, asns),
            4)
        select confed.Length + segments.Length == 0 ? Mesh.Bgp.Codec.Attributes.AsPath.Empty : new AsPath([.. confed, .. segments]);

    public static Gen<T?> Optional<T>(Gen<T> gen)
        where T : class => Gen.Frequency((1, Gen.Constant<T?>(null)), (1, gen.Select(v => (T?)v)));

    public static Gen<uint?> OptionalUInt => Gen.Frequency((1, Gen.Constant<uint?>(null)), (1, UInt32.Select(v => (uint?)v)));

    public static Gen<UnknownAttribute> Unknown =>
        from type in Gen.Choose(9, 255).Select(t => (byte)t).Where(t => Array.IndexOf(KnownAttributeTypes, t) < 0)
        from transitive in Gen.Elements(true, false)
        from value in Gen.Frequency((5, Bytes(16)), (1, Bytes(300)))
        select new UnknownAttribute(type, transitive ? PathAttributeFlags.Optional | PathAttributeFlags.Transitive | PathAttributeFlags.Partial : PathAttributeFlags.Optional, value);

    public static Gen<MpReachNlri> MpReachIPv6 =>
        from global in IPv6Address
        from linkLocal in Optional(IPv6Address)
        from nlri in ArrayOf(IPv6Prefix, 12)
        select new MpReachNlri(AfiSafi.IPv6Unicast, global, linkLocal, nlri);

    public static Gen<PathAttributes> Attributes(BgpCodecContext context) =>
        from origin in Gen.Elements(Origin.Igp, Origin.Egp, Origin.Incomplete)
        from asPath in AsPath(context)
        from nextHop in IPv4Unicast
        from med in OptionalUInt
        from localPref in context.Ibgp ? UInt32.Select(v => (uint?)v) : OptionalUInt
        from atomic in Gen.Elements(true, false)
        from aggregator in Optional(from asn in Asn from address in IPv4Unicast select new Aggregator(asn, address))
        from communities in ArrayOf(UInt32.Select(v => new Community(v)), 8)
        from large in ArrayOf(from a in UInt32 from b in UInt32 from c in UInt32 select new LargeCommunity(a, b, c), 4)
        from extended in ArrayOf(from a in UInt32 from b in UInt32 select new ExtendedCommunity(((ulong)a << 32) | b), 4)
        from reach in Optional(MpReachIPv6)
        from unreach in Optional(ArrayOf(IPv6Prefix, 12).Select(p => new MpUnreachNlri(AfiSafi.IPv6Unicast, p)))
        from unknown in ArrayOf(Unknown, 3).Select(u => u.DistinctBy(a => a.TypeCode).ToArray())
        select new PathAttributes
        {
            Origin = origin,
            AsPath = asPath,
            NextHop = nextHop,
            MultiExitDisc = med,
            LocalPref = localPref,
            AtomicAggregate = atomic,
            Aggregator = aggregator,
            Communities = communities,
            LargeCommunities = large,
            ExtendedCommunities = extended,
            MpReach = reach,
            MpUnreach = unreach,
            Unknown = unknown,
        };

    public static Gen<BgpMessage> Update(BgpCodecContext context) =>
        from withdrawn in ArrayOf(IPv4Prefix, 20)
        from withdrawOnly in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from attributes in Attributes(context)
        from nlri in ArrayOf(IPv4Prefix, 20)
        select withdrawOnly
            ? (BgpMessage)new UpdateMessage(withdrawn, PathAttributes.Empty, default)
            : new UpdateMessage(withdrawn, attributes, nlri);

    public static Gen<BgpCapability> Capability => Gen.OneOf(
        Gen.Elements(AfiSafi.IPv4Unicast, AfiSafi.IPv6Unicast).Select(f => (BgpCapability)new MultiprotocolCapability(f)),
        Gen.Elements<BgpCapability>(new RouteRefreshCapability(), new EnhancedRouteRefreshCapability(), new ExtendedMessageCapability()),
        Asn.Select(a => (BgpCapability)new FourOctetAsnCapability(a)),
        from restarting in Gen.Elements(true, false)
        from notification in Gen.Elements(true, false)
        from time in Gen.Choose(0, GracefulRestartCapability.MaxRestartTimeSeconds)
        from families in ArrayOf(
            from family in Gen.Elements(AfiSafi.IPv4Unicast, AfiSafi.IPv6Unicast)
            from forwarding in Gen.Elements(true, false)
            select new GracefulRestartFamily(family, forwarding),
            3)
        select (BgpCapability)new GracefulRestartCapability(restarting, notification, (ushort)time, families),
        from code in Gen.Choose(3, 255).Select(c => (byte)c).Where(c => Array.IndexOf(KnownCapabilityCodes, c) < 0)
        from value in Bytes(20)
        select (BgpCapability)new UnknownCapability(code, value));

    public static Gen<BgpMessage> Open =>
        from myAs in Gen.Choose(1, ushort.MaxValue)
        from hold in Gen.Choose(0, ushort.MaxValue).Where(h => h is not (1 or 2))
        from id in UInt32.Where(i => i != 0)
        from capabilities in ArrayOf(Capability, 8)
        select (BgpMessage)new OpenMessage(4, (ushort)myAs, (ushort)hold, id, capabilities);

    public static Gen<BgpMessage> Notification =>
        from code in Gen.Choose(1, 7)
        from subcode in Gen.Choose(0, 255)
        from data in Bytes(40)
        select (BgpMessage)new NotificationMessage((BgpErrorCode)code, (byte)subcode, data);

    public static Gen<BgpMessage> RouteRefresh =>
        from afi in Gen.Choose(0, ushort.MaxValue)
        from safi in Gen.Choose(0, 255)
        from subtype in Gen.Choose(0, 255)
        select (BgpMessage)new RouteRefreshMessage(new AfiSafi((Afi)afi, (Safi)safi), (RouteRefreshSubtype)subtype);

    public static Gen<BgpMessage> Message(BgpCodecContext context) => Gen.Frequency(
        (1, Gen.Constant<BgpMessage>(KeepaliveMessage.Instance)),
        (3, Open),
        (2, Notification),
        (1, RouteRefresh),
        (8, Update(context)));

    /// <summary>A valid header (marker, truthful length, known type) over random body bytes, so bodies get parsed.</summary>
    public static Gen<byte[]> FramedGarbage =>
        from type in Gen.Choose(0, 6)
        from body in Gen.Frequency((4, Bytes(64)), (1, Bytes(600)))
        select Wire.Message((byte)type, body);
}
