using System.Text;
using Mesh.Kubernetes.Client.Configuration;
using Mesh.Testing;
using Mesh.Testing.Certificates;

namespace Mesh.Kubernetes.Client.Tests.Configuration;

[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class KubeConfigLoaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-kubeconfig-").FullName;
    private readonly TestCertificateAuthority _ca;
    private readonly CertificateFiles _client;

    public KubeConfigLoaderTests()
    {
        _ca = new TestCertificateAuthority(Path.Combine(_directory, "pki"));
        _client = _ca.IssueClient("admin");
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void LoadFile_InlineData_UsesCurrentContextClusterAndUser()
    {
        var path = Write("config", $$"""
            apiVersion: v1
            kind: Config
            current-context: prod
            contexts:
            - name: dev
              context: {cluster: dev, user: dev}
            - name: prod
              context:
                cluster: prod
                user: admin
                namespace: kube-system
            clusters:
            - name: dev
              cluster: {server: "https://dev.example:6443"}
            - name: prod
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: {{Base64File(_ca.CertificatePath)}}
            users:
            - name: dev
              user: {token: dev-token}
            - name: admin
              user:
                client-certificate-data: {{Base64File(_client.CertificatePath)}}
                client-key-data: {{Base64File(_client.KeyPath)}}
            """);

        var config = KubeConfigLoader.LoadFile(path);

        config.Server.Should().Be(new Uri("https://127.0.0.1:6443"));
        config.Namespace.Should().Be("kube-system");
        config.CertificateAuthorityPem.Should().Be(File.ReadAllText(_ca.CertificatePath));
        config.ClientCertificatePem.Should().Be(File.ReadAllText(_client.CertificatePath));
        config.ClientKeyPem.Should().Be(File.ReadAllText(_client.KeyPath));
        config.Token.Should().BeNull();
        config.InsecureSkipTlsVerify.Should().BeFalse();
        config.Source.Should().Be(path);
    }

    [Fact]
    public void LoadFile_NamedContextWithFilePathsAndToken_ResolvesPathsRelativeToTheFile()
    {
        File.WriteAllText(Path.Combine(_directory, "token"), "file-token\n");
        var path = Write("config", """
            current-context: prod
            contexts:
            - name: dev
              context: {cluster: dev, user: dev}
            clusters:
            - name: dev
              cluster:
                server: https://dev.example:6443
                certificate-authority: pki/ca.crt
                insecure-skip-tls-verify: true
            users:
            - name: dev
              user:
                token: static-token
                tokenFile: token
                client-certificate: pki/admin.crt
                client-key: pki/admin.key
            """);

        var config = KubeConfigLoader.LoadFile(path, context: "dev");

        config.Server.Should().Be(new Uri("https://dev.example:6443"));
        config.Namespace.Should().Be("default");
        config.InsecureSkipTlsVerify.Should().BeTrue();
        config.CertificateAuthorityPem.Should().Be(File.ReadAllText(_ca.CertificatePath));
        config.ClientCertificatePem.Should().Be(File.ReadAllText(_client.CertificatePath));
        config.Token.Should().Be("static-token");
        config.TokenFile.Should().Be(Path.Combine(_directory, "token"));
    }

    [Theory]
    [InlineData("clusters:\n- name: c\n  cluster: {server: https://x:6443}\ncontexts:\n- name: a\n  context: {cluster: c}\n", "current-context")]
    [InlineData("current-context: b\ncontexts:\n- name: a\n  context: {cluster: c}\n", "contexts[name=b]")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {user: u}\n", "contexts[name=a].context.cluster")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\n", "clusters")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {}\n", "clusters[name=c].cluster.server")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'ftp://x'}\n", "clusters[name=c].cluster.server")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority-data: '!!notbase64'}\n", "clusters[name=c].cluster.certificate-authority-data")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority-data: 'aGVsbG8='}\n", "clusters[name=c].cluster.certificate-authority-data")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority: missing.crt}\n", "clusters[name=c].cluster.certificate-authority")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user: {client-certificate: pki/admin.crt}\n", "users[name=u].user.client-key")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user: {tokenFile: no-such-token}\n", "users[name=u].user.tokenFile")]
    [InlineData("current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', insecure-skip-tls-verify: maybe}\n", "clusters[name=c].cluster.insecure-skip-tls-verify")]
    public void LoadFile_MissingOrInvalidField_ThrowsNamingFileAndField(string yaml, string field)
    {
        var path = Write("config", yaml);

        var act = () => KubeConfigLoader.LoadFile(path);

        act.Should().Throw<KubeConfigException>()
            .Where(e => e.File == path && e.Field == field && e.Message.StartsWith($"{path}: {field}: ", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadFile_MismatchedCertificateAndKey_ThrowsNamingBothFields()
    {
        var other = _ca.IssueClient("other");
        var path = Write("config", $$"""
            current-context: a
            contexts:
            - name: a
              context:
                cluster: c
                user: u
            clusters:
            - name: c
              cluster:
                server: https://x
            users:
            - name: u
              user:
                client-certificate: {{_client.CertificatePath}}
                client-key: {{other.KeyPath}}
            """);

        var act = () => KubeConfigLoader.LoadFile(path);

        act.Should().Throw<KubeConfigException>().Where(e => e.Field == "users[name=u].user.client-certificate / users[name=u].user.client-key");
    }

    [Fact]
    public void LoadFile_NoSuchFileOrInvalidYaml_ThrowsNamingTheFile()
    {
        var missing = Path.Combine(_directory, "absent");
        var broken = Write("broken", "clusters: [\n");

        ((Action)(() => KubeConfigLoader.LoadFile(missing))).Should().Throw<KubeConfigException>().Where(e => e.File == missing);
        ((Action)(() => KubeConfigLoader.LoadFile(broken))).Should().Throw<KubeConfigException>().Where(e => e.File == broken && e.Message.Contains("YAML", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadInCluster_ServiceAccountMounted_UsesServiceHostTokenFileCaAndNamespace()
    {
        var account = ServiceAccount("pod-token", "kube-system");
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        var config = KubeConfigLoader.LoadInCluster(environment.GetValueOrDefault, account);

        config.Server.Should().Be(new Uri("https://10.96.0.1:443"));
        config.TokenFile.Should().Be(Path.Combine(account, "token"));
        config.CertificateAuthorityPem.Should().Be(File.ReadAllText(_ca.CertificatePath));
        config.Namespace.Should().Be("kube-system");
        config.Source.Should().Be(KubeConfigLoader.InClusterSource);
    }

    [Fact]
    public void LoadInCluster_IPv6ServiceHost_BracketsTheAddress()
    {
        var account = ServiceAccount("pod-token", null);
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "6443" };

        var config = KubeConfigLoader.LoadInCluster(environment.GetValueOrDefault, account);

        config.Server.Should().Be(new Uri("https://[fd00::1]:6443"));
        config.Namespace.Should().Be("default");
    }

    [Theory]
    [InlineData(null, "443", "KUBERNETES_SERVICE_HOST")]
    [InlineData("10.96.0.1", null, "KUBERNETES_SERVICE_PORT")]
    [InlineData("10.96.0.1", "http", "KUBERNETES_SERVICE_PORT")]
    public void LoadInCluster_EnvironmentIncomplete_ThrowsNamingTheVariable(string? host, string? port, string field)
    {
        var account = ServiceAccount("pod-token", null);
        var environment = new Dictionary<string, string?> { ["KUBERNETES_SERVICE_HOST"] = host, ["KUBERNETES_SERVICE_PORT"] = port };

        var act = () => KubeConfigLoader.LoadInCluster(environment.GetValueOrDefault, account);

        act.Should().Throw<KubeConfigException>().Where(e => e.Field == field && e.File == KubeConfigLoader.InClusterSource);
    }

    [Fact]
    public void LoadInCluster_TokenMissing_ThrowsNamingTheTokenFile()
    {
        var account = ServiceAccount("pod-token", null);
        File.Delete(Path.Combine(account, "token"));
        var environment = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        var act = () => KubeConfigLoader.LoadInCluster(environment.GetValueOrDefault, account);

        act.Should().Throw<KubeConfigException>().Where(e => e.File == Path.Combine(account, "token"));
    }

    [Fact]
    public void LoadDefault_PathKubeconfigHomeOrNothing_PicksInKubectlOrder()
    {
        var account = ServiceAccount("pod-token", "ns-in-pod");
        var explicitPath = Write("explicit", MinimalKubeconfig("https://explicit:6443"));
        var fromVariable = Write("from-variable", MinimalKubeconfig("https://variable:6443"));
        var home = Path.Combine(_directory, "home");
        Directory.CreateDirectory(Path.Combine(home, ".kube"));
        File.WriteAllText(Path.Combine(home, ".kube", "config"), MinimalKubeconfig("https://home:6443"));
        var environment = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = $"{fromVariable}{Path.PathSeparator}{explicitPath}",
            ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1",
            ["KUBERNETES_SERVICE_PORT"] = "443",
        };
        var withoutVariable = new Dictionary<string, string>(environment);
        withoutVariable.Remove("KUBECONFIG");

        KubeConfigLoader.LoadDefault(explicitPath, null, environment.GetValueOrDefault, home, account).Server.Host.Should().Be("explicit");
        KubeConfigLoader.LoadDefault(null, null, environment.GetValueOrDefault, home, account).Server.Host.Should().Be("variable");
        KubeConfigLoader.LoadDefault(null, null, withoutVariable.GetValueOrDefault, home, account).Server.Host.Should().Be("home");
        KubeConfigLoader.LoadDefault(null, null, withoutVariable.GetValueOrDefault, Path.Combine(_directory, "nohome"), account).Namespace.Should().Be("ns-in-pod");
    }

    private static string MinimalKubeconfig(string server) => $"""
        current-context: a
        contexts:
        - name: a
          context:
            cluster: c
        clusters:
        - name: c
          cluster:
            server: {server}
        """;

    private string ServiceAccount(string token, string? ns)
    {
        var account = Path.Combine(_directory, "serviceaccount");
        Directory.CreateDirectory(account);
        File.WriteAllText(Path.Combine(account, "token"), token);
        File.Copy(_ca.CertificatePath, Path.Combine(account, "ca.crt"), overwrite: true);
        if (ns is not null)
        {
            File.WriteAllText(Path.Combine(account, "namespace"), ns);
        }
        return account;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Base64File(string path) => Convert.ToBase64String(Encoding.UTF8.GetBytes(File.ReadAllText(path)));
}
