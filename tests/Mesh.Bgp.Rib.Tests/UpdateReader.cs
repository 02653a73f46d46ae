using System.Buffers;
using Mesh.Bgp.Codec;
using Mesh.Bgp.Codec.Messages;

namespace Mesh.Bgp.Rib.Tests;

/// <summary>Decodes the messages an Adj-RIB-Out wrote, failing the test on any decode error.</summary>
internal static class UpdateReader
{
    public static List<UpdateMessage> Read(ArrayBufferWriter<byte> writer, BgpCodecContext context)
    {
        var result = new List<UpdateMessage>();
        var span = writer.WrittenSpan;
        while (!span.IsEmpty)
        {
            BgpMessageCodec.TryReadHeader(span, context, out var header, out var headerError).Should().BeTrue(headerError?.ToString());
            BgpMessageCodec.TryDecode(span[..header.Length], context, out var message, out var error).Should().BeTrue(error?.ToString());
            error.Should().BeNull();
            result.Add(message.Should().BeOfType<UpdateMessage>().Subject);
            span = span[header.Length..];
        }

        return result;
    }
}
