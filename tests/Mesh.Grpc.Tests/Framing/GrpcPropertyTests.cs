using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf.WellKnownTypes;
using Mesh.Grpc.Framing;
using Mesh.Grpc.Status;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Framing;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GrpcPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(500);

    [Fact]
    public void PercentEncoding_AnyString_RoundTripsAndStaysPrintableAscii()
    {
        Check.One(Runs, Prop.ForAll<string>(text =>
        {
            // Lone surrogates are not representable in UTF-8; they are not a message a server can send.
            var value = text is null ? string.Empty : System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text));
            var encoded = PercentEncoding.Encode(value);
            return encoded.All(c => c is >= ' ' and <= '~') && PercentEncoding.Decode(encoded) == value;
        }));
    }

    [Fact]
    public void GrpcFrame_AnySequenceOfMessages_ReadsBackInOrder()
    {
        Check.One(Runs, Prop.ForAll<string[]>(values =>
        {
            var messages = (values ?? []).Select(v => new StringValue { Value = System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(v ?? string.Empty)) }).ToArray();
            var stream = new MemoryStream();
            foreach (var message in messages)
            {
                var buffer = GrpcFrame.Rent(message, out var length);
                stream.Write(buffer, 0, length);
                GrpcFrame.Return(buffer);
            }
            stream.Position = 0;
            var reader = new GrpcMessageReader<StringValue>(stream, StringValue.Parser, 1 << 20);
            var read = new List<StringValue>();
            // A MemoryStream completes every read synchronously: no blocking on real I/O here.
            while (reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } next)
            {
                read.Add(next);
            }
            return read.SequenceEqual(messages);
        }));
    }

    [Fact]
    public void GrpcTimeoutHeader_AnyPositiveTimeout_ParsesBackNoShorterAndWithinOnePercent()
    {
        Check.One(Runs, Prop.ForAll<long>(raw =>
        {
            var ticks = Math.Abs(raw % (TimeSpan.TicksPerDay * 365)) + 1;
            var timeout = TimeSpan.FromTicks(ticks);
            var header = GrpcTimeoutHeader.Format(timeout);
            return header.Length <= 9
                && GrpcTimeoutHeader.TryParse(header, out var parsed)
                && parsed >= timeout
                && parsed - timeout <= TimeSpan.FromTicks(Math.Max(1, ticks / 100));
        }));
    }
}
