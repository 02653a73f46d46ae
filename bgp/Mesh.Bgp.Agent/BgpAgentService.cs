using Microsoft.Extensions.Hosting;

namespace Mesh.Bgp.Agent;

/// <summary>Runs the <see cref="BgpAgent"/> for the host's lifetime; stopping it sends Cease to every peer.</summary>
internal sealed class BgpAgentService(BgpAgent agent) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => agent.RunAsync(stoppingToken);
}
