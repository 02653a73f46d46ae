using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Mesh.Grpc.Framing;

namespace Mesh.Grpc.Tests.Channel;

/// <summary>An HTTP handler that answers every request with a canned gRPC response and records the request.</summary>
internal sealed class FakeGrpcHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, HttpResponseMessage> _respond;

    public FakeGrpcHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) => _respond = respond;

    public HttpRequestMessage? LastRequest { get; private set; }

    public byte[]? LastRequestBody { get; private set; }

    public static byte[] Frames(params IMessage[] messages)
    {
        var stream = new MemoryStream();
        foreach (var message in messages)
        {
            var bytes = message.ToByteArray();
            var header = new byte[GrpcFrame.HeaderSize];
            GrpcFrame.WriteHeader(header, bytes.Length);
            stream.Write(header);
            stream.Write(bytes);
        }
        return stream.ToArray();
    }

    public static HttpResponseMessage Response(byte[] body, params (string Name, string Value)[] trailers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Version = HttpVersion.Version20, Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        foreach (var (name, value) in trailers)
        {
            response.TrailingHeaders.TryAddWithoutValidation(name, value);
        }
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        LastRequest = request;
        LastRequestBody = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        return _respond(request);
    }
}
