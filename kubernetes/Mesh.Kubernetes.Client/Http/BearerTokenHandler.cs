using System.Net.Http.Headers;

namespace Mesh.Kubernetes.Client.Http;

/// <summary>Adds <c>Authorization: Bearer</c> with the current token to every request.</summary>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    private readonly BearerToken _token;

    public BearerTokenHandler(BearerToken token, HttpMessageHandler inner) : base(inner) => _token = token;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_token.Current() is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
