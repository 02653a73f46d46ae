using System.Net;
using Mesh.Bgp.Agent.Metrics;
using Mesh.Bgp.Codec.Nlri;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Bgp.Agent.Api;

/// <summary>
/// The local control API (JSON over HTTP on loopback): peers, routes (available, advertised, received), route
/// injection and withdrawal, status with configuration problems, and Prometheus <c>/metrics</c>.
/// </summary>
public static class ControlApi
{
    public static IEndpointRouteBuilder MapBgpControlApi(this IEndpointRouteBuilder endpoints, BgpAgent agent)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(agent);
        endpoints.MapGet("/v1/status", () => Results.Json(Status(agent), BgpJson.Options));
        endpoints.MapGet("/v1/peers", () => Guard(agent, () => Task.FromResult(Results.Json(BgpViews.Peers(agent), BgpJson.Options))));
        endpoints.MapGet("/v1/routes/available", (CancellationToken ct) =>
            Guard(agent, async () => Results.Json(await BgpViews.AvailableAsync(agent, ct), BgpJson.Options)));
        endpoints.MapGet("/v1/routes/advertised", (string? peer, CancellationToken ct) =>
            Guard(agent, async () => TryPeer(peer, out var address, out var bad) ? Results.Json(await BgpViews.AdvertisedAsync(agent, address, ct), BgpJson.Options) : bad!));
        endpoints.MapGet("/v1/routes/received", (string? peer, CancellationToken ct) =>
            Guard(agent, async () => TryPeer(peer, out var address, out var bad) ? Results.Json(await BgpViews.ReceivedAsync(agent, address, ct), BgpJson.Options) : bad!));
        endpoints.MapPost("/v1/routes", (RoutesChange change, CancellationToken ct) => Guard(agent, async () =>
        {
            if (!TryPrefixes(change, out var prefixes, out var bad))
            {
                return bad!;
            }

            if (!CommunityText.TryBuild(change.Communities, out var attributes, out var error))
            {
                return Results.Json(new ApiReply(false, 0, error), BgpJson.Options, statusCode: StatusCodes.Status400BadRequest);
            }

            await agent.AddRoutesAsync(prefixes, attributes, ct);
            return Results.Json(new ApiReply(true, prefixes.Length), BgpJson.Options);
        }));
        endpoints.MapPost("/v1/routes/delete", (RoutesChange change, CancellationToken ct) => Guard(agent, async () =>
        {
            if (!TryPrefixes(change, out var prefixes, out var bad))
            {
                return bad!;
            }

            await agent.DeleteRoutesAsync(prefixes, ct);
            return Results.Json(new ApiReply(true, prefixes.Length), BgpJson.Options);
        }));
        endpoints.MapGet("/metrics", () => Results.Text(
            agent.Speaker is { } speaker ? BgpMetricsText.Render(speaker.Peers) : BgpMetricsText.Render([]),
            "text/plain; version=0.0.4"));
        return endpoints;
    }

    private static StatusView Status(BgpAgent agent) => new(
        agent.Options.NodeName,
        agent.Speaker is not null,
        [.. agent.Plan?.Errors.Select(e => e.ToString()) ?? []],
        [.. agent.Plan?.Warnings.Select(e => e.ToString()) ?? []]);

    private static async Task<IResult> Guard(BgpAgent agent, Func<Task<IResult>> action)
    {
        if (agent.Speaker is null)
        {
            return Results.Json(new ApiReply(false, 0, "the speaker is not running yet (waiting for the initial sync of the manifests)"), BgpJson.Options,
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return await action();
    }

    private static bool TryPeer(string? text, out IPAddress? address, out IResult? bad)
    {
        address = null;
        bad = null;
        if (string.IsNullOrEmpty(text) || IPAddress.TryParse(text, out address))
        {
            return true;
        }

        bad = Results.Json(new ApiReply(false, 0, $"peer '{text}' is not an IP address"), BgpJson.Options, statusCode: StatusCodes.Status400BadRequest);
        return false;
    }

    private static bool TryPrefixes(RoutesChange? change, out Prefix[] prefixes, out IResult? bad)
    {
        bad = null;
        var texts = change?.Prefixes ?? [];
        prefixes = new Prefix[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            if (!Prefix.TryParse(texts[i], out prefixes[i]))
            {
                bad = Results.Json(new ApiReply(false, 0, $"'{texts[i]}' is not a prefix (address/length)"), BgpJson.Options, statusCode: StatusCodes.Status400BadRequest);
                return false;
            }
        }

        return true;
    }
}
