using System.Net;
using System.Net.Http.Json;

namespace Mesh.Bgp.Agent.Api;

/// <summary>Client of a running speaker's control API (what <c>mesh bgp peers|routes</c> use).</summary>
public sealed class BgpApiClient(HttpClient http)
{
    public static HttpClient CreateHttpClient(IPEndPoint api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var host = api.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{api.Address}]" : api.Address.ToString();
        return new HttpClient { BaseAddress = new Uri($"http://{host}:{api.Port}/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public Task<PeerView[]> PeersAsync(CancellationToken cancellationToken) => GetAsync<PeerView[]>("v1/peers", cancellationToken);

    public Task<StatusView> StatusAsync(CancellationToken cancellationToken) => GetAsync<StatusView>("v1/status", cancellationToken);

    /// <summary><paramref name="table"/>: available, advertised or received.</summary>
    public Task<RouteView[]> RoutesAsync(string table, string? peer, CancellationToken cancellationToken) =>
        GetAsync<RouteView[]>(peer is null ? $"v1/routes/{table}" : $"v1/routes/{table}?peer={Uri.EscapeDataString(peer)}", cancellationToken);

    public Task<ApiReply> AddRoutesAsync(RoutesChange change, CancellationToken cancellationToken) => PostAsync("v1/routes", change, cancellationToken);

    public Task<ApiReply> DeleteRoutesAsync(RoutesChange change, CancellationToken cancellationToken) => PostAsync("v1/routes/delete", change, cancellationToken);

    public Task<string> MetricsAsync(CancellationToken cancellationToken) => http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<T>(BgpJson.Options, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<ApiReply> PostAsync(string path, RoutesChange change, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), change, BgpJson.Options, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<ApiReply>(BgpJson.Options, cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? message = null;
        try
        {
            message = (await response.Content.ReadFromJsonAsync<ApiReply>(BgpJson.Options, cancellationToken).ConfigureAwait(false))?.Error;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not one of ours: report the status alone.
        }

        throw new BgpApiException(message ?? $"{(int)response.StatusCode} {response.ReasonPhrase}");
    }
}
