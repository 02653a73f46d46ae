using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Mesh.Bgp.Codec.Messages;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Codec.Packing;
using Mesh.Testing;

namespace Mesh.Bgp.Codec.Tests;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class PropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(1000);

    private static bool RoundTrips(BgpMessage message, BgpCodecContext context)
    {
        var max = message.Type is BgpMessageType.Open or BgpMessageType.Keepalive ? 4096 : context.MaxMessageLength;
        if (BgpMessageCodec.Measure(message, context) > max)
        {
            return true; // too large for one message: the packer's job, not a codec property
        }

        var bytes = BgpMessageCodec.ToArray(message, context);
        return BgpMessageCodec.TryDecode(bytes, context, out var decoded, out var error) && error is null && decoded == message;
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, false, true)]
    public void EncodeThenDecode_RandomValidMessages_IsIdentity(bool fourOctet, bool extended, bool ibgp)
    {
        var context = new BgpCodecContext(fourOctet, extended, ibgp);

        Check.One(Runs, Prop.ForAll(Generators.Message(context).ToArbitrary(), message => RoundTrips(message, context)));
    }

    [Fact]
    public void TryDecode_RandomBytes_NeverThrows()
    {
        Check.One(Runs, Prop.ForAll(Generators.Bytes(100).ToArbitrary(), bytes =>
        {
            var accepted = BgpMessageCodec.TryDecode(bytes, BgpCodecContext.Default, out var message, out var error);
            return accepted ? message is not null : error is not null;
        }));
    }

    [Fact]
    public void TryDecode_RandomBodiesBehindValidHeaders_NeverThrowAndAlwaysExplainRejections()
    {
        Check.One(Runs.WithMaxTest(5000), Prop.ForAll(Generators.FramedGarbage.ToArbitrary(), bytes =>
        {
            var accepted = BgpMessageCodec.TryDecode(bytes, BgpCodecContext.Default, out var message, out var error);
            return accepted ? message is not null : error is not null && error.Action == Errors.BgpErrorAction.SessionReset;
        }));
    }

    [Fact]
    public void WriteAnnouncements_RandomIPv4Prefixes_DecodeToTheSameSequence()
    {
        var attributes = new Attributes.PathAttributes
        {
            Origin = Attributes.Origin.Igp,
            AsPath = Attributes.AsPath.Sequence(65001),
            NextHop = System.Net.IPAddress.Parse("10.0.1.2"),
        };
        var prefixes = Generators.ArrayOf(Generators.IPv4Prefix, 3000);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(prefixes.ToArbitrary(), input =>
        {
            var writer = new ArrayBufferWriter<byte>();
            var count = UpdatePacker.WriteAnnouncements(writer, attributes, input, BgpCodecContext.Default);
            var decoded = new List<Prefix>();
            var stream = writer.WrittenMemory;
            var messages = 0;
            while (!stream.IsEmpty)
            {
                BgpMessageCodec.TryReadHeader(stream.Span, BgpCodecContext.Default, out var header, out _);
                if (!BgpMessageCodec.TryDecode(stream.Span[..header.Length], BgpCodecContext.Default, out var message, out var error) || error is not null)
                {
                    return false;
                }

                decoded.AddRange(((UpdateMessage)message).Nlri);
                stream = stream[header.Length..];
                messages++;
            }

            var minimum = (input.Sum(p => p.EncodedLength) + 4049) / 4050;
            return messages == count && decoded.SequenceEqual(input) && (input.Length == 0 || count <= minimum + 1);
        }));
    }
}
