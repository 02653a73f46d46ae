namespace Mesh.NodeAgent.Host.Programs;

/// <summary>
/// <c>--datapath=tc</c>: load <c>mesh_lxc.o</c> for every local endpoint that names its host-side interface and
/// attach it to that interface's clsact hooks (see <see cref="EndpointInterface"/> for how an endpoint names it).
/// </summary>
public sealed record EndpointDatapathOptions
{
    /// <summary>The compiled endpoint datapath; by default the copy next to the agent's assemblies.</summary>
    public string ObjectPath { get; init; } = Path.Combine(AppContext.BaseDirectory, "bpf", "mesh_lxc.o");

    /// <summary>
    /// The agent's pin directory: the object's LB and ipcache maps are the agent's pins, <c>mesh_ct4</c> and
    /// <c>mesh_drops</c> are pinned next to them (so conntrack survives restarts), and each endpoint's
    /// <c>cilium_policy_v2</c> is bound to <c>cilium_policy_v2_&lt;5-digit id&gt;</c> there.
    /// </summary>
    public required string PinDirectory { get; init; }

    /// <summary>
    /// Network namespace whose interfaces the endpoints name (a path such as <c>/run/netns/node1</c>); null for the
    /// agent's own, which is what an agent running on its node wants.
    /// </summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>First retry delay of an endpoint whose attach failed; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);
}
