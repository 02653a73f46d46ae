using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Mesh.Kubernetes.Client.Http;
using Mesh.Kubernetes.Objects;
using Mesh.Kubernetes.Reading;
using Mesh.Kubernetes.Sources;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client.Watching;

/// <summary>
/// List-then-watch of one resource, like an informer: a paginated LIST, then a WATCH from the list's
/// resourceVersion (bookmarks advance it); a watch the server ends is resumed from the last resourceVersion,
/// a broken one after a backoff, and 410 Gone relists and reports the difference against what was reported
/// before. One loop owns the cache of reported objects.
/// </summary>
internal sealed partial class ResourceWatcher
{
    private readonly HttpClient _http;

    /// <summary>The server URL without trailing slash; it may carry a path prefix (API proxies).</summary>
    private readonly string _collection;
    private readonly KubeResource _resource;
    private readonly KubernetesClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExponentialBackoff _backoff;

    /// <summary>Reported objects by raw <c>namespace/name</c>, with the resourceVersion they were read at.</summary>
    private readonly Dictionary<string, (IKubeObject Object, string ResourceVersion)> _cache = new(StringComparer.Ordinal);
    private string _resourceVersion = string.Empty;

    public ResourceWatcher(HttpClient http, Uri server, KubeResource resource, KubernetesClientOptions options, TimeProvider time, ILogger logger)
    {
        _http = http;
        _collection = server.GetLeftPart(UriPartial.Path).TrimEnd('/') + resource.Path;
        _resource = resource;
        _options = options;
        _time = time;
        _logger = logger;
        _backoff = new ExponentialBackoff(options.InitialBackoff, options.MaxBackoff);
    }

    /// <summary>Runs until cancelled; unexpected exceptions (bugs) complete <paramref name="output"/> with the error.</summary>
    public async Task RunAsync(ChannelWriter<ObjectEvent> output, InitialSyncBarrier barrier, CancellationToken cancellationToken)
    {
        try
        {
            await LoopAsync(output, barrier, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }
    }

    private async Task LoopAsync(ChannelWriter<ObjectEvent> output, InitialSyncBarrier barrier, CancellationToken cancellationToken)
    {
        var listed = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var operation = "list";
            try
            {
                if (_resourceVersion.Length == 0)
                {
                    var (items, resourceVersion) = await ListAsync(cancellationToken);
                    var (upserts, deletes) = await ApplyListAsync(items, output, cancellationToken);
                    _resourceVersion = resourceVersion;
                    _backoff.Reset();
                    if (!listed)
                    {
                        LogListed(_resource, _cache.Count, resourceVersion);
                        listed = true;
                        await barrier.ListedAsync(cancellationToken);
                    }
                    else
                    {
                        LogRelisted(_resource, resourceVersion, upserts, deletes);
                    }
                }
                operation = "watch";
                var from = _resourceVersion;
                var started = _time.GetTimestamp();
                var events = await WatchAsync(output, cancellationToken);
                LogWatchEnded(_resource, from, events);
                if (events == 0 && _time.GetElapsedTime(started) < TimeSpan.FromSeconds(1))
                {
                    // Ended at once with nothing: do not spin against a server that keeps closing watches.
                    await Task.Delay(_backoff.Next(), _time, cancellationToken);
                }
            }
            catch (KubeApiException e) when (e.IsGone)
            {
                var duringList = _resourceVersion.Length == 0;
                LogExpired(_resource, duringList ? "(list continue token)" : _resourceVersion);
                _resourceVersion = string.Empty;
                if (duringList)
                {
                    // A list that keeps expiring mid-way: pause before the next one.
                    await Task.Delay(_backoff.Next(), _time, cancellationToken);
                }
            }
            catch (KubeApiException e) when (e.StatusCode == 404 && !listed)
            {
                // The resource is not served (its CRD is not installed): it has no objects. Count it as listed so the
                // other resources can sync, and keep asking; when it appears, its objects arrive as upserts.
                LogNotServed(_resource, _options.MaxBackoff);
                listed = true;
                await barrier.ListedAsync(cancellationToken);
                await Task.Delay(_options.MaxBackoff, _time, cancellationToken);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                var delay = _backoff.Next();
                LogFailed(_resource, operation, Describe(e), delay);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        HttpRequestException or IOException or JsonException or KubeApiException => true,
        _ => false,
    };

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "timed out",
        KubeApiException { StatusCode: 401 or 403 } => $"{e.Message} (check the credentials and RBAC)",
        KubeApiException { StatusCode: 404 } => $"{e.Message} (resource not served; is its CRD installed?)",
        _ when e.InnerException is { } inner => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };

    /// <summary>Every page of a consistent LIST; the items and the resourceVersion of the snapshot.</summary>
    private async Task<(List<JsonElement> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        string? resourceVersion = null;
        var next = string.Empty;
        do
        {
            var uri = new StringBuilder(_collection)
                .Append("?limit=").Append(_options.PageSize.ToString(CultureInfo.InvariantCulture));
            if (next.Length > 0)
            {
                uri.Append("&continue=").Append(Uri.EscapeDataString(next));
            }
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await _http.GetAsync(new Uri(uri.ToString()), HttpCompletionOption.ResponseHeadersRead, linked.Token);
            await EnsureSuccessAsync(response, linked.Token);
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            using var document = await JsonDocument.ParseAsync(stream, default, linked.Token);
            var root = document.RootElement;
            var metadata = root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            // Every page shares the first page's snapshot.
            resourceVersion ??= StringProperty(metadata, "resourceVersion");
            next = StringProperty(metadata, "continue");
            if (root.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    items.Add(item.Clone());
                }
            }
        }
        while (next.Length > 0);
        if (string.IsNullOrEmpty(resourceVersion))
        {
            throw new JsonException($"LIST {_collection} returned no metadata.resourceVersion");
        }
        return (items, resourceVersion);
    }

    /// <summary>Reports what differs from the cache: new or changed objects, then the ones that vanished.</summary>
    private async Task<(int Upserts, int Deletes)> ApplyListAsync(List<JsonElement> items, ChannelWriter<ObjectEvent> output, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var upserts = 0;
        foreach (var raw in items)
        {
            var key = RawKey(raw);
            seen.Add(key);
            var resourceVersion = RawResourceVersion(raw);
            if (_cache.TryGetValue(key, out var known) && known.ResourceVersion == resourceVersion && resourceVersion.Length > 0)
            {
                continue;
            }
            if (TryRead(raw) is { } obj)
            {
                _cache[key] = (obj, resourceVersion);
                await output.WriteAsync(new ObjectEvent(ObjectEventType.Upsert, obj), cancellationToken);
                upserts++;
            }
        }
        var deletes = 0;
        foreach (var key in _cache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            var gone = _cache[key].Object;
            _cache.Remove(key);
            await output.WriteAsync(new ObjectEvent(ObjectEventType.Delete, gone), cancellationToken);
            deletes++;
        }
        return (upserts, deletes);
    }

    /// <summary>One watch from <see cref="_resourceVersion"/> until the server ends it; returns the events seen.</summary>
    private async Task<int> WatchAsync(ChannelWriter<ObjectEvent> output, CancellationToken cancellationToken)
    {
        var seconds = (long)Math.Ceiling(_options.WatchTimeout.TotalSeconds);
        var uri = $"{_collection}?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(_resourceVersion)}" +
                  $"&timeoutSeconds={seconds.ToString(CultureInfo.InvariantCulture)}";
        // The server ends the watch after timeoutSeconds; a watch silent for longer than that is dead.
        using var stalled = new CancellationTokenSource(_options.WatchTimeout + _options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stalled.Token);
        using var response = await _http.GetAsync(new Uri(uri), HttpCompletionOption.ResponseHeadersRead, linked.Token);
        await EnsureSuccessAsync(response, linked.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var events = 0;
        while (await reader.ReadLineAsync(linked.Token) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object ? StringProperty(root, "type") : string.Empty;
            if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object || type.Length == 0)
            {
                throw new JsonException($"watch event without type or object: {Truncate(line)}");
            }
            events++;
            _backoff.Reset();
            switch (type)
            {
                case "ADDED" or "MODIFIED":
                    await UpsertAsync(obj, output, cancellationToken);
                    break;
                case "DELETED":
                    await DeleteAsync(obj, output, cancellationToken);
                    break;
                case "BOOKMARK":
                    if (RawResourceVersion(obj) is { Length: > 0 } bookmark)
                    {
                        _resourceVersion = bookmark;
                    }
                    break;
                case "ERROR":
                    var code = obj.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var parsed) ? parsed : 500;
                    throw new KubeApiException(code, StringProperty(obj, "message"));
                default:
                    LogUnknownEvent(_resource, type);
                    break;
            }
        }
        return events;
    }

    private async Task UpsertAsync(JsonElement raw, ChannelWriter<ObjectEvent> output, CancellationToken cancellationToken)
    {
        var key = RawKey(raw);
        var resourceVersion = RawResourceVersion(raw);
        if (resourceVersion.Length > 0)
        {
            _resourceVersion = resourceVersion;
        }
        if (_cache.TryGetValue(key, out var known) && known.ResourceVersion == resourceVersion && resourceVersion.Length > 0)
        {
            return;
        }
        // A version that does not read leaves the last good one in place.
        if (TryRead(raw) is { } obj)
        {
            _cache[key] = (obj, resourceVersion);
            await output.WriteAsync(new ObjectEvent(ObjectEventType.Upsert, obj), cancellationToken);
        }
    }

    private async Task DeleteAsync(JsonElement raw, ChannelWriter<ObjectEvent> output, CancellationToken cancellationToken)
    {
        var key = RawKey(raw);
        if (RawResourceVersion(raw) is { Length: > 0 } resourceVersion)
        {
            _resourceVersion = resourceVersion;
        }
        if (_cache.Remove(key, out var known))
        {
            // Report the final state when it reads, else the last one reported.
            var last = TryRead(raw, log: false) ?? known.Object;
            await output.WriteAsync(new ObjectEvent(ObjectEventType.Delete, last), cancellationToken);
        }
    }

    /// <summary>The typed object; null for kinds Mesh ignores and (logged) for objects that do not read.</summary>
    private IKubeObject? TryRead(JsonElement raw, bool log = true)
    {
        var typed = WithTypeMeta(raw);
        try
        {
            return KubeObjectReader.Read(typed);
        }
        catch (KubeObjectException e)
        {
            if (log)
            {
                LogSkipped(_resource, KubeObjectReader.Describe(typed), e.Message);
            }
            return null;
        }
    }

    /// <summary>LIST items carry no kind/apiVersion; the reader needs them.</summary>
    private JsonElement WithTypeMeta(JsonElement raw)
    {
        if (raw.ValueKind != JsonValueKind.Object || (raw.TryGetProperty("kind", out _) && raw.TryGetProperty("apiVersion", out _)))
        {
            return raw;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", raw.TryGetProperty("apiVersion", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : _resource.ApiVersion);
            writer.WriteString("kind", raw.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : _resource.Kind);
            foreach (var property in raw.EnumerateObject())
            {
                if (property.Name is not "apiVersion" and not "kind")
                {
                    property.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static string RawKey(JsonElement raw)
    {
        var metadata = raw.ValueKind == JsonValueKind.Object && raw.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var ns = StringProperty(metadata, "namespace");
        var name = StringProperty(metadata, "name");
        return ns.Length == 0 ? name : $"{ns}/{name}";
    }

    private static string RawResourceVersion(JsonElement raw) =>
        raw.ValueKind == JsonValueKind.Object && raw.TryGetProperty("metadata", out var m) ? StringProperty(m, "resourceVersion") : string.Empty;

    private static string StringProperty(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? string.Empty : string.Empty;

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var message = response.ReasonPhrase ?? string.Empty;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var document = JsonDocument.Parse(body);
            if (StringProperty(document.RootElement, "message") is { Length: > 0 } text)
            {
                message = text;
            }
        }
        catch (JsonException)
        {
            // Not a Status object; the reason phrase will do.
        }
        throw new KubeApiException(response.StatusCode == HttpStatusCode.Gone ? 410 : (int)response.StatusCode, message);
    }

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
