using System.Net;

namespace Mesh.KvStore.Etcd;

/// <summary>How the etcd client connects, authenticates, retries and limits its rate (Cilium's etcd.* settings).</summary>
public sealed record EtcdClientOptions
{
    /// <summary><c>http://host:port</c> or <c>https://host:port</c>; a bare <c>host:port</c> uses https when a CA file is set.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>
    /// Static resolution of endpoint host names (Cilium's <c>cilium-host-aliases</c>): an endpoint whose host is listed
    /// (case-insensitive) is dialed at these addresses in turn, while TLS still verifies the server certificate against
    /// the host name (the <c>*.mesh.cilium.io</c> SAN of Cilium's certificate) and sends it as SNI.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IPAddress>> HostAliases { get; init; } = new Dictionary<string, IReadOnlyList<IPAddress>>();

    /// <summary>PEM file of the CA that signed the server certificates (TLS).</summary>
    public string? CaFile { get; init; }

    /// <summary>PEM client certificate and key for mutual TLS.</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>User for etcd's password authentication; its token goes in the <c>token</c> metadata of every call.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Time allowed to establish a connection to one endpoint.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline of each attempt of a unary call.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Operations per second after the initial sync (Cilium <c>etcd.qps</c>); 0 = unlimited.</summary>
    public double Qps { get; init; } = 20;

    /// <summary>Operations per second until <see cref="IEtcdClient.MarkInitialSyncDone"/> (Cilium <c>etcd.bootstrapQps</c>); 0 = unlimited.</summary>
    public double BootstrapQps { get; init; } = 10_000;

    /// <summary>Unary requests in flight at once (Cilium <c>etcd.maxInflight</c>); 0 = unlimited.</summary>
    public int MaxInflight { get; init; } = 20;

    /// <summary>Retries of a unary call after Unavailable (each on the next endpoint).</summary>
    public int MaxRetryAttempts { get; init; } = 5;

    /// <summary>First backoff delay; it doubles per attempt, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem, not just the first.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Endpoints.Count == 0)
        {
            errors.Add("at least one endpoint is required");
        }
        foreach (var endpoint in Endpoints)
        {
            if (!TryParseEndpoint(endpoint, CaFile is not null, out _))
            {
                errors.Add($"endpoint '{endpoint}' is not http(s)://host:port or host:port");
            }
        }
        foreach (var (host, addresses) in HostAliases)
        {
            if (string.IsNullOrWhiteSpace(host))
            {
                errors.Add("a host alias has an empty host name");
            }
            else if (addresses is null || addresses.Count == 0)
            {
                errors.Add($"host alias '{host}' has no IP address");
            }
        }
        if ((CertFile is null) != (KeyFile is null))
        {
            errors.Add("client certificate and key must be set together");
        }
        if ((Username is null) != (Password is null))
        {
            errors.Add("username and password must be set together");
        }
        Positive(errors, DialTimeout, nameof(DialTimeout));
        Positive(errors, RequestTimeout, nameof(RequestTimeout));
        Positive(errors, KeepAlivePingTimeout, nameof(KeepAlivePingTimeout));
        Positive(errors, RetryBaseDelay, nameof(RetryBaseDelay));
        if (RetryMaxDelay < RetryBaseDelay)
        {
            errors.Add("retry max delay must not be below the base delay");
        }
        if (Qps < 0 || BootstrapQps < 0 || double.IsNaN(Qps) || double.IsNaN(BootstrapQps))
        {
            errors.Add("qps and bootstrap qps must be 0 (unlimited) or positive");
        }
        if (MaxInflight < 0)
        {
            errors.Add("max in-flight must be 0 (unlimited) or positive");
        }
        if (MaxRetryAttempts < 0)
        {
            errors.Add("max retry attempts must not be negative");
        }
        return errors;
    }

    internal static bool TryParseEndpoint(string endpoint, bool tls, out Uri uri)
    {
        var text = endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : (tls ? "https://" : "http://") + endpoint;
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && !parsed.IsDefaultPort && parsed.AbsolutePath == "/")
        {
            uri = parsed;
            return true;
        }
        uri = null!;
        return false;
    }

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} must be positive");
        }
    }
}
