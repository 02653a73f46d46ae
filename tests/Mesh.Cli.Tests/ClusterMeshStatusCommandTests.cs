using System.Text.Json;
using Mesh.ClusterMesh.Apiserver.Host;
using Mesh.Testing;
using Mesh.Testing.Etcd;
using Mesh.Testing.Prerequisites;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Cli.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class ClusterMeshStatusCommandTests
{
    [EtcdFact]
    public async Task Status_RemoteWithoutClusterConfig_ReportsErrorWithHintAndExitsOne()
    {
        await using var etcd = await EtcdFixture.StartAsync();
        var work = Directory.CreateTempSubdirectory("mesh-status-").FullName;
        using var stop = new CancellationTokenSource();
        Task? host = null;
        try
        {
            var manifests = Directory.CreateDirectory(Path.Combine(work, "manifests")).FullName;
            var meshConfig = Directory.CreateDirectory(Path.Combine(work, "clustermesh")).FullName;
            // cluster9 points at an etcd where no cluster9 apiserver ever wrote its config.
            await File.WriteAllTextAsync(Path.Combine(meshConfig, "cluster9"), $"endpoints: [\"{etcd.ClientEndpoint}\"]\n");
            var port = FreeTcpPort.Allocate();
            host = ApiserverHost.RunAsync(new ApiserverOptions
            {
                ClusterName = "cluster1",
                ClusterId = 1,
                KvStoreEndpoints = etcd.ClientEndpoints,
                ManifestsDirectory = manifests,
                ClusterMeshConfigDirectory = meshConfig,
                HealthAddress = "127.0.0.1",
                HealthPort = port,
            }, NullLoggerFactory.Instance, _ => { }, stop.Token);
            var url = $"http://127.0.0.1:{port}";
            await WaitForFailureReportedAsync(url, host);

            var (code, summary) = await RunAsync("clustermesh", "status", "--apiserver", url);
            var (jsonCode, json) = await RunAsync("clustermesh", "status", "--apiserver", url, "-o", "json");

            code.Should().Be(1);
            summary.Should().Contain("cluster1 (id 1)").And.Contain("0/1 remote clusters ready").And.Contain("cluster9: not-ready")
                .And.Contain("remote cluster configuration required but not found");
            jsonCode.Should().Be(1);
            using var document = JsonDocument.Parse(json);
            document.RootElement.GetProperty("errors").GetArrayLength().Should().Be(1);
            document.RootElement.GetProperty("apiservers")[0].GetProperty("status").GetProperty("cluster").GetString().Should().Be("cluster1");
        }
        finally
        {
            await stop.CancelAsync();
            if (host is not null)
            {
                await host.ContinueWith(_ => { }, TaskScheduler.Default);
            }
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task WaitForFailureReportedAsync(string url, Task host)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var last = "(no answer)";
        while (DateTime.UtcNow < deadline && !host.IsCompleted)
        {
            try
            {
                last = await http.GetStringAsync(new Uri($"{url}/v1/status"));
                var status = JsonDocument.Parse(last);
                if (status.RootElement.GetProperty("ready").GetBoolean()
                    && status.RootElement.GetProperty("clusters")[0].GetProperty("num-failures").GetInt32() > 0)
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                // Not listening yet.
                last = e.Message;
            }
            await Task.Delay(50);
        }
        var ended = host.IsCompleted ? $"the apiserver ended ({host.Status}, {host.Exception?.GetBaseException().Message ?? (host.IsCompletedSuccessfully ? $"exit {((Task<int>)host).Result}" : "")})" : "timed out";
        throw new Xunit.Sdk.XunitException($"no ready apiserver reporting the failure: {ended}; last status: {last}");
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MeshCommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }
}
