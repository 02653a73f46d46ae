using System.Text;
using Mesh.Kubernetes.Client.Configuration;
using Mesh.Kubernetes.Client.Tests.FakeApi;
using Mesh.Kubernetes.Client.Watching;
using Mesh.Testing;
using Mesh.Testing.Certificates;
using static Mesh.Kubernetes.Client.Tests.FakeApi.TestObjects;

namespace Mesh.Kubernetes.Client.Tests.Watching;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class KubernetesObjectSourceTlsTests : IDisposable
{
    private static readonly KubeResource Ns = KubeResource.Namespaces;
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-kube-tls-").FullName;
    private readonly TestCertificateAuthority _ca;
    private readonly CertificateFiles _serverFiles;

    public KubernetesObjectSourceTlsTests()
    {
        _ca = new TestCertificateAuthority(Path.Combine(_directory, "pki"));
        _serverFiles = _ca.IssueServer("apiserver");
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task WatchAsync_KubeconfigWithCaFileAndToken_ListsAndWatchesOverTls()
    {
        using var certificate = _serverFiles.Load();
        await using var server = await FakeApiServer.StartAsync(certificate);
        server.RequiredToken = "s3cret";
        server.Apply(Ns, Namespace("alpha"));
        var config = KubeConfigLoader.LoadFile(WriteKubeconfig(server.Address, $"certificate-authority: {_ca.CertificatePath}", "token: s3cret"));
        await using var events = new EventStream(Source(config));

        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        server.Apply(Ns, Namespace("beta"));
        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace beta");
        server.Unauthorized.Should().Be(0);
    }

    [Fact]
    public async Task WatchAsync_KubeconfigWithInlineClientCertificate_PassesMutualTls()
    {
        using var certificate = _serverFiles.Load();
        await using var server = await FakeApiServer.StartAsync(certificate, clientCa: _ca.Certificate);
        server.Apply(Ns, Namespace("alpha"));
        var client = _ca.IssueClient("admin");
        var config = KubeConfigLoader.LoadFile(WriteKubeconfig(
            server.Address,
            $"certificate-authority-data: {Base64File(_ca.CertificatePath)}",
            $"client-certificate-data: {Base64File(client.CertificatePath)}\n    client-key-data: {Base64File(client.KeyPath)}"));
        await using var events = new EventStream(Source(config));

        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
    }

    [Fact]
    public async Task WatchAsync_ServerSignedByAnotherCa_RefusesTheServerAndRetries()
    {
        using var other = new TestCertificateAuthority(Path.Combine(_directory, "other"), "other-ca");
        using var certificate = other.IssueServer("impostor").Load();
        await using var server = await FakeApiServer.StartAsync(certificate);
        server.Apply(Ns, Namespace("alpha"));
        var logger = new ListLogger<KubernetesObjectSource>();
        var config = KubeConfigLoader.LoadFile(WriteKubeconfig(server.Address, $"certificate-authority: {_ca.CertificatePath}", "token: t"));
        await using var events = new EventStream(Source(config, logger));

        var next = events.TakeAsync(1);
        await EventStream.WaitUntilAsync(() => logger.Lines.Count(l => l.Contains(" 2103 ", StringComparison.Ordinal)) >= 2, "two failed lists are logged");
        server.Requests.Should().BeEmpty();
        next.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task WatchAsync_WrongToken_LogsCredentialsHintAndRetries()
    {
        using var certificate = _serverFiles.Load();
        await using var server = await FakeApiServer.StartAsync(certificate);
        server.RequiredToken = "right";
        var logger = new ListLogger<KubernetesObjectSource>();
        var config = KubeConfigLoader.LoadFile(WriteKubeconfig(server.Address, $"certificate-authority: {_ca.CertificatePath}", "token: wrong"));
        await using var events = new EventStream(Source(config, logger));

        var next = events.TakeAsync(1);
        await EventStream.WaitUntilAsync(() => server.Unauthorized >= 2, "the client retries");
        logger.Lines.Should().Contain(l => l.Contains("HTTP 401", StringComparison.Ordinal) && l.Contains("credentials", StringComparison.Ordinal));
        next.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task WatchAsync_InClusterTokenRotated_NextRequestsUseTheNewToken()
    {
        using var certificate = _serverFiles.Load();
        await using var server = await FakeApiServer.StartAsync(certificate);
        server.RequiredToken = "first";
        server.Apply(Ns, Namespace("alpha"));
        var account = Path.Combine(_directory, "serviceaccount");
        Directory.CreateDirectory(account);
        var tokenPath = Path.Combine(account, "token");
        File.WriteAllText(tokenPath, "first");
        File.SetLastWriteTimeUtc(tokenPath, DateTime.UtcNow.AddMinutes(-5));
        File.Copy(_ca.CertificatePath, Path.Combine(account, "ca.crt"));
        var environment = new Dictionary<string, string>
        {
            ["KUBERNETES_SERVICE_HOST"] = server.Address.Host,
            ["KUBERNETES_SERVICE_PORT"] = server.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var config = KubeConfigLoader.LoadInCluster(environment.GetValueOrDefault, account);
        await using var events = new EventStream(Source(config));
        (await events.TakeAsync(2)).Should().Equal("Upsert Namespace alpha", "Synced");
        await EventStream.WaitUntilAsync(() => server.OpenWatches(Ns) == 1, "the client watches");

        File.WriteAllText(tokenPath, "second");
        File.SetLastWriteTimeUtc(tokenPath, DateTime.UtcNow);
        server.RequiredToken = "second";
        server.DisconnectWatches();
        server.Apply(Ns, Namespace("beta"));

        (await events.TakeAsync(1)).Should().Equal("Upsert Namespace beta");
        server.Unauthorized.Should().Be(0);
    }

    private static KubernetesObjectSource Source(KubeConfig config, ListLogger<KubernetesObjectSource>? logger = null) => new(
        config,
        TimeProvider.System,
        logger ?? new ListLogger<KubernetesObjectSource>(),
        new KubernetesClientOptions { Resources = [Ns], InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(100) });

    private string WriteKubeconfig(Uri server, string clusterLine, string userLines)
    {
        var path = Path.Combine(_directory, $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            current-context: test
            contexts:
            - name: test
              context:
                cluster: test
                user: test
            clusters:
            - name: test
              cluster:
                server: {server}
                {clusterLine}
            users:
            - name: test
              user:
                {userLines}
            """);
        return path;
    }

    private static string Base64File(string path) => Convert.ToBase64String(Encoding.UTF8.GetBytes(File.ReadAllText(path)));
}
