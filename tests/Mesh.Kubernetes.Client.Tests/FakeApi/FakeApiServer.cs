using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Client.Watching;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client.Tests.FakeApi;

/// <summary>
/// An in-process API server with kube-apiserver's list/watch semantics for cluster-wide collections: one global
/// resourceVersion, LIST with limit/continue over a snapshot (items without kind/apiVersion), WATCH streaming
/// NDJSON events after a resourceVersion, bookmarks, compaction (watches from older versions get 410 as an ERROR
/// event or, optionally, as HTTP 410), timeoutSeconds, forced disconnects, injected 500s, bearer-token and
/// client-certificate checks, and TLS.
/// </summary>
internal sealed class FakeApiServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Path, string Line)> _events = [];
    private readonly List<FakeWatch> _watches = [];
    private readonly Dictionary<string, (List<string> Items, long Version)> _snapshots = new(StringComparer.Ordinal);
    private readonly List<string> _requests = [];
    private readonly HashSet<string> _notServed = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private long _version = 100;
    private long _compacted;
    private int _failNext;
    private bool _expireNextContinue;
    private int _unauthorized;
    private TaskCompletionSource? _suspended;

    private FakeApiServer(WebApplication app) => _app = app;

    /// <summary>Required bearer token; null accepts any request with no token checks.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Answer expired watches with HTTP 410 instead of a 200 stream holding an ERROR event.</summary>
    public bool GoneAsHttpStatus { get; set; }

    public Uri Address { get; private set; } = null!;

    /// <summary>Requests rejected for missing or wrong credentials.</summary>
    public int Unauthorized => Volatile.Read(ref _unauthorized);

    public static async Task<FakeApiServer> StartAsync(X509Certificate2? serverCertificate = null, X509Certificate2? clientCa = null, string? pathBase = null)
    {
        // No appsettings reload: each reload watcher costs an inotify instance (128 per user by default), and running out
        // makes the builder throw.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    if (clientCa is not null)
                    {
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (certificate, _, _) =>
                        {
                            using var chain = new X509Chain();
                            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                            chain.ChainPolicy.CustomTrustStore.Add(clientCa);
                            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                            return chain.Build(certificate);
                        };
                    }
                });
            }
        }));
        var app = builder.Build();
        var server = new FakeApiServer(app);
        if (pathBase is not null)
        {
            // Serve only below the prefix, as an API proxy does.
            app.UsePathBase(pathBase);
            app.Use((context, next) => context.Request.PathBase.HasValue ? next(context) : WriteStatusAsync(context, 404, "NotFound", "outside the path base"));
        }
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        server.Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + (pathBase ?? string.Empty));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        ResumeWatches();
        DisconnectWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Requests seen, as path and query.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    public int ListRequests(KubeResource resource) => Requests.Count(r => r.StartsWith(resource.Path + "?", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal));

    public IReadOnlyList<string> WatchRequests(KubeResource resource) => Requests.Where(r => r.StartsWith(resource.Path + "?", StringComparison.Ordinal) && r.Contains("watch=true", StringComparison.Ordinal)).ToList();

    /// <summary>Creates or replaces an object (by metadata namespace/name); returns its new resourceVersion.</summary>
    public long Apply(KubeResource resource, JsonObject obj)
    {
        lock (_gate)
        {
            var key = Key(obj);
            var store = Store(resource.Path);
            var type = store.ContainsKey(key) ? "MODIFIED" : "ADDED";
            var copy = (JsonObject)obj.DeepClone();
            copy["apiVersion"] ??= resource.ApiVersion;
            copy["kind"] ??= resource.Kind;
            var version = ++_version;
            ((JsonObject)copy["metadata"]!)["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            store[key] = copy;
            Publish(resource.Path, version, type, copy);
            return version;
        }
    }

    public void Delete(KubeResource resource, string key)
    {
        lock (_gate)
        {
            var store = Store(resource.Path);
            if (!store.Remove(key, out var obj))
            {
                throw new InvalidOperationException($"no {key} in {resource.Path}");
            }
            var version = ++_version;
            var copy = (JsonObject)obj.DeepClone();
            ((JsonObject)copy["metadata"]!)["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            Publish(resource.Path, version, "DELETED", copy);
        }
    }

    /// <summary>Forgets history: watches from an older resourceVersion and older continue tokens get 410.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compacted = _version;
            _events.Clear();
        }
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion to each open watch of <paramref name="resource"/>, then ends them cleanly.</summary>
    public void BookmarkAndEndWatches(KubeResource resource)
    {
        lock (_gate)
        {
            var line = Line("BOOKMARK", new JsonObject
            {
                ["kind"] = resource.Kind,
                ["apiVersion"] = resource.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
            });
            foreach (var watch in _watches.Where(w => w.Path == resource.Path))
            {
                watch.Lines.Writer.TryWrite(line);
                watch.Lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>Number of open watch streams (of <paramref name="resource"/>).</summary>
    public int OpenWatches(KubeResource resource)
    {
        lock (_gate)
        {
            return _watches.Count(w => w.Path == resource.Path);
        }
    }

    /// <summary>Aborts every open watch connection (a network failure, as the client sees it).</summary>
    public void DisconnectWatches()
    {
        lock (_gate)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryComplete();
                watch.Context.Abort();
            }
            _watches.Clear();
        }
    }

    /// <summary>Aborts open watches and holds new ones (before any response) until <see cref="ResumeWatches"/>.</summary>
    public void SuspendWatches()
    {
        lock (_gate)
        {
            _suspended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        DisconnectWatches();
    }

    public void ResumeWatches()
    {
        lock (_gate)
        {
            _suspended?.TrySetResult();
            _suspended = null;
        }
    }

    /// <summary>The next LIST page requested with a continue token gets 410 Expired.</summary>
    public void ExpireNextContinue()
    {
        lock (_gate)
        {
            _expireNextContinue = true;
        }
    }

    /// <summary>Writes <paramref name="line"/> as is (plus a newline) to each open watch of <paramref name="resource"/>.</summary>
    public void SendRawLine(KubeResource resource, string line)
    {
        lock (_gate)
        {
            foreach (var watch in _watches.Where(w => w.Path == resource.Path))
            {
                watch.Lines.Writer.TryWrite(line + "\n");
            }
        }
    }

    /// <summary>Sends an ERROR event with <paramref name="code"/> to each open watch of <paramref name="resource"/> and ends them.</summary>
    public void SendErrorAndEndWatches(KubeResource resource, int code)
    {
        lock (_gate)
        {
            var line = Line("ERROR", StatusObject(code, "InternalError", "injected watch error"));
            foreach (var watch in _watches.Where(w => w.Path == resource.Path))
            {
                watch.Lines.Writer.TryWrite(line);
                watch.Lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>Whether <paramref name="resource"/> answers 404 (as when its CRD is not installed).</summary>
    public void SetServed(KubeResource resource, bool served)
    {
        lock (_gate)
        {
            if (served)
            {
                _notServed.Remove(resource.Path);
            }
            else
            {
                _notServed.Add(resource.Path);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests fail with 500.</summary>
    public void FailNextRequests(int count) => Interlocked.Exchange(ref _failNext, count);

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        lock (_gate)
        {
            _requests.Add(request.Path + request.QueryString);
        }
        if (RequiredToken is { } token && request.Headers.Authorization.ToString() != $"Bearer {token}")
        {
            Interlocked.Increment(ref _unauthorized);
            await WriteStatusAsync(context, 401, "Unauthorized", "Unauthorized");
            return;
        }
        if (TakeFailure())
        {
            await WriteStatusAsync(context, 500, "InternalError", "injected failure");
            return;
        }
        bool notServed;
        lock (_gate)
        {
            notServed = _notServed.Contains(request.Path.Value ?? string.Empty);
        }
        if (notServed)
        {
            await WriteStatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }
        if (request.Query["watch"] == "true")
        {
            await WatchAsync(context);
        }
        else
        {
            await ListAsync(context);
        }
    }

    private bool TakeFailure()
    {
        while (true)
        {
            var current = Volatile.Read(ref _failNext);
            if (current <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _failNext, current - 1, current) == current)
            {
                return true;
            }
        }
    }

    private async Task ListAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var limit = int.TryParse(context.Request.Query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var token = context.Request.Query["continue"].ToString();
        List<string> items;
        long version;
        int offset;
        lock (_gate)
        {
            if (token.Length == 0)
            {
                version = _version;
                items = Store(path).Values.Select(ListItem).ToList();
                offset = 0;
            }
            else
            {
                var parts = token.Split(':');
                if (_expireNextContinue || !_snapshots.TryGetValue(parts[0], out var snapshot) || snapshot.Version < _compacted)
                {
                    _expireNextContinue = false;
                    version = 0;
                    items = [];
                    offset = -1;
                }
                else
                {
                    (items, version) = snapshot;
                    offset = int.Parse(parts[1], CultureInfo.InvariantCulture);
                }
            }
        }
        if (offset < 0)
        {
            await WriteStatusAsync(context, 410, "Expired", "The provided continue parameter is too old");
            return;
        }
        var page = items.Skip(offset).Take(limit).ToList();
        var next = string.Empty;
        if (offset + page.Count < items.Count)
        {
            var id = token.Length == 0 ? Guid.NewGuid().ToString("N") : token.Split(':')[0];
            lock (_gate)
            {
                _snapshots[id] = (items, version);
            }
            next = $"{id}:{(offset + page.Count).ToString(CultureInfo.InvariantCulture)}";
        }
        var body = new StringBuilder()
            .Append("{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"")
            .Append(version.ToString(CultureInfo.InvariantCulture)).Append('"');
        if (next.Length > 0)
        {
            body.Append(",\"continue\":\"").Append(next).Append('"');
        }
        body.Append("},\"items\":[").AppendJoin(',', page).Append("]}");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToString());
    }

    private async Task WatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var aborted = context.RequestAborted;
        Task? hold;
        lock (_gate)
        {
            hold = _suspended?.Task;
        }
        if (hold is not null)
        {
            try
            {
                await hold.WaitAsync(aborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        if (!long.TryParse(context.Request.Query["resourceVersion"], CultureInfo.InvariantCulture, out var from))
        {
            await WriteStatusAsync(context, 400, "BadRequest", "this fake needs a resourceVersion to watch from");
            return;
        }
        var seconds = int.TryParse(context.Request.Query["timeoutSeconds"], CultureInfo.InvariantCulture, out var s) ? s : 1800;
        FakeWatch? watch = null;
        List<string> backlog;
        bool expired;
        lock (_gate)
        {
            expired = from < _compacted;
            backlog = expired ? [] : _events.Where(e => e.Path == path && e.Version > from).Select(e => e.Line).ToList();
            if (!expired)
            {
                watch = new FakeWatch(path, context);
                _watches.Add(watch);
            }
        }
        if (expired)
        {
            const string message = "too old resource version";
            if (GoneAsHttpStatus)
            {
                await WriteStatusAsync(context, 410, "Expired", message);
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Line("ERROR", StatusObject(410, "Expired", message)));
            return;
        }
        try
        {
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(aborted);
            foreach (var line in backlog)
            {
                await context.Response.WriteAsync(line, aborted);
            }
            await context.Response.Body.FlushAsync(aborted);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
            await foreach (var line in watch!.Lines.Reader.ReadAllAsync(timeout.Token))
            {
                await context.Response.WriteAsync(line, aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException)
        {
            // Timed out (ends the response cleanly) or aborted.
        }
        catch (IOException)
        {
            // Client went away.
        }
        finally
        {
            lock (_gate)
            {
                _watches.Remove(watch!);
            }
        }
    }

    private void Publish(string path, long version, string type, JsonObject obj)
    {
        var line = Line(type, obj);
        _events.Add((version, path, line));
        foreach (var watch in _watches.Where(w => w.Path == path))
        {
            watch.Lines.Writer.TryWrite(line);
        }
    }

    private SortedDictionary<string, JsonObject> Store(string path)
    {
        if (!_objects.TryGetValue(path, out var store))
        {
            store = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[path] = store;
        }
        return store;
    }

    private static string Key(JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject ?? throw new ArgumentException("object without metadata");
        var name = metadata["name"]?.GetValue<string>() ?? throw new ArgumentException("object without name");
        return metadata["namespace"]?.GetValue<string>() is { Length: > 0 } ns ? $"{ns}/{name}" : name;
    }

    /// <summary>As kube-apiserver lists them: no kind or apiVersion on items.</summary>
    private static string ListItem(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("kind");
        copy.Remove("apiVersion");
        return copy.ToJsonString();
    }

    private static string Line(string type, JsonObject obj) =>
        new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";

    private static JsonObject StatusObject(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private static async Task WriteStatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(StatusObject(code, reason, message).ToJsonString());
    }
}
