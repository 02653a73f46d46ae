using System.Buffers.Binary;
using System.Net;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Capabilities;
using Mesh.Bgp.Codec.Errors;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;

namespace Mesh.Bgp.Codec.Fuzzing;

/// <summary>
/// Randomized-mutation decode runner: mutates valid seed messages (bit flips, interesting values in length
/// fields, truncation, extension, splicing), mostly keeping marker and header length consistent so that
/// inputs reach the body parsers, decodes each input and checks that decoding never throws and that any
/// accepted message survives encode → decode unchanged. Deterministic for a given seed.
/// </summary>
public sealed class BgpFuzzRunner
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x03, 0x04, 0x07, 0x08, 0x0F, 0x10, 0x1F, 0x20, 0x21, 0x40, 0x7F, 0x80, 0x81, 0xC0, 0xE0, 0xFE, 0xFF];
    private static readonly ushort[] InterestingShorts = [0, 1, 2, 3, 4, 18, 19, 23, 29, 255, 256, 4095, 4096, 4097, 32767, 65535];

    private readonly Random _random;
    private readonly BgpCodecContext _context;
    private readonly byte[][] _seeds;

    public BgpFuzzRunner(int seed, BgpCodecContext context, IReadOnlyList<byte[]>? seeds = null)
    {
        _random = new Random(seed);
        _context = context;
        _seeds = seeds is { Count: > 0 } ? [.. seeds] : [.. DefaultSeeds(context)];
    }

    /// <summary>A corpus of valid messages covering every message type and attribute the codec knows.</summary>
    public static IReadOnlyList<byte[]> DefaultSeeds(BgpCodecContext context)
    {
        var attributes = new PathAttributes
        {
            Origin = Origin.Igp,
            AsPath = new AsPath(
            [
                new AsPathSegment(AsPathSegmentType.AsSequence, new uint[] { 65001, 4200000002, 65002 }),
                new AsPathSegment(AsPathSegmentType.AsSet, new uint[] { 64512, 64513 }),
            ]),
            NextHop = IPAddress.Parse("10.0.1.2"),
            MultiExitDisc = 10,
            LocalPref = 100,
            AtomicAggregate = true,
            Aggregator = new Aggregator(4200000002, IPAddress.Parse("10.0.2.2")),
            Communities = new[] { Community.Create(65001, 100), Community.NoExport },
            LargeCommunities = new[] { new LargeCommunity(4200000002, 1, 1) },
            ExtendedCommunities = new[] { new ExtendedCommunity(0x0002FDE900000064) },
            Unknown = new[] { new UnknownAttribute(99, PathAttributeFlags.Optional | PathAttributeFlags.Transitive | PathAttributeFlags.Partial, new byte[] { 1, 2, 3 }) },
        };
        var ipv4 = new[] { Prefix.Parse("10.244.1.0/24"), Prefix.Parse("172.20.0.10/32"), Prefix.Parse("0.0.0.0/0"), Prefix.Parse("10.128.0.0/9") };
        var ipv6 = new[] { Prefix.Parse("fd00:244:1::/64"), Prefix.Parse("2001:db8::/32"), Prefix.Parse("::/0") };
        var reach = new MpReachNlri(AfiSafi.IPv6Unicast, IPAddress.Parse("fd00:0:1::2"), IPAddress.Parse("fe80::1"), ipv6);
        BgpMessage[] messages =
        [
            KeepaliveMessage.Instance,
            OpenMessage.Create(4200000002, 90, 0x0A000202,
                new MultiprotocolCapability(AfiSafi.IPv4Unicast),
                new MultiprotocolCapability(AfiSafi.IPv6Unicast),
                new RouteRefreshCapability(),
                new EnhancedRouteRefreshCapability(),
                new ExtendedMessageCapability(),
                new GracefulRestartCapability(true, true, 120, new[] { new GracefulRestartFamily(AfiSafi.IPv4Unicast, true) }),
                new UnknownCapability(73, new byte[] { 4, 110, 111, 100, 101, 0 })),
            OpenMessage.Create(65001, 0, 1, [.. Enumerable.Range(0, 50).Select(i => new UnknownCapability(200, [(byte)i, 0, 0, 0]))]),
            new UpdateMessage(new[] { Prefix.Parse("10.9.0.0/16") }, attributes, ipv4),
            new UpdateMessage(default, attributes with { NextHop = null, MpReach = reach }, default),
            new UpdateMessage(default, new PathAttributes { MpUnreach = new MpUnreachNlri(AfiSafi.IPv6Unicast, ipv6) }, default),
            UpdateMessage.EndOfRib(AfiSafi.IPv4Unicast),
            UpdateMessage.EndOfRib(AfiSafi.IPv6Unicast),
            new NotificationMessage(BgpErrorCode.Cease, (byte)CeaseSubcode.AdministrativeShutdown, new byte[] { 3, 98, 121, 101 }),
            new RouteRefreshMessage(AfiSafi.IPv4Unicast, RouteRefreshSubtype.BeginningOfRouteRefresh),
        ];
        var seeds = new List<byte[]>(messages.Length);
        foreach (var message in messages)
        {
            seeds.Add(BgpMessageCodec.ToArray(message, context));
        }

        return seeds;
    }

    public BgpFuzzReport Run(long iterations)
    {
        long accepted = 0, rejected = 0, crashes = 0, mismatches = 0;
        string? firstFailure = null;
        byte[]? firstInput = null;
        var buffer = new byte[BgpConstants.MaxExtendedMessageLength + 64];
        for (long i = 0; i < iterations; i++)
        {
            var length = Mutate(buffer);
            var input = buffer.AsSpan(0, length);
            string? failure;
            try
            {
                if (BgpMessageCodec.TryDecode(input, _context, out var message, out _))
                {
                    accepted++;
                    failure = CheckRoundTrip(message);
                    if (failure is not null)
                    {
                        mismatches++;
                    }
                }
                else
                {
                    rejected++;
                    failure = null;
                }
            }
#pragma warning disable CA1031 // the runner's purpose is to catch and report every exception
            catch (Exception ex)
#pragma warning restore CA1031
            {
                crashes++;
                failure = ex.GetType().Name + ": " + ex.Message;
            }

            if (failure is not null && firstFailure is null)
            {
                firstFailure = failure;
                firstInput = input.ToArray();
            }
        }

        return new BgpFuzzReport(iterations, accepted, rejected, crashes, mismatches, firstFailure, firstInput);
    }

    private string? CheckRoundTrip(BgpMessage message)
    {
        var length = BgpMessageCodec.Measure(message, _context);
        var max = message.Type is BgpMessageType.Open or BgpMessageType.Keepalive ? BgpConstants.MaxMessageLength : _context.MaxMessageLength;
        if (length > max)
        {
            return null; // re-encoding may legitimately grow (e.g. AS4_PATH of a merged path) past the limit
        }

        var encoded = BgpMessageCodec.ToArray(message, _context);
        if (!BgpMessageCodec.TryDecode(encoded, _context, out var again, out var error))
        {
            return $"re-encoded {message.Type} rejected: {error}";
        }

        return again == message ? null : $"re-encoded {message.Type} decodes differently";
    }

    private int Mutate(byte[] buffer)
    {
        var seed = _seeds[_random.Next(_seeds.Length)];
        var length = seed.Length;
        seed.CopyTo(buffer, 0);
        var rounds = 1 + _random.Next(4);
        for (var r = 0; r < rounds; r++)
        {
            var span = buffer.AsSpan(0, length);
            switch (_random.Next(9))
            {
                case 0:
                    span[_random.Next(length)] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    span[_random.Next(length)] = (byte)_random.Next(256);
                    break;
                case 2:
                    span[RandomBodyOffset(length)] = InterestingBytes[_random.Next(InterestingBytes.Length)];
                    break;
                case 3 when length >= 2:
                    BinaryPrimitives.WriteUInt16BigEndian(span[_random.Next(length - 1)..], InterestingShorts[_random.Next(InterestingShorts.Length)]);
                    break;
                case 4:
                    length = BgpConstants.HeaderLength + _random.Next(Math.Max(1, length - BgpConstants.HeaderLength + 1));
                    break;
                case 5:
                    var extra = 1 + _random.Next(32);
                    _random.NextBytes(buffer.AsSpan(length, extra));
                    length += extra;
                    break;
                case 6:
                    var other = _seeds[_random.Next(_seeds.Length)];
                    var from = _random.Next(other.Length);
                    var count = Math.Min(_random.Next(1, 40), other.Length - from);
                    var to = RandomBodyOffset(length);
                    count = Math.Min(count, buffer.Length - to);
                    other.AsSpan(from, count).CopyTo(buffer.AsSpan(to));
                    length = Math.Max(length, to + count);
                    break;
                case 7 when length > BgpConstants.HeaderLength:
                    // Delete a run of bytes from the body, which shifts every later field.
                    var at = RandomBodyOffset(length);
                    var cut = Math.Min(1 + _random.Next(8), length - at);
                    buffer.AsSpan(at + cut, length - at - cut).CopyTo(buffer.AsSpan(at));
                    length -= cut;
                    break;
                default:
                    span[18] = (byte)_random.Next(7);
                    break;
            }
        }

        // Most inputs keep a valid marker and a truthful length so that the body parsers get exercised.
        if (_random.Next(10) != 0 && length >= BgpConstants.HeaderLength)
        {
            buffer.AsSpan(0, BgpConstants.MarkerLength).Fill(0xFF);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(16), (ushort)length);

            // For UPDATEs, often make the attribute section span the rest of the message so that inserted or
            // deleted bytes reach the attribute parsers instead of failing the outer length checks.
            if (buffer[18] == (byte)BgpMessageType.Update && length >= BgpConstants.UpdateMinLength && _random.Next(2) == 0)
            {
                var withdrawn = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(19));
                var attributes = length - BgpConstants.UpdateMinLength - withdrawn;
                if (attributes >= 0)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(21 + withdrawn), (ushort)attributes);
                }
            }
        }

        return length;
    }

    private int RandomBodyOffset(int length) =>
        length > BgpConstants.HeaderLength ? BgpConstants.HeaderLength + _random.Next(length - BgpConstants.HeaderLength) : _random.Next(length);
}
