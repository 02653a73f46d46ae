using System.Threading.Channels;
using Mesh.Bpf;
using Mesh.Bpf.Loader;
using Mesh.Bpf.Maps.Layouts;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Sources;
using Microsoft.Extensions.Logging;

namespace Mesh.NodeAgent.Host.Programs;

/// <summary>
/// Attaches <c>mesh_lxc.o</c> to the host-side interface of every local endpoint that names one (see
/// <see cref="EndpointInterface"/>) and detaches it when the endpoint leaves. One loop owns all state; the
/// CiliumEndpoints come from the local cluster's object source, failed attaches retry with backoff.
/// <para>
/// Each endpoint gets its own load of the object, bound to the agent's pinned maps (<see cref="EndpointDatapathOptions.PinDirectory"/>)
/// and to its policy map <c>cilium_policy_v2_&lt;id&gt;</c>. That map belongs to the agent's policy reconciler: an
/// endpoint is attached only once its map exists (until then the attach is retried), so the programs never bind a
/// map the policy side would replace. The programs are attached with replace semantics and the object is
/// closed: the clsact filters keep the programs alive. So stopping the agent leaves the datapath working, and a
/// restarted agent swaps in new programs atomically, over the same pinned conntrack map, without a moment of
/// unfiltered traffic or a dropped connection.
/// </para>
/// When an endpoint leaves, both filters are removed (a deleted interface took them with it: that is success); its
/// policy map is left to the policy reconciler, which removes it.
/// </summary>
internal sealed partial class EndpointDatapathManager
{
    private static readonly TimeSpan RetryTick = TimeSpan.FromMilliseconds(100);

    private readonly EndpointDatapathOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Tracked> _endpoints = new(StringComparer.Ordinal);
    private EndpointDatapathStatus[] _status = [];

    public EndpointDatapathManager(EndpointDatapathOptions options, TimeProvider time, ILogger<EndpointDatapathManager> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.PinDirectory);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Every endpoint that names an interface, ordered by name: a snapshot, swapped after each change.</summary>
    public IReadOnlyList<EndpointDatapathStatus> Status => Volatile.Read(ref _status);

    /// <summary>True once the source's initial list has been handled.</summary>
    public bool Synced { get; private set; }

    public async Task RunAsync(IObjectSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var work = Channel.CreateUnbounded<ObjectEvent?>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(source, work.Writer, stop.Token);
        var ticks = TickAsync(work.Writer, stop.Token);
        try
        {
            await foreach (var change in work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (change is null)
                {
                    await RetryDueAsync().ConfigureAwait(false);
                    continue;
                }
                await HandleAsync(change).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pump, ticks).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        // Filters stay attached on purpose: the next agent replaces them in place.
    }

    private static async Task PumpAsync(IObjectSource source, ChannelWriter<ObjectEvent?> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in source.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (change.Type == ObjectEventType.Synced || change.Item is CiliumEndpoint)
                {
                    await writer.WriteAsync(change, cancellationToken).ConfigureAwait(false);
                }
            }
            writer.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }

    private async Task TickAsync(ChannelWriter<ObjectEvent?> writer, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RetryTick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                writer.TryWrite(null);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task HandleAsync(ObjectEvent change)
    {
        if (change.Type == ObjectEventType.Synced)
        {
            Synced = true;
            return;
        }
        var endpoint = (CiliumEndpoint)change.Item!;
        var key = endpoint.Metadata.Key;
        EndpointInterface? desired = null;
        string? problem = null;
        if (change.Type != ObjectEventType.Delete)
        {
            desired = EndpointInterface.From(endpoint, out problem);
        }
        _endpoints.TryGetValue(key, out var current);
        if (current?.Attached is { } attached && attached != desired)
        {
            await DetachAsync(attached).ConfigureAwait(false);
            current = current with { Attached = null };
        }
        if (desired is null && problem is null)
        {
            _endpoints.Remove(key);
        }
        else if (desired is null)
        {
            LogUnusable(key, problem!);
            _endpoints[key] = new Tracked(key, null, null, new Failure(problem!, 1, DateTimeOffset.MaxValue), null);
        }
        else if (current?.Attached != desired)
        {
            _endpoints[key] = await AttachAsync(key, desired, current?.Failure).ConfigureAwait(false);
        }
        Publish();
    }

    private async Task RetryDueAsync()
    {
        var now = _time.GetUtcNow();
        var changed = false;
        foreach (var tracked in _endpoints.Values.ToList())
        {
            if (tracked.Desired is { } desired && tracked.Attached is null && tracked.Failure is { } failure && failure.NextAttempt <= now)
            {
                _endpoints[tracked.Key] = await AttachAsync(tracked.Key, desired, failure).ConfigureAwait(false);
                changed = true;
            }
        }
        if (changed)
        {
            Publish();
        }
    }

    private async Task<Tracked> AttachAsync(string key, EndpointInterface desired, Failure? previous)
    {
        try
        {
            var policyPin = PolicyPin(desired.EndpointId);
            if (!File.Exists(policyPin))
            {
                throw new InvalidOperationException($"policy map {policyPin} does not exist yet");
            }
            using var datapath = BpfObject.Load(_options.ObjectPath, new BpfObjectOptions
            {
                PinDirectory = _options.PinDirectory,
                MapPins = new Dictionary<string, string> { ["cilium_policy_v2"] = policyPin },
            });
            var from = datapath.Program("mesh_from_container").Fd;
            var to = datapath.Program("mesh_to_container").Fd;
            // The object stays open until both filters hold their program.
            var (index, ingress, egress) = await NetworkNamespaceThread.RunAsync(_options.NetworkNamespacePath, () =>
            {
                var index = TcAttachment.InterfaceIndex(desired.InterfaceName)
                    ?? throw new TcAttachException($"no interface {desired.InterfaceName}{(_options.NetworkNamespacePath is { } ns ? $" in {ns}" : string.Empty)}");
                return (index, TcAttachment.Attach(index, TcDirection.Ingress, from), TcAttachment.Attach(index, TcDirection.Egress, to));
            }).ConfigureAwait(false);
            LogAttached(key, desired.InterfaceName, index, desired.EndpointId, ingress, egress);
            return new Tracked(key, desired, desired, null, new AttachedPrograms(index, ingress, egress));
        }
        catch (Exception e) when (e is BpfLoadException or BpfException or TcAttachException or KeyNotFoundException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            var failures = (previous?.Failures ?? 0) + 1;
            var delay = TimeSpan.FromTicks(Math.Min(_options.MaxRetryDelay.Ticks, _options.MinRetryDelay.Ticks << Math.Min(failures - 1, 20)));
            LogAttachFailed(key, desired.InterfaceName, failures, delay, e.Message);
            return new Tracked(key, desired, null, new Failure(e.Message, failures, _time.GetUtcNow() + delay), null);
        }
    }

    private async Task DetachAsync(EndpointInterface attached)
    {
        try
        {
            await NetworkNamespaceThread.RunAsync(_options.NetworkNamespacePath, () =>
            {
                // The interface may be gone already (the pod's veth was deleted): its filters went with it.
                if (TcAttachment.InterfaceIndex(attached.InterfaceName) is { } index)
                {
                    TcAttachment.Detach(index, TcDirection.Ingress);
                    TcAttachment.Detach(index, TcDirection.Egress);
                }
                return true;
            }).ConfigureAwait(false);
            LogDetached(attached.Endpoint, attached.InterfaceName);
        }
        catch (Exception e) when (e is TcAttachException or InvalidOperationException)
        {
            LogDetachFailed(attached.Endpoint, attached.InterfaceName, e.Message);
        }
    }

    private string PolicyPin(ushort endpointId) => Path.Combine(_options.PinDirectory, CiliumMaps.Policy(endpointId).Name);

    private void Publish()
    {
        var status = _endpoints.Values
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new EndpointDatapathStatus(
                t.Key,
                t.Desired?.EndpointId ?? 0,
                t.Desired?.InterfaceName ?? string.Empty,
                t.Programs?.InterfaceIndex,
                t.Programs?.Ingress,
                t.Programs?.Egress,
                t.Failure?.Error,
                t.Failure?.Failures ?? 0))
            .ToArray();
        Volatile.Write(ref _status, status);
    }

    private sealed record Tracked(string Key, EndpointInterface? Desired, EndpointInterface? Attached, Failure? Failure, AttachedPrograms? Programs);

    private sealed record Failure(string Error, int Failures, DateTimeOffset NextAttempt);

    private sealed record AttachedPrograms(int InterfaceIndex, uint Ingress, uint Egress);
}
