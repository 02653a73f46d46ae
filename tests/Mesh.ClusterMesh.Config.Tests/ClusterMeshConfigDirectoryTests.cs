using System.Runtime.InteropServices;
using System.Threading.Channels;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.ClusterMesh.Config.Tests;

/// <summary>The directory watcher on real temporary directories (file system events and the rescan fallback).</summary>
[Trait(TestCategory.Name, TestCategory.Integration)]
public sealed partial class ClusterMeshConfigDirectoryTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _root = Directory.CreateTempSubdirectory("mesh-cmconfig-").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ClusterConfigChange> _changes = Channel.CreateUnbounded<ClusterConfigChange>();
    private Task? _watch;

    private int _disposed;

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 cleans up through IAsyncLifetime; IAsyncDisposable is for everyone else (and the analyzers).
    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await CleanUpAsync();
    }

    private async Task CleanUpAsync()
    {
        await _stop.CancelAsync();
        if (_watch is not null)
        {
            await _watch;
        }
        _stop.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task WatchAsync_ExistingFiles_ReportsConfigsSkippingLocalHiddenAndNonConfigFiles()
    {
        Write("remote1", Config("remote1"));
        Write("remote2", "endpoints: [\"broken");
        Write("local", Config("local"));
        Write(".hidden", Config("hidden"));
        Write("common-etcd-client.crt", "-----BEGIN CERTIFICATE-----");

        Start();

        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Added && c.Name == "remote1" && c.Config!.Client.Endpoints[0] == "http://remote1.example:2379");
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Added && c.Name == "remote2" && c.Config == null && c.Error!.Contains("invalid YAML"));
        (await NextAsync()).Kind.Should().Be(ClusterConfigChangeKind.InitialScanDone);
    }

    [Fact]
    public async Task WatchAsync_AddChangeRewriteSameRemove_ReportsEachRealChangeInOrder()
    {
        Start();
        (await NextAsync()).Kind.Should().Be(ClusterConfigChangeKind.InitialScanDone);

        Write("remote1", Config("remote1"));
        var added = await NextAsync();
        added.Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Added && c.Name == "remote1");

        Write("remote1", Config("remote1b"));
        var changed = await NextAsync();
        changed.Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Changed && c.Config!.Client.Endpoints[0] == "http://remote1b.example:2379");
        changed.Config!.ContentHash.Should().NotBe(added.Config!.ContentHash);

        // Same bytes again: no change; the next report is about another file.
        Write("remote1", Config("remote1b"));
        Write("remote2", Config("remote2"));
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Added && c.Name == "remote2");

        // No longer a cluster config: removed, like a deleted file.
        Write("remote2", "something else");
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Removed && c.Name == "remote2");
        File.Delete(Path.Combine(_root, "remote1"));
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Removed && c.Name == "remote1" && c.Config == null);
    }

    [Fact]
    public async Task WatchAsync_SecretSymlinkSwap_ReportsChangedThenRemovedWhenTheKeyIsGone()
    {
        // The layout of a mounted Secret: name -> ..data/name, ..data -> ..<timestamp>/, swapped atomically by rename.
        Directory.CreateDirectory(Path.Combine(_root, "..2026_01_01_a"));
        File.WriteAllText(Path.Combine(_root, "..2026_01_01_a", "remote1"), Config("remote1"));
        File.CreateSymbolicLink(Path.Combine(_root, "..data"), "..2026_01_01_a");
        File.CreateSymbolicLink(Path.Combine(_root, "remote1"), "..data/remote1");
        Start();
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Added && c.Name == "remote1");
        (await NextAsync()).Kind.Should().Be(ClusterConfigChangeKind.InitialScanDone);

        Directory.CreateDirectory(Path.Combine(_root, "..2026_01_01_b"));
        File.WriteAllText(Path.Combine(_root, "..2026_01_01_b", "remote1"), Config("remote1-new"));
        SwapData("..2026_01_01_b");
        Directory.Delete(Path.Combine(_root, "..2026_01_01_a"), recursive: true);
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Changed && c.Config!.Client.Endpoints[0] == "http://remote1-new.example:2379");

        // The key disappears from the Secret: the symlink dangles, the file is unreadable, so the cluster is removed.
        Directory.CreateDirectory(Path.Combine(_root, "..2026_01_01_c"));
        SwapData("..2026_01_01_c");
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Removed && c.Name == "remote1");
    }

    [Fact]
    public async Task WatchAsync_DirectoryCreatedLater_FoundByPeriodicRescan()
    {
        var late = Path.Combine(_root, "late");
        Start(late, TimeSpan.FromMilliseconds(100));
        (await NextAsync()).Kind.Should().Be(ClusterConfigChangeKind.InitialScanDone);

        Directory.CreateDirectory(late);
        File.WriteAllText(Path.Combine(late, "remote1"), Config("remote1"));

        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Added && c.Name == "remote1");
        File.WriteAllText(Path.Combine(late, "remote2"), Config("remote2"));
        (await NextAsync()).Should().Match<ClusterConfigChange>(c => c.Kind == ClusterConfigChangeKind.Added && c.Name == "remote2");
    }

    private static string Config(string host) => $"endpoints:\n- http://{host}.example:2379\n";

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_root, name), text);

    private void SwapData(string target)
    {
        var temporary = Path.Combine(_root, "..data_tmp");
        File.CreateSymbolicLink(temporary, target);
        // rename(2) replaces the link itself atomically, as kubelet does; File.Move would follow it.
        Rename(temporary, Path.Combine(_root, "..data")).Should().Be(0, "rename(2) errno {0}", Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);

    private void Start(string? directory = null, TimeSpan? rescan = null)
    {
        var watcher = new ClusterMeshConfigDirectory(directory ?? _root, "local", TimeProvider.System, NullLogger<ClusterMeshConfigDirectory>.Instance, rescan);
        _watch = Task.Run(async () =>
        {
            await foreach (var change in watcher.WatchAsync(_stop.Token))
            {
                await _changes.Writer.WriteAsync(change);
            }
        });
    }

    private async Task<ClusterConfigChange> NextAsync() => await _changes.Reader.ReadAsync().AsTask().WaitAsync(Patience);
}
