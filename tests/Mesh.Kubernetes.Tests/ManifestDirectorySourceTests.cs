using Mesh.Kubernetes.Manifests;
using Mesh.Kubernetes.Sources;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Kubernetes.Tests;

[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed class ManifestDirectorySourceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-manifests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task WatchAsync_FilesAddedChangedRemoved_EmitsMatchingEvents()
    {
        Write("a.yaml", Namespace("alpha") + "---\n" + Namespace("beta"));
        var source = new ManifestDirectorySource(_directory, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(Patience);
        await using var events = source.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);

        (await TakeAsync(events, 3)).Should().Equal("Upsert Namespace alpha", "Upsert Namespace beta", "Synced");

        Write("b.yml", Namespace("gamma"));
        (await TakeAsync(events, 1)).Should().Equal("Upsert Namespace gamma");

        Write("a.yaml", Namespace("alpha", annotation: "clustermesh.cilium.io/global: \"false\""));
        (await TakeAsync(events, 2)).Should().BeEquivalentTo("Delete Namespace beta", "Upsert Namespace alpha");

        File.Delete(Path.Combine(_directory, "b.yml"));
        (await TakeAsync(events, 1)).Should().Equal("Delete Namespace gamma");
    }

    [Fact]
    public async Task WatchAsync_BrokenYamlOrObject_KeepsLastGoodObjectsAndTheRest()
    {
        Write("a.yaml", Namespace("alpha") + "---\n" + Service("svc", 80));
        var source = new ManifestDirectorySource(_directory, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(Patience);
        await using var events = source.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        (await TakeAsync(events, 3)).Should().Contain("Synced");

        // Not YAML at all: nothing changes.
        Write("a.yaml", "kind: [unclosed\n  - :");
        Write("c.yaml", Namespace("later"));
        (await TakeAsync(events, 1)).Should().Equal("Upsert Namespace later");

        // Valid YAML, but the service's port is invalid: the old service stays, the namespace change applies.
        Write("a.yaml", Namespace("alpha2") + "---\n" + Service("svc", 99999));
        (await TakeAsync(events, 2)).Should().BeEquivalentTo("Delete Namespace alpha", "Upsert Namespace alpha2");
    }

    [Fact]
    public async Task WatchAsync_BrokenObjectWithoutNamespace_KeepsItsLastGoodVersionInDefault()
    {
        var withoutNamespace = Service("svc", 80).Replace("  namespace: default\n", string.Empty);
        Write("a.yaml", withoutNamespace);
        var source = new ManifestDirectorySource(_directory, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(Patience);
        await using var events = source.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        (await TakeAsync(events, 2)).Should().Equal("Upsert Service default/svc", "Synced");

        // The broken service keeps its last good version (read into "default"); only the new namespace shows.
        Write("a.yaml", Service("svc", 99999).Replace("  namespace: default\n", string.Empty) + "---\n" + Namespace("next"));
        (await TakeAsync(events, 1)).Should().Equal("Upsert Namespace next");
    }

    [Fact]
    public async Task WatchAsync_ByteOrderMarksAndUtf16_ReadLikeAnyEditorWritesThem()
    {
        File.WriteAllText(Path.Combine(_directory, "a.yaml"), Namespace("bom"), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        File.WriteAllText(Path.Combine(_directory, "b.yaml"), Namespace("wide") + "---\n" + Namespace("zürich-ü"), System.Text.Encoding.Unicode);
        File.WriteAllText(Path.Combine(_directory, "c.yaml"), string.Concat(Enumerable.Range(0, 2000).Select(i => "---\n" + Namespace($"many-{i}"))));
        var source = new ManifestDirectorySource(_directory, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(Patience);
        await using var events = source.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);

        var seen = await TakeAsync(events, 2004);

        seen.Take(3).Should().Equal("Upsert Namespace bom", "Upsert Namespace wide", "Upsert Namespace zürich-ü");
        seen.Skip(3).Take(2000).Should().Equal(Enumerable.Range(0, 2000).Select(i => $"Upsert Namespace many-{i}"));
        seen.Last().Should().Be("Synced");
    }

    [Fact]
    public async Task WatchAsync_SameObjectInTwoFiles_LaterFileWinsBeforeSynced()
    {
        Write("a.yaml", Namespace("alpha", annotation: "clustermesh.cilium.io/global: \"false\""));
        Write("b.yaml", Namespace("alpha", annotation: "clustermesh.cilium.io/global: \"true\"") + "---\n" + Namespace("beta"));
        var source = new ManifestDirectorySource(_directory, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(Patience);
        var last = new Dictionary<string, string?>();
        await foreach (var change in source.WatchAsync(cancel.Token))
        {
            if (change.Type == ObjectEventType.Synced)
            {
                break;
            }
            last[change.Item!.Metadata.Key] = change.Item.Metadata.Annotations.GetValueOrDefault("clustermesh.cilium.io/global");
        }

        last.Should().BeEquivalentTo(new Dictionary<string, string?> { ["alpha"] = "true", ["beta"] = null });
    }

    [Fact]
    public async Task WatchAsync_SameObjectInTwoFiles_LaterFileLetsGo_EarlierVersionComesBack()
    {
        Write("a.yaml", Namespace("alpha", annotation: "clustermesh.cilium.io/global: \"false\""));
        Write("b.yaml", Namespace("alpha", annotation: "clustermesh.cilium.io/global: \"true\""));
        var source = new ManifestDirectorySource(_directory, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50));
        using var cancel = new CancellationTokenSource(Patience);
        await using var events = source.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        (await TakeAsync(events, 3)).Should().Equal("Upsert Namespace alpha", "Upsert Namespace alpha", "Synced");

        Write("b.yaml", Namespace("beta"));
        var back = new Dictionary<string, string?>();
        while (back.Count < 2 && await events.MoveNextAsync())
        {
            events.Current.Type.Should().Be(ObjectEventType.Upsert);
            back[events.Current.Item!.Metadata.Key] = events.Current.Item.Metadata.Annotations.GetValueOrDefault("clustermesh.cilium.io/global");
        }
        back.Should().BeEquivalentTo(new Dictionary<string, string?> { ["alpha"] = "false", ["beta"] = null }, "a.yaml's alpha is the one left");

        File.Delete(Path.Combine(_directory, "a.yaml"));
        (await TakeAsync(events, 1)).Should().Equal("Delete Namespace alpha");
    }

    [Fact]
    public async Task WatchAsync_NoInotifyInstancesLeft_SyncsAndFollowsChangesByRescanning()
    {
        Write("a.yaml", Namespace("alpha"));
        var source = new ManifestDirectorySource(_directory, TimeProvider.System, NullLogger<ManifestDirectorySource>.Instance, TimeSpan.FromMilliseconds(50),
            _ => throw new IOException("The configured user limit (128) on the number of inotify instances has been reached"));
        using var cancel = new CancellationTokenSource(Patience);
        await using var events = source.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);

        (await TakeAsync(events, 2)).Should().Equal("Upsert Namespace alpha", "Synced");
        Write("b.yaml", Namespace("beta"));
        (await TakeAsync(events, 1)).Should().Equal("Upsert Namespace beta");
        File.Delete(Path.Combine(_directory, "a.yaml"));
        (await TakeAsync(events, 1)).Should().Equal("Delete Namespace alpha");
    }

    private void Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        // Make every write visible to the size/mtime check even within one timestamp tick.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(Random.Shared.Next(1, 1000)));
    }

    private static string Namespace(string name, string? annotation = null) =>
        $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n" + (annotation is null ? string.Empty : $"  annotations:\n    {annotation}\n");

    private static string Service(string name, int port) =>
        $"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: default\nspec:\n  clusterIP: 10.96.0.1\n  ports:\n  - port: {port}\n";

    private static async Task<List<string>> TakeAsync(IAsyncEnumerator<ObjectEvent> events, int count)
    {
        var taken = new List<string>();
        while (taken.Count < count && await events.MoveNextAsync())
        {
            var e = events.Current;
            taken.Add(e.Type == ObjectEventType.Synced ? "Synced" : $"{e.Type} {e.Item!.Kind} {e.Item.Metadata.Key}");
        }
        return taken;
    }
}
