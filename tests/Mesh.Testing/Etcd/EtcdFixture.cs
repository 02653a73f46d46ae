using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Testing.Certificates;
using Mesh.Testing.Processes;
using Xunit;

namespace Mesh.Testing.Etcd;

/// <summary>
/// A real etcd on free loopback ports with a temporary data dir. Usable as an xunit class fixture or
/// started per test with <see cref="StartAsync"/>. It can be stopped, killed with SIGKILL and restarted on
/// the same data dir and ports, and it always removes its process and files when disposed.
/// </summary>
public class EtcdFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string RootUser = "root";
    private readonly EtcdOptions _options;
    private BackgroundProcess? _process;
    private bool _disposed;

    public EtcdFixture() : this(new EtcdOptions())
    {
    }

    public EtcdFixture(EtcdOptions options)
    {
        _options = options;
        WorkDirectory = Path.Combine(Path.GetTempPath(), $"mesh-etcd-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        DataDirectory = Path.Combine(WorkDirectory, "data");
    }

    public static string EtcdBinary => ProcessRunner.FindExecutable("etcd") ?? "etcd";

    public static string EtcdCtlBinary => ProcessRunner.FindExecutable("etcdctl") ?? "etcdctl";

    public string WorkDirectory { get; }

    public string DataDirectory { get; }

    public int ClientPort { get; private set; }

    public int PeerPort { get; private set; }

    public bool IsTls => _options.Tls;

    /// <summary><c>http://127.0.0.1:PORT</c> or <c>https://…</c> in TLS mode.</summary>
    public string ClientEndpoint => $"{(IsTls ? "https" : "http")}://127.0.0.1:{ClientPort}";

    public IReadOnlyList<string> ClientEndpoints => [ClientEndpoint];

    /// <summary>PID of the running etcd, or null while stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>The CA in TLS mode; issue more client certificates from it.</summary>
    public TestCertificateAuthority? Authority { get; private set; }

    /// <summary>Client certificate with CN=root (the etcd superuser once auth is on), TLS mode only.</summary>
    public CertificateFiles? RootClientCertificate { get; private set; }

    /// <summary>etcdctl connected as root (with the root client certificate in TLS mode).</summary>
    public EtcdCtl Ctl => new(ClientEndpoint, RootClientCertificate);

    public static async Task<EtcdFixture> StartAsync(EtcdOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fixture = new EtcdFixture(options ?? new EtcdOptions());
        try
        {
            await fixture.StartCoreAsync(cancellationToken);
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }

    public CertificateFiles IssueClientCertificate(string commonName) =>
        (Authority ?? throw new InvalidOperationException("client certificates exist only in TLS mode")).IssueClient(commonName);

    /// <summary>Graceful stop (SIGTERM).</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>SIGKILL, as a crash: no chance to flush or close connections.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Starts etcd again on the same data dir and ports and waits until it is healthy.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await LaunchAsync(cancellationToken);
    }

    async Task IAsyncLifetime.InitializeAsync() => await StartCoreAsync(CancellationToken.None);

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await KillAsync();
        Authority?.Dispose();
        TryDeleteDirectory(WorkDirectory);
        GC.SuppressFinalize(this);
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(WorkDirectory);
        if (IsTls)
        {
            Authority = new TestCertificateAuthority(Path.Combine(WorkDirectory, "pki"));
            RootClientCertificate = Authority.IssueClient(RootUser);
        }
        // A port picked as free can be taken before etcd binds it; pick again a few times.
        for (var attempt = 1; ; attempt++)
        {
            ClientPort = FreeTcpPort.Allocate();
            PeerPort = FreeTcpPort.Allocate();
            try
            {
                await LaunchAsync(cancellationToken);
                return;
            }
            catch (EtcdStartException) when (attempt < 3)
            {
                TryDeleteDirectory(DataDirectory);
            }
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var peer = $"http://127.0.0.1:{PeerPort}";
        var arguments = new List<string>
        {
            "--name=mesh-test",
            $"--data-dir={DataDirectory}",
            $"--listen-client-urls={ClientEndpoint}",
            $"--advertise-client-urls={ClientEndpoint}",
            $"--listen-peer-urls={peer}",
            $"--initial-advertise-peer-urls={peer}",
            $"--initial-cluster=mesh-test={peer}",
            "--initial-cluster-state=new",
            "--logger=zap",
            "--log-outputs=stderr",
            "--log-level=warn",
        };
        if (IsTls)
        {
            var server = _options.ServerNames is { } names
                ? Authority!.IssueServer("etcd-server", names.DnsNames, names.Addresses)
                : Authority!.IssueServer("etcd-server");
            arguments.Add($"--cert-file={server.CertificatePath}");
            arguments.Add($"--key-file={server.KeyPath}");
            arguments.Add($"--trusted-ca-file={server.CaPath}");
            arguments.Add("--client-cert-auth");
        }
        arguments.AddRange(_options.ExtraArguments);
        _process = BackgroundProcess.Start(EtcdBinary, arguments);
        await WaitHealthyAsync(cancellationToken);
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = CreateHttpClient();
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        string lastProblem = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new EtcdStartException($"etcd exited during start-up:\n{_process.Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri($"{ClientEndpoint}/health"), cancellationToken);
                var health = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                if (health.TryGetProperty("health", out var value) && value.GetString() == "true")
                {
                    return;
                }
                lastProblem = health.ToString();
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
            {
                lastProblem = e.Message;
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new EtcdStartException($"etcd at {ClientEndpoint} not healthy after {_options.StartTimeout}: {lastProblem}\n{_process!.Output}");
    }

    private HttpClient CreateHttpClient()
    {
        var handler = new HttpClientHandler();
        if (IsTls)
        {
            handler.ClientCertificates.Add(RootClientCertificate!.Load());
            var ca = Authority!.Certificate;
            handler.ServerCertificateCustomValidationCallback = (_, certificate, chain, _) =>
            {
                if (certificate is null || chain is null)
                {
                    return false;
                }
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            };
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open by a dying process; the temp dir is swept by the OS.
        }
    }
}
