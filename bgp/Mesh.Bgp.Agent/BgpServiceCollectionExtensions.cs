using Mesh.Kubernetes.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mesh.Bgp.Agent;

/// <summary>Hosting the BGP control plane in another process (the node agent): one agent, run as a hosted service.</summary>
public static class BgpServiceCollectionExtensions
{
    /// <summary>Registers <see cref="BgpAgent"/> fed by the registered <see cref="IObjectSource"/>, run by a hosted service.</summary>
    public static IServiceCollection AddBgpControlPlane(this IServiceCollection services, BgpAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid BGP options: {string.Join("; ", errors)}", nameof(options));
        }

        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new BgpAgent(
            sp.GetRequiredService<BgpAgentOptions>(),
            sp.GetRequiredService<IObjectSource>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<BgpAgentService>();
        return services;
    }
}
