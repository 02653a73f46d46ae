using Mesh.Bpf.Loader;
using Mesh.Bpf.Programs.Tests.Framework;
using Mesh.Testing;
using Mesh.Testing.Netns;
using Mesh.Testing.Prerequisites;

namespace Mesh.Bpf.Programs.Tests;

/// <summary>
/// clsact attach, query, replace and detach of the production programs on a veth pair: "node" namespace with the
/// host side <c>lxc0</c>, "pod" namespace with <c>eth0</c>. Both namespaces are made by the test and deleted by it.
/// </summary>
[Trait(TestCategory.Name, TestCategory.Kernel)]
public sealed class TcAttachmentTests : IAsyncLifetime
{
    private const string HostDevice = "lxc0";
    private NetworkNamespace? _node;
    private NetworkNamespace? _pod;

    private static string ObjectPath => Path.Combine(BpfTestCatalog.ProgramsDirectory, "mesh_lxc.o");

    private NetworkNamespace Node => _node ?? throw new InvalidOperationException("no node namespace");

    private string NodePath => $"/run/netns/{Node.Name}";

    public async Task InitializeAsync()
    {
        if (KernelPrerequisites.Missing is not null || Prerequisite.MissingNetns is not null)
        {
            return;
        }
        _node = await NetworkNamespace.CreateAsync("node");
        _pod = await NetworkNamespace.CreateAsync("pod");
        await _node.ConnectAsync(HostDevice, _pod, "eth0");
        await _node.AddAddressAsync(HostDevice, "10.77.0.1/24");
        await _pod.AddAddressAsync("eth0", "10.77.0.2/24");
    }

    public async Task DisposeAsync()
    {
        if (_pod is not null)
        {
            await _pod.DisposeAsync();
        }
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }

    [TcFact]
    public async Task Attach_BothHooks_KernelReportsEachProgramInDirectAction()
    {
        using var datapath = BpfObject.Load(ObjectPath);

        var (ingress, egress) = await InNode(index => (
            TcAttachment.Attach(index, TcDirection.Ingress, datapath.Program("mesh_from_container")),
            TcAttachment.Attach(index, TcDirection.Egress, datapath.Program("mesh_to_container"))));
        var queried = await InNode(index => (TcAttachment.AttachedProgramId(index, TcDirection.Ingress), TcAttachment.AttachedProgramId(index, TcDirection.Egress)));

        ingress.Should().NotBe(egress);
        queried.Should().Be(((uint?)ingress, (uint?)egress));
        var shown = await Node.ExecCheckedAsync("tc", "filter", "show", "dev", HostDevice, "ingress");
        shown.StandardOutput.Should().Contain("name mesh_from_conta", "the kernel keeps 15 characters of a program name").And.Contain("direct-action").And.Contain($"id {ingress}");
    }

    [TcFact]
    public async Task Attach_SecondObject_ReplacesInPlaceLeavingOneFilter()
    {
        using var first = BpfObject.Load(ObjectPath);
        using var second = BpfObject.Load(ObjectPath);
        var before = await InNode(index => TcAttachment.Attach(index, TcDirection.Ingress, first.Program("mesh_from_container")));

        var after = await InNode(index => TcAttachment.Attach(index, TcDirection.Ingress, second.Program("mesh_from_container")));

        after.Should().NotBe(before);
        (await InNode(index => TcAttachment.AttachedProgramId(index, TcDirection.Ingress))).Should().Be(after);
        var shown = (await Node.ExecCheckedAsync("tc", "filter", "show", "dev", HostDevice, "ingress")).StandardOutput;
        shown.Split('\n').Count(line => line.Contains("bpf", StringComparison.Ordinal) && line.Contains(" id ", StringComparison.Ordinal)).Should().Be(1, shown);
        shown.Should().Contain($"id {after}").And.NotContain($"id {before} ");
    }

    [TcFact]
    public async Task Attach_DatapathWithoutPolicy_DropsPingUntilDetached()
    {
        // No ipcache entry and an empty policy map: the pod accepts nothing (ingress policy at the host side's egress).
        await Node.ExecCheckedAsync("ping", "-c", "1", "-W", "2", "10.77.0.2");
        using var datapath = BpfObject.Load(ObjectPath);
        await InNode(index => TcAttachment.Attach(index, TcDirection.Egress, datapath.Program("mesh_to_container")));

        var blocked = await Node.ExecAsync("ping", "-c", "2", "-W", "1", "10.77.0.2");
        var removed = await InNode(index => TcAttachment.Detach(index, TcDirection.Egress));
        var again = await InNode(index => TcAttachment.Detach(index, TcDirection.Egress));
        var passes = await Node.ExecAsync("ping", "-c", "1", "-W", "2", "10.77.0.2");

        blocked.ExitCode.Should().NotBe(0, blocked.StandardOutput);
        removed.Should().BeTrue();
        again.Should().BeFalse("detaching what is absent is success without effect");
        passes.ExitCode.Should().Be(0, passes.StandardOutput);
        (await InNode(index => TcAttachment.AttachedProgramId(index, TcDirection.Egress))).Should().BeNull();
    }

    [TcFact]
    public async Task Attach_UnknownInterface_ThrowsNamingInterfaceAndErrno()
    {
        using var datapath = BpfObject.Load(ObjectPath);

        var missing = await NetworkNamespaceThread.RunAsync(NodePath, () => TcAttachment.InterfaceIndex("nosuchdev0"));
        var attach = () => NetworkNamespaceThread.RunAsync(NodePath, () => TcAttachment.Attach(999_999, TcDirection.Ingress, datapath.Program("mesh_from_container")));

        missing.Should().BeNull();
        (await attach.Should().ThrowAsync<TcAttachException>()).Which.Message.Should().Contain("interface 999999").And.Contain("ingress");
    }

    [TcFact]
    public async Task InterfaceIndex_InOtherNamespace_ResolvesThereNotHere()
    {
        var there = await NetworkNamespaceThread.RunAsync(NodePath, () => TcAttachment.InterfaceIndex(HostDevice));
        var expected = (await Node.ExecCheckedAsync("cat", $"/sys/class/net/{HostDevice}/ifindex")).StandardOutput.Trim();

        there.Should().NotBeNull();
        there!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected);
        TcAttachment.InterfaceIndex(HostDevice).Should().BeNull("the test process lives in the root namespace");
    }

    private Task<T> InNode<T>(Func<int, T> work) => NetworkNamespaceThread.RunAsync(NodePath, () =>
        work(TcAttachment.InterfaceIndex(HostDevice) ?? throw new InvalidOperationException($"{HostDevice} not found in {Node.Name}")));
}
