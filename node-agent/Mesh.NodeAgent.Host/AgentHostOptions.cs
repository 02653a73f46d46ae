using System.Net;
using Mesh.Bgp.Agent;

namespace Mesh.NodeAgent.Host;

/// <summary>What <c>mesh agent</c> runs with: the agent's identity plus its inputs, maps and HTTP endpoint.</summary>
public sealed record AgentHostOptions
{
    public required NodeAgentOptions Agent { get; init; }

    public string? ManifestsDirectory { get; init; }

    public string? Kubeconfig { get; init; }

    public string? ClusterMeshConfigDirectory { get; init; }

    /// <summary>Pin directory of the kernel maps; default <c>/sys/fs/bpf/mesh/&lt;node&gt;</c>.</summary>
    public string? BpfRoot { get; init; }

    /// <summary><c>--bpf=off</c>: userspace maps with the same encoding (no privileges needed).</summary>
    public bool BpfOff { get; init; }

    /// <summary>With <see cref="BpfOff"/>: directory where the userspace maps survive restarts (optional).</summary>
    public string? BpfStateDirectory { get; init; }

    /// <summary>
    /// <c>--datapath=tc</c>: attach <c>mesh_lxc.o</c> to each local endpoint's host-side interface (named by the
    /// CiliumEndpoint's <c>mesh.cilium.io/host-interface</c> annotation). Off by default: the agent only programs maps.
    /// </summary>
    public bool DatapathTc { get; init; }

    /// <summary>
    /// <c>--enable-bgp-control-plane</c>: the agent also runs the BGP speaker for its node, configured by the cluster's
    /// CiliumBGP* resources from the same manifests or API server; null leaves BGP off. The node name is the agent's.
    /// </summary>
    public BgpAgentOptions? Bgp { get; init; }

    public string HealthAddress { get; init; } = "127.0.0.1";

    public int HealthPort { get; init; } = 9890;

    public string PinRoot => BpfRoot ?? Path.Combine(Mesh.Bpf.Maps.BpfMapStores.DefaultPinRoot, Agent.NodeName);

    /// <summary>Every problem, each naming its flag.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Agent.Validate());
        if ((ManifestsDirectory is null) == (Kubeconfig is null))
        {
            errors.Add("exactly one of --k8s-manifests and --kubeconfig is required");
        }
        if (ManifestsDirectory is not null && !Directory.Exists(ManifestsDirectory))
        {
            errors.Add($"--k8s-manifests: directory '{ManifestsDirectory}' does not exist");
        }
        if (Kubeconfig is not null && !File.Exists(Kubeconfig))
        {
            errors.Add($"--kubeconfig: file '{Kubeconfig}' does not exist");
        }
        if (BpfOff && BpfRoot is not null)
        {
            errors.Add("--bpf-root and --bpf=off exclude each other");
        }
        if (DatapathTc && BpfOff)
        {
            errors.Add("--datapath=tc needs kernel maps, not --bpf=off");
        }
        if (Bgp is not null)
        {
            // The speaker runs for the agent's node (named by --node-name, checked above); only its own flags remain.
            if (!BgpAgentOptions.IsUsableRouterId(Bgp.RouterId))
            {
                errors.Add($"--bgp-router-id {Bgp.RouterId} must be a non-zero IPv4 address");
            }
            if (Bgp.ApiEndPoint is { } api && IPAddress.TryParse(HealthAddress, out var health) && api.Address.Equals(health) && api.Port == HealthPort)
            {
                errors.Add($"--bgp-api {api} is the health endpoint's address too");
            }
        }
        if (!IPAddress.TryParse(HealthAddress, out _))
        {
            errors.Add($"--health-address: '{HealthAddress}' is not an IP address");
        }
        if (HealthPort is < 0 or > 65535)
        {
            errors.Add($"--health-port: {HealthPort} is not a port");
        }
        return errors;
    }
}
