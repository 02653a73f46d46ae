using Mesh.Kubernetes.Client.Configuration;
using Mesh.Kubernetes.Client.Tests.FakeApi;
using Mesh.Kubernetes.Client.Watching;
using Mesh.Kubernetes.Sources;
using Mesh.Testing;
using static Mesh.Kubernetes.Client.Tests.FakeApi.TestObjects;

namespace Mesh.Kubernetes.Client.Tests.Watching;

/// <summary>
/// Random changes interleaved with dropped connections, compactions and expiring continue tokens: the state
/// rebuilt from the events must end equal to the server's, with no duplicate upsert and no delete of an
/// unknown object on the way.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class KubernetesObjectSourceChurnTests
{
    private static readonly KubeResource Ns = KubeResource.Namespaces;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task WatchAsync_ChangesDuringDisconnectsAndCompactions_ConvergesWithoutDuplicates(int seed)
    {
        await using var server = await FakeApiServer.StartAsync();
        var random = new Random(seed);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 10; i++)
        {
            Apply(server, expected, $"ns-{i}", $"v{i}");
        }
        var options = new KubernetesClientOptions
        {
            Resources = [Ns],
            PageSize = 3,
            InitialBackoff = TimeSpan.FromMilliseconds(5),
            MaxBackoff = TimeSpan.FromMilliseconds(50),
        };
        var source = new KubernetesObjectSource(new KubeConfig { Server = server.Address }, TimeProvider.System, new ListLogger<KubernetesObjectSource>(), options);
        var observed = new Dictionary<string, string>(StringComparer.Ordinal);
        var violations = new List<string>();
        var gate = new Lock();
        using var cancel = new CancellationTokenSource(EventStream.Patience * 4);
        Task ConvergedAsync() => EventStream.WaitUntilAsync(
            () =>
            {
                lock (gate)
                {
                    return observed.Count == expected.Count && observed.All(o => expected.TryGetValue(o.Key, out var v) && v == o.Value);
                }
            },
            "the observed state equals the server's");
        var reader = Task.Run(async () =>
        {
            await foreach (var e in source.WatchAsync(cancel.Token))
            {
                lock (gate)
                {
                    Observe(e, observed, violations);
                }
            }
        }, CancellationToken.None);

        for (var step = 0; step < 300; step++)
        {
            var name = $"ns-{random.Next(20)}";
            if (expected.ContainsKey(name) && random.Next(3) == 0)
            {
                server.Delete(Ns, name);
                expected.Remove(name);
            }
            else
            {
                Apply(server, expected, name, $"s{step}");
            }
            if (step % 23 == 22)
            {
                server.DisconnectWatches();
            }
            if (step % 61 == 60)
            {
                server.SuspendWatches();
                Apply(server, expected, $"ns-{random.Next(20)}", $"c{step}");
                server.Compact();
                server.ExpireNextContinue();
                server.ResumeWatches();
            }
            if (step % 20 == 19)
            {
                // Let the client catch up now and then, so the failures hit a live watch.
                await ConvergedAsync();
            }
        }

        await ConvergedAsync();
        await cancel.CancelAsync();
        await reader.ContinueWith(_ => { }, TaskScheduler.Default);
        lock (gate)
        {
            violations.Should().BeEmpty();
        }
        // The initial list and one relist per compaction (4 after the first catch-up) at least.
        server.ListRequests(Ns).Should().BeGreaterThanOrEqualTo(5);
        server.WatchRequests(Ns).Count.Should().BeGreaterThanOrEqualTo(5);
    }

    private static void Apply(FakeApiServer server, Dictionary<string, string> expected, string name, string version)
    {
        server.Apply(Ns, Namespace(name, label: version));
        expected[name] = version;
    }

    private static void Observe(ObjectEvent e, Dictionary<string, string> observed, List<string> violations)
    {
        if (e.Item is not { } item)
        {
            return;
        }
        var name = item.Metadata.Name;
        var version = item.Metadata.Labels.GetValueOrDefault("version", string.Empty);
        if (e.Type == ObjectEventType.Upsert)
        {
            if (observed.TryGetValue(name, out var known) && known == version)
            {
                violations.Add($"duplicate upsert of {name} at {version}");
            }
            observed[name] = version;
        }
        else if (!observed.Remove(name))
        {
            violations.Add($"delete of unknown {name}");
        }
    }
}
