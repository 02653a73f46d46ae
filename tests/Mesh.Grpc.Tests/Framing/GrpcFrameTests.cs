using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.Grpc.Framing;
using Mesh.Testing;

namespace Mesh.Grpc.Tests.Framing;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class GrpcFrameTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a somewhat longer value with unicode ✓")]
    public async Task Rent_ThenRead_RoundTripsMessage(string value)
    {
        var message = new StringValue { Value = value };
        var buffer = GrpcFrame.Rent(message, out var length);
        byte[] frame;
        try
        {
            frame = buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            GrpcFrame.Return(buffer);
        }

        frame[0].Should().Be(0);
        frame.Length.Should().Be(GrpcFrame.HeaderSize + message.CalculateSize());
        var reader = new GrpcMessageReader<StringValue>(new MemoryStream(frame), StringValue.Parser, 1024);
        (await reader.ReadAsync(CancellationToken.None)).Should().Be(message);
        (await reader.ReadAsync(CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public void WriteHeader_Length_IsBigEndian()
    {
        var header = new byte[5];
        GrpcFrame.WriteHeader(header, 0x01020304);
        header.Should().Equal(0, 1, 2, 3, 4);
    }

    [Fact]
    public async Task ReadAsync_ManyFramesInOneBuffer_ReadsEachInOrder()
    {
        var stream = new MemoryStream();
        foreach (var value in new[] { "one", "two", "three" })
        {
            var bytes = new StringValue { Value = value }.ToByteArray();
            var header = new byte[5];
            GrpcFrame.WriteHeader(header, bytes.Length);
            stream.Write(header);
            stream.Write(bytes);
        }
        stream.Position = 0;
        var reader = new GrpcMessageReader<StringValue>(stream, StringValue.Parser, 1024);

        var values = new List<string>();
        while (await reader.ReadAsync(CancellationToken.None) is { } message)
        {
            values.Add(message.Value);
        }

        values.Should().Equal("one", "two", "three");
    }

    public static TheoryData<byte[], GrpcStatusCode> Malformed => new()
    {
        { [0, 0, 0], GrpcStatusCode.Internal },
        { [0, 0, 0, 0, 5, 1, 2], GrpcStatusCode.Internal },
        { [1, 0, 0, 0, 0], GrpcStatusCode.Internal },
        { [2, 0, 0, 0, 0], GrpcStatusCode.Internal },
        { [0, 0, 0, 8, 0], GrpcStatusCode.ResourceExhausted },
        { [0, 0, 0, 0, 2, 0x0A, 0x05], GrpcStatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task ReadAsync_MalformedFrame_ThrowsStatus(byte[] body, GrpcStatusCode expected)
    {
        var reader = new GrpcMessageReader<StringValue>(new MemoryStream(body), StringValue.Parser, 1024);

        var act = async () => await reader.ReadAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<GrpcException>()).Which.StatusCode.Should().Be(expected);
    }
}
