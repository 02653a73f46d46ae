using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Mesh.Kubernetes.Client.Tests.FakeApi;

/// <summary>One open watch stream: the lines still to send, and the request (to abort it).</summary>
internal sealed class FakeWatch(string path, HttpContext context)
{
    public string Path { get; } = path;

    public HttpContext Context { get; } = context;

    public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();
}
