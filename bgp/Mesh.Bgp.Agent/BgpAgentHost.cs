using Mesh.Bgp.Agent.Api;
using Mesh.Kubernetes.Manifests;
using Mesh.Kubernetes.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Bgp.Agent;

/// <summary>
/// Standalone run mode (<c>mesh bgp run</c>): the agent fed from a live manifest directory, with the control API and
/// metrics on <see cref="BgpAgentOptions.ApiEndPoint"/>. The node agent hosts <see cref="BgpAgent"/> directly instead.
/// </summary>
public static class BgpAgentHost
{
    public static Task<int> RunWithManifestsAsync(BgpAgentOptions options, string manifestsDirectory, ILoggerFactory loggers, Action<string>? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var source = new ManifestDirectorySource(manifestsDirectory, TimeProvider.System, loggers.CreateLogger<ManifestDirectorySource>());
        return RunAsync(options, source, loggers, started, cancellationToken);
    }

    public static async Task<int> RunAsync(BgpAgentOptions options, IObjectSource source, ILoggerFactory loggers, Action<string>? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        await using var agent = new BgpAgent(options, source, loggers);
        WebApplication? app = null;
        if (options.ApiEndPoint is { } api)
        {
            // No appsettings reload: each reload watcher costs an inotify instance (128 per user by default), and running out
            // makes the builder throw.
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(api));
            app = builder.Build();
            app.MapBgpControlApi(agent);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            started?.Invoke(options.ApiEndPoint is { } endPoint ? $"http://{endPoint}" : "(no control API)");
            await agent.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
