using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Threading.Channels;
using Mesh.Bgp.Agent.Reconciliation;
using Mesh.Bgp.Codec.Attributes;
using Mesh.Bgp.Codec.Nlri;
using Mesh.Bgp.Config;
using Mesh.Bgp.Config.Plan;
using Mesh.Bgp.Speaker;
using Mesh.Bgp.Speaker.Configuration;
using Mesh.Kubernetes.Sources;
using Microsoft.Extensions.Logging;

namespace Mesh.Bgp.Agent;

/// <summary>
/// The BGP control plane of one node: follows Kubernetes objects from an <see cref="IObjectSource"/>, plans with
/// <see cref="BgpNodePlanner"/> after the initial sync and after every change, and reconciles the speaker. One loop
/// owns the object store and the reconciler; readers get the last plan as an immutable snapshot. Routes injected
/// through the control API go to every peer, next to the configured advertisements.
/// </summary>
public sealed partial class BgpAgent : IAsyncDisposable
{
    private readonly BgpAgentOptions _options;
    private readonly IObjectSource _source;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly BgpObjectStore _store = new();
    private readonly ConcurrentDictionary<Prefix, DateTimeOffset> _firstSeen = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private BgpSpeaker? _speaker;
    private BgpReconciler? _reconciler;
    private NodeBgpPlan? _plan;

    public BgpAgent(BgpAgentOptions options, IObjectSource source, ILoggerFactory loggers, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _source = source;
        _loggers = loggers;
        _logger = loggers.CreateLogger<BgpAgent>();
        _time = time ?? TimeProvider.System;
    }

    public BgpAgentOptions Options => _options;

    /// <summary>The speaker, once the initial sync produced the first plan; null before.</summary>
    public BgpSpeaker? Speaker => Volatile.Read(ref _speaker);

    /// <summary>The last plan (null before the initial sync).</summary>
    public NodeBgpPlan? Plan => Volatile.Read(ref _plan);

    /// <summary>Completes when the speaker runs with the first plan applied.</summary>
    public Task Ready => _ready.Task;

    public TimeProvider Time => _time;

    /// <summary>Follows the source until cancelled; then stops the speaker (Cease to every peer).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<ObjectEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = PumpAsync(events.Writer, cancellationToken);
        var synced = false;
        try
        {
            while (await events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var changed = false;
                while (events.Reader.TryRead(out var change))
                {
                    if (change.Type == ObjectEventType.Synced)
                    {
                        synced = true;
                        changed = true;
                        continue;
                    }

                    changed |= _store.Apply(change);
                }

                if (synced && changed)
                {
                    await ApplyAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            _ready.TrySetCanceled(CancellationToken.None);
            if (Speaker is { } speaker)
            {
                await speaker.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Originates <paramref name="prefixes"/> toward every peer (the control API's <c>routes add</c>).</summary>
    public async Task AddRoutesAsync(IReadOnlyList<Prefix> prefixes, PathAttributes attributes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var speaker = RequireSpeaker();
        var now = _time.GetUtcNow();
        foreach (var prefix in prefixes)
        {
            _firstSeen.TryAdd(prefix, now);
        }

        await speaker.AdvertiseAsync(prefixes, attributes, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteRoutesAsync(IReadOnlyList<Prefix> prefixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        await RequireSpeaker().WithdrawAsync(prefixes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When a locally originated route was first seen (its age in <c>routes available</c>).</summary>
    public DateTimeOffset? FirstSeen(Prefix prefix) => _firstSeen.TryGetValue(prefix, out var at) ? at : null;

    public BgpSpeaker RequireSpeaker() => Speaker ?? throw new InvalidOperationException("the speaker is not running yet (waiting for the initial sync of the manifests)");

    public ValueTask DisposeAsync() => Speaker is { } speaker ? speaker.DisposeAsync() : ValueTask.CompletedTask;

    private async Task PumpAsync(ChannelWriter<ObjectEvent> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in _source.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                writer.TryWrite(change);
            }

            writer.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            LogSourceFailed(_logger, ex);
            writer.TryComplete(ex);
        }
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var plan = BgpNodePlanner.Plan(_store.ToInput(_options.NodeName, _options.RouterId, LocalInterfaces()) with { SecretsNamespace = _options.SecretsNamespace });
        foreach (var issue in plan.Issues)
        {
            if (issue.IsWarning)
            {
                LogConfigWarning(_logger, issue.ToString());
            }
            else
            {
                LogConfigError(_logger, issue.ToString());
            }
        }

        if (_speaker is null)
        {
            var ports = plan.Instances.Where(i => i.LocalPort is not null).Select(i => i.LocalPort!.Value).Distinct().ToArray();
            var speaker = new BgpSpeaker(new SpeakerOptions
            {
                ListenEndPoints = [.. ports.Select(p => new IPEndPoint(IPAddress.IPv6Any, p))],
                SocketFactory = _options.SocketFactory,
            }, _time, _loggers.CreateLogger<BgpSpeaker>());
            await speaker.StartAsync(cancellationToken).ConfigureAwait(false);
            _reconciler = new BgpReconciler(new SpeakerControl(speaker), _options.IdleHoldTime, _options.ExtendedMessages);
            Volatile.Write(ref _speaker, speaker);
            LogSpeakerStarted(_logger, _options.NodeName, ports);
        }

        var now = _time.GetUtcNow();
        foreach (var peer in plan.Peers)
        {
            foreach (var prefix in peer.Routes.Keys)
            {
                _firstSeen.TryAdd(prefix, now);
            }
        }

        var result = await _reconciler!.ReconcileAsync(plan, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _plan, plan);
        if (!result.IsEmpty)
        {
            LogReconciled(_logger, result.Added, result.Reset, result.Removed, result.RoutesUpdated);
        }

        _ready.TrySetResult();
    }

    private static Dictionary<string, IReadOnlyList<IPAddress>> LocalInterfaces()
    {
        var result = new Dictionary<string, IReadOnlyList<IPAddress>>(StringComparer.Ordinal);
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                result[nic.Name] = [.. nic.GetIPProperties().UnicastAddresses.Select(a => a.Address)];
            }
        }
        catch (NetworkInformationException)
        {
            // No interface list: Interface advertisements yield nothing.
        }

        return result;
    }
}
