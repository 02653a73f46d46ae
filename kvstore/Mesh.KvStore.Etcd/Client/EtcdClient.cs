using System.Runtime.CompilerServices;
using Google.Protobuf;
using Mesh.Grpc;
using Mesh.Grpc.Calls;
using Mesh.KvStore.Etcd.Connection;
using Mesh.KvStore.Etcd.Limits;
using Mesh.KvStore.Etcd.Protocol;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Mesh.KvStore.Etcd.Client;

/// <summary>
/// The etcd v3 client: unary calls go through the rate limiter and a Polly retry pipeline that fails over to the
/// next endpoint on Unavailable; watches and lease keep-alives each own a bidirectional stream that is re-established
/// with backoff after a connection loss.
/// </summary>
internal sealed partial class EtcdClient : IEtcdClient
{
    private static readonly TimeSpan MinKeepAliveInterval = TimeSpan.FromMilliseconds(500);

    private readonly EtcdClientOptions _options;
    private readonly EtcdEndpointPool _endpoints;
    private readonly EtcdRateLimiter _limiter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _readPipeline;
    private readonly ResiliencePipeline _writePipeline;
    private readonly ResiliencePipeline _streamPipeline;
    private readonly SemaphoreSlim _authGate = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private EtcdCallCredentials _credentials;
    private bool _authResolved;

    public EtcdClient(EtcdClientOptions options, EtcdEndpointPool endpoints, ILogger logger, TimeProvider timeProvider)
    {
        _options = options;
        _endpoints = endpoints;
        _logger = logger;
        _timeProvider = timeProvider;
        _limiter = new EtcdRateLimiter(options.BootstrapQps, options.Qps, options.MaxInflight, timeProvider);
        _credentials = EtcdCallCredentials.Create(null, options.RequestTimeout);
        _authResolved = options.Username is null;
        _readPipeline = BuildPipeline(options.MaxRetryAttempts, IsRetryableRead);
        _writePipeline = BuildPipeline(options.MaxRetryAttempts, IsRetryableWrite);
        _streamPipeline = BuildPipeline(int.MaxValue, IsRetryableRead);
    }

    public Uri CurrentEndpoint => _endpoints.Current.Address;

    public async Task<EtcdRangeResult> RangeAsync(EtcdRangeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await UnaryAsync(EtcdMethods.Range, EtcdConvert.ToProto(request), idempotent: true, cancellationToken);
        return EtcdConvert.ToResult(response);
    }

    public async Task<EtcdPutResult> PutAsync(EtcdPutRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await UnaryAsync(EtcdMethods.Put, EtcdConvert.ToProto(request), idempotent: false, cancellationToken);
        return EtcdConvert.ToResult(response);
    }

    public async Task<EtcdDeleteResult> DeleteAsync(EtcdDeleteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await UnaryAsync(EtcdMethods.DeleteRange, EtcdConvert.ToProto(request), idempotent: false, cancellationToken);
        return EtcdConvert.ToResult(response);
    }

    public async Task<EtcdTxnResult> TxnAsync(EtcdTxnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var readOnly = IsReadOnly(request);
        var message = new TxnRequestWriter(request);
        if (request.WithoutResults)
        {
            var summary = await UnaryAsync(EtcdMethods.TxnSummary, message, idempotent: readOnly, cancellationToken);
            return new EtcdTxnResult(EtcdConvert.ToHeader(summary.Header), summary.Succeeded, []);
        }
        var response = await UnaryAsync(EtcdMethods.Txn, message, idempotent: readOnly, cancellationToken);
        return EtcdConvert.ToResult(response);
    }

    public async Task<EtcdHeader> CompactAsync(long revision, bool physical = false, CancellationToken cancellationToken = default)
    {
        var response = await UnaryAsync(EtcdMethods.Compact, new CompactionRequest { Revision = revision, Physical = physical }, idempotent: false, cancellationToken);
        return EtcdConvert.ToHeader(response.Header);
    }

    public async IAsyncEnumerable<EtcdWatchResponse> WatchAsync(EtcdWatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Disposing the client ends its watches (as cancellation) instead of leaving them retrying.
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        cancellationToken = lifetime.Token;
        var nextRevision = request.StartRevision;
        var barrenStreams = 0;
        while (true)
        {
            if (barrenStreams > 0)
            {
                // The last stream broke right after it was created: back off before hammering the endpoint again.
                await Task.Delay(Backoff(barrenStreams), _timeProvider, cancellationToken);
            }
            var (call, response, channel) = await OpenWatchAsync(request, nextRevision, cancellationToken);
            var finished = false;
            var responses = 0;
            try
            {
                while (response is not null)
                {
                    responses++;
                    nextRevision = NextRevision(nextRevision, response);
                    var result = EtcdConvert.ToResult(response);
                    if (result.Canceled)
                    {
                        Log.WatchCanceled(_logger, request.Key, result.CancelReason, result.CompactRevision);
                        finished = true;
                    }
                    yield return result;
                    if (finished)
                    {
                        yield break;
                    }
                    response = await ReadWatchAsync(call, channel, request, nextRevision, cancellationToken);
                }
            }
            finally
            {
                await CloseWatchAsync(call, finished, cancellationToken);
            }
            barrenStreams = responses > 1 ? 0 : barrenStreams + 1;
        }
    }

    public async Task<EtcdLeaseGrant> LeaseGrantAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        var seconds = (long)Math.Ceiling(ttl.TotalSeconds);
        var response = await UnaryAsync(EtcdMethods.LeaseGrant, new LeaseGrantRequest { TTL = seconds }, idempotent: false, cancellationToken);
        if (response.Error.Length > 0)
        {
            throw new GrpcException(GrpcStatusCode.Unknown, response.Error);
        }
        return new EtcdLeaseGrant(EtcdConvert.ToHeader(response.Header), response.ID, TimeSpan.FromSeconds(response.TTL));
    }

    public async Task<EtcdHeader> LeaseRevokeAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        var response = await UnaryAsync(EtcdMethods.LeaseRevoke, new LeaseRevokeRequest { ID = leaseId }, idempotent: true, cancellationToken);
        return EtcdConvert.ToHeader(response.Header);
    }

    public async Task<EtcdLeaseKeepAlive> LeaseKeepAliveOnceAsync(long leaseId, CancellationToken cancellationToken = default)
    {
        var (call, first, _) = await OpenKeepAliveAsync(leaseId, _readPipeline, cancellationToken);
        await using (call)
        {
            return first;
        }
    }

    public async IAsyncEnumerable<EtcdLeaseKeepAlive> LeaseKeepAliveAsync(long leaseId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        cancellationToken = lifetime.Token;
        while (true)
        {
            var (call, response, channel) = await OpenKeepAliveAsync(leaseId, _streamPipeline, cancellationToken);
            await using (call)
            {
                while (response is not null)
                {
                    yield return response;
                    if (response.IsExpired)
                    {
                        yield break;
                    }
                    var interval = response.Ttl / 3;
                    await Task.Delay(interval < MinKeepAliveInterval ? MinKeepAliveInterval : interval, _timeProvider, cancellationToken);
                    response = await RenewAsync(call, channel, leaseId, cancellationToken);
                }
            }
        }
    }

    public async Task<EtcdLeaseTimeToLive> LeaseTimeToLiveAsync(long leaseId, bool keys = false, CancellationToken cancellationToken = default)
    {
        var response = await UnaryAsync(EtcdMethods.LeaseTimeToLive, new LeaseTimeToLiveRequest { ID = leaseId, Keys = keys }, idempotent: true, cancellationToken);
        var names = new string[response.Keys.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = response.Keys[i].ToStringUtf8();
        }
        return new EtcdLeaseTimeToLive(EtcdConvert.ToHeader(response.Header), response.ID, TimeSpan.FromSeconds(response.TTL),
            TimeSpan.FromSeconds(response.GrantedTTL), names);
    }

    public async Task AuthenticateAsync(CancellationToken cancellationToken = default)
    {
        if (_options.Username is null)
        {
            throw new InvalidOperationException("no username is configured");
        }
        await _readPipeline.ExecuteAsync(
            static async (client, token) =>
            {
                var channel = client._endpoints.Current;
                try
                {
                    await client.RefreshCredentialsAsync(channel, stale: null, token);
                }
                catch (GrpcException e) when (e.IsRetryable)
                {
                    client.Failover(channel, e);
                    throw;
                }
            },
            this,
            cancellationToken);
    }

    public Task UserAddAsync(string name, string password, CancellationToken cancellationToken = default) =>
        UnaryAsync(EtcdMethods.UserAdd, new AuthUserAddRequest { Name = name, Password = password }, idempotent: false, cancellationToken);

    public Task RoleAddAsync(string name, CancellationToken cancellationToken = default) =>
        UnaryAsync(EtcdMethods.RoleAdd, new AuthRoleAddRequest { Name = name }, idempotent: false, cancellationToken);

    public Task RoleGrantPermissionAsync(string role, EtcdPermissionType type, string key, string? rangeEnd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var permission = new Permission
        {
            PermType = EtcdConvert.ToProto(type),
            Key = EtcdConvert.Key(key),
            RangeEnd = EtcdConvert.RangeEnd(key, prefix: false, rangeEnd),
        };
        return UnaryAsync(EtcdMethods.RoleGrantPermission, new AuthRoleGrantPermissionRequest { Name = role, Perm = permission }, idempotent: true, cancellationToken);
    }

    public Task UserGrantRoleAsync(string user, string role, CancellationToken cancellationToken = default) =>
        UnaryAsync(EtcdMethods.UserGrantRole, new AuthUserGrantRoleRequest { User = user, Role = role }, idempotent: true, cancellationToken);

    public Task AuthEnableAsync(CancellationToken cancellationToken = default) =>
        UnaryAsync(EtcdMethods.AuthEnable, new AuthEnableRequest(), idempotent: true, cancellationToken);

    public Task AuthDisableAsync(CancellationToken cancellationToken = default) =>
        UnaryAsync(EtcdMethods.AuthDisable, new AuthDisableRequest(), idempotent: true, cancellationToken);

    public async Task<EtcdStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        var response = await UnaryAsync(EtcdMethods.Status, new StatusRequest(), idempotent: true, cancellationToken);
        return EtcdConvert.ToResult(response);
    }

    public void MarkInitialSyncDone()
    {
        _limiter.MarkInitialSyncDone();
        Log.InitialSyncDone(_logger, _options.Qps);
    }

    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }
        await _lifetime.CancelAsync();
        _endpoints.Dispose();
        _limiter.Dispose();
        _authGate.Dispose();
        _lifetime.Dispose();
    }

    internal double CurrentQps => _limiter.CurrentQps;

    /// <summary>Exponential backoff from the retry base delay, capped at the max delay.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 16));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.RetryMaxDelay.Ticks, _options.RetryBaseDelay.Ticks * factor));
        return delay;
    }

    private static long NextRevision(long current, WatchResponse response)
    {
        if (response.Events.Count > 0)
        {
            return response.Events[^1].Kv.ModRevision + 1;
        }
        if (response.Created && current == 0)
        {
            return response.Header.Revision + 1;
        }
        if (!response.Created && !response.Canceled && response.Header is not null)
        {
            // Progress notification: everything up to the header revision was delivered.
            return Math.Max(current, response.Header.Revision + 1);
        }
        return current;
    }

    private static bool IsReadOnly(EtcdTxnRequest request)
    {
        foreach (var operation in request.Success)
        {
            if (operation.Range is null)
            {
                return false;
            }
        }
        foreach (var operation in request.Failure)
        {
            if (operation.Range is null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Reads are retried after Unavailable, after a per-attempt deadline (a hung member) and after a stale token.</summary>
    private static bool IsRetryableRead(GrpcException error) =>
        error.IsRetryable || error.StatusCode == GrpcStatusCode.DeadlineExceeded || EtcdErrors.IsInvalidAuthToken(error);

    /// <summary>A write is retried only when it certainly did not reach etcd: the connection could not be made.</summary>
    private static bool IsRetryableWrite(GrpcException error) =>
        EtcdErrors.IsInvalidAuthToken(error) ||
        (error.IsRetryable && error.InnerException is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        });

    private ResiliencePipeline BuildPipeline(int maxRetryAttempts, Func<GrpcException, bool> retryable)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _timeProvider };
        if (maxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<GrpcException>(retryable),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = _options.RetryMaxDelay,
                MaxRetryAttempts = maxRetryAttempts,
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "unknown");
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.Build();
    }

    private async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, bool idempotent, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var pipeline = idempotent ? _readPipeline : _writePipeline;
        return await pipeline.ExecuteAsync(
            static async (state, token) => await state.Client.AttemptAsync(state.Method, state.Request, token),
            (Client: this, Method: method, Request: request),
            cancellationToken);
    }

    private async Task<TResponse> AttemptAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        using var permit = await _limiter.AcquireAsync(cancellationToken);
        var channel = _endpoints.Current;
        try
        {
            var credentials = await GetCredentialsAsync(channel, cancellationToken);
            try
            {
                return await channel.UnaryAsync(method, request, credentials.Unary, cancellationToken);
            }
            catch (GrpcException e) when (_options.Username is not null && EtcdErrors.IsInvalidAuthToken(e))
            {
                credentials = await RefreshCredentialsAsync(channel, credentials, cancellationToken);
                return await channel.UnaryAsync(method, request, credentials.Unary, cancellationToken);
            }
        }
        catch (GrpcException e) when (e.IsRetryable || e.StatusCode == GrpcStatusCode.DeadlineExceeded)
        {
            Failover(channel, e);
            throw;
        }
    }

    private void Failover(GrpcChannel channel, GrpcException error)
    {
        var next = _endpoints.Failover(channel);
        if (!ReferenceEquals(next, channel))
        {
            Log.EndpointFailover(_logger, channel.Address, error.StatusMessage, next.Address);
        }
    }

    private async ValueTask<EtcdCallCredentials> GetCredentialsAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _authResolved))
        {
            return Volatile.Read(ref _credentials);
        }
        return await RefreshCredentialsAsync(channel, stale: null, cancellationToken);
    }

    /// <summary>Authenticates again unless another caller already replaced <paramref name="stale"/>.</summary>
    private async Task<EtcdCallCredentials> RefreshCredentialsAsync(GrpcChannel channel, EtcdCallCredentials? stale, CancellationToken cancellationToken)
    {
        await _authGate.WaitAsync(cancellationToken);
        try
        {
            var current = Volatile.Read(ref _credentials);
            if (_authResolved && stale is not null && !ReferenceEquals(current, stale))
            {
                return current;
            }
            if (stale is null && _authResolved && current.Unary.Headers.Count > 0)
            {
                return current;
            }
            var unauthenticated = EtcdCallCredentials.Create(null, _options.RequestTimeout);
            EtcdCallCredentials fresh;
            try
            {
                var response = await channel.UnaryAsync(
                    EtcdMethods.Authenticate,
                    new AuthenticateRequest { Name = _options.Username!, Password = _options.Password! },
                    unauthenticated.Unary,
                    cancellationToken);
                fresh = EtcdCallCredentials.Create(response.Token, _options.RequestTimeout);
                Log.TokenObtained(_logger, _options.Username!);
            }
            catch (GrpcException e) when (EtcdErrors.IsAuthNotEnabled(e))
            {
                Log.AuthNotEnabled(_logger);
                fresh = unauthenticated;
            }
            Volatile.Write(ref _credentials, fresh);
            Volatile.Write(ref _authResolved, true);
            return fresh;
        }
        finally
        {
            _authGate.Release();
        }
    }

    private async Task<(GrpcDuplexCall<WatchRequest, WatchResponse> Call, WatchResponse First, GrpcChannel Channel)> OpenWatchAsync(
        EtcdWatchRequest request, long startRevision, CancellationToken cancellationToken)
    {
        var pipeline = request.ResumeOnDisconnect ? _streamPipeline : _readPipeline;
        return await pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var client = state.Client;
                var channel = client._endpoints.Current;
                GrpcDuplexCall<WatchRequest, WatchResponse>? call = null;
                try
                {
                    var credentials = await client.GetCredentialsAsync(channel, token);
                    call = channel.DuplexStreaming(EtcdMethods.Watch, credentials.Stream, token);
                    await call.WriteAsync(new WatchRequest { CreateRequest = EtcdConvert.ToProto(state.Request, state.StartRevision) }, token);
                    var first = await call.ReadAsync(token)
                        ?? throw new GrpcException(GrpcStatusCode.Unavailable, "watch stream ended before the watch was created", isTransportFailure: true);
                    return (call, first, channel);
                }
                catch (Exception e)
                {
                    await client.AbandonStreamAsync(call, channel, e, token);
                    throw;
                }
            },
            (Client: this, Request: request, StartRevision: startRevision),
            cancellationToken);
    }

    /// <summary>The next response; null when the stream was lost and the watch should be resumed.</summary>
    private async Task<WatchResponse?> ReadWatchAsync(
        GrpcDuplexCall<WatchRequest, WatchResponse> call, GrpcChannel channel, EtcdWatchRequest request, long nextRevision, CancellationToken cancellationToken)
    {
        try
        {
            var response = await call.ReadAsync(cancellationToken);
            if (response is null && !request.ResumeOnDisconnect)
            {
                throw new GrpcException(GrpcStatusCode.Unavailable, "the server ended the watch stream", isTransportFailure: true);
            }
            if (response is null)
            {
                Log.WatchResuming(_logger, request.Key, "stream ended", nextRevision);
            }
            return response;
        }
        catch (GrpcException e) when (request.ResumeOnDisconnect && IsRetryableRead(e))
        {
            Failover(channel, e);
            Log.WatchResuming(_logger, request.Key, e.StatusMessage, nextRevision);
            return null;
        }
    }

    /// <summary>
    /// A stream that failed to open: release it, move to the next endpoint when the failure was the endpoint's, or
    /// fetch a fresh token when ours was rejected. The caller rethrows so its retry pipeline decides what's next.
    /// </summary>
    private async Task AbandonStreamAsync(IAsyncDisposable? call, GrpcChannel channel, Exception failure, CancellationToken cancellationToken)
    {
        if (call is not null)
        {
            await call.DisposeAsync();
        }
        if (failure is GrpcException grpc)
        {
            if (grpc.IsRetryable)
            {
                Failover(channel, grpc);
            }
            else if (EtcdErrors.IsInvalidAuthToken(grpc))
            {
                await RefreshCredentialsAsync(channel, Volatile.Read(ref _credentials), cancellationToken);
            }
        }
    }

    private static async Task CloseWatchAsync(GrpcDuplexCall<WatchRequest, WatchResponse> call, bool finished, CancellationToken cancellationToken)
    {
        if (!finished && !cancellationToken.IsCancellationRequested)
        {
            // Half-close: etcd ends the stream and drops its watchers; the reset on dispose cleans up in any case.
            try
            {
                await call.CompleteRequestAsync();
            }
            catch (Exception e) when (e is GrpcException or OperationCanceledException or ObjectDisposedException)
            {
                // The stream is already gone.
            }
        }
        await call.DisposeAsync();
    }

    private async Task<(GrpcDuplexCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> Call, EtcdLeaseKeepAlive First, GrpcChannel Channel)> OpenKeepAliveAsync(
        long leaseId, ResiliencePipeline pipeline, CancellationToken cancellationToken)
    {
        return await pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var client = state.Client;
                var channel = client._endpoints.Current;
                GrpcDuplexCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse>? call = null;
                try
                {
                    var credentials = await client.GetCredentialsAsync(channel, token);
                    call = channel.DuplexStreaming(EtcdMethods.LeaseKeepAlive, credentials.Stream, token);
                    await call.WriteAsync(new LeaseKeepAliveRequest { ID = state.LeaseId }, token);
                    var first = await call.ReadAsync(token)
                        ?? throw new GrpcException(GrpcStatusCode.Unavailable, "keep-alive stream ended without an answer", isTransportFailure: true);
                    return (call, ToKeepAlive(first), channel);
                }
                catch (Exception e)
                {
                    await client.AbandonStreamAsync(call, channel, e, token);
                    throw;
                }
            },
            (Client: this, LeaseId: leaseId),
            cancellationToken);
    }

    /// <summary>One renewal on an open stream; null when the stream was lost and must be re-established.</summary>
    private async Task<EtcdLeaseKeepAlive?> RenewAsync(
        GrpcDuplexCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> call, GrpcChannel channel, long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await call.WriteAsync(new LeaseKeepAliveRequest { ID = leaseId }, cancellationToken);
            var response = await call.ReadAsync(cancellationToken);
            if (response is null)
            {
                Log.KeepAliveLost(_logger, leaseId, "stream ended");
                return null;
            }
            return ToKeepAlive(response);
        }
        catch (GrpcException e) when (IsRetryableRead(e))
        {
            Failover(channel, e);
            Log.KeepAliveLost(_logger, leaseId, e.StatusMessage);
            return null;
        }
    }

    private static EtcdLeaseKeepAlive ToKeepAlive(LeaseKeepAliveResponse response) =>
        new(EtcdConvert.ToHeader(response.Header), response.ID, TimeSpan.FromSeconds(response.TTL));
}
