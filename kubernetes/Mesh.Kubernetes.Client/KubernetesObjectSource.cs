using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Mesh.Kubernetes.Client.Configuration;
using Mesh.Kubernetes.Client.Http;
using Mesh.Kubernetes.Client.Watching;
using Mesh.Kubernetes.Sources;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// Objects from a live API server: each resource of <see cref="KubernetesClientOptions.Resources"/> is listed and
/// watched on its own loop; the stream carries every listed object, then one <see cref="ObjectEvent.Synced"/>
/// once all resources have listed, then live changes of all resources interleaved. Failures are retried
/// forever with backoff; objects that do not read are logged and skipped.
/// </summary>
public sealed partial class KubernetesObjectSource : IObjectSource
{
    private const int Buffered = 1024;
    private readonly KubeConfig _config;
    private readonly KubernetesClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public KubernetesObjectSource(KubeConfig config, TimeProvider time, ILogger<KubernetesObjectSource> logger, KubernetesClientOptions? options = null)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options ?? new KubernetesClientOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"invalid Kubernetes client options: {string.Join("; ", errors)}", nameof(options));
        }
    }

    public async IAsyncEnumerable<ObjectEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (http, owned) = KubeHttpClientFactory.Create(_config, _time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<ObjectEvent>(new BoundedChannelOptions(Buffered) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var barrier = new InitialSyncBarrier(_options.Resources.Count, channel.Writer);
        LogStarting(_config.Server, _config.Source, _options.Resources.Count);
        var loops = _options.Resources
            .Select(resource => Task.Run(() => new ResourceWatcher(http, _config.Server, resource, _options, _time, _logger).RunAsync(channel.Writer, barrier, stop.Token), CancellationToken.None))
            .ToArray();
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                if (item.Type == ObjectEventType.Synced)
                {
                    LogSynced(_options.Resources.Count);
                }
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(loops);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Already delivered to the reader through the channel.
            }
            http.Dispose();
            foreach (var disposable in owned)
            {
                disposable.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 2150, Level = LogLevel.Information, Message = "Watching {Count} resources on {Server} ({Source})")]
    private partial void LogStarting(Uri server, string source, int count);

    [LoggerMessage(EventId = 2151, Level = LogLevel.Information, Message = "Initial sync of {Count} Kubernetes resources complete")]
    private partial void LogSynced(int count);
}
