using System.Net;
using System.Net.Sockets;

namespace Mesh.Bgp.Agent;

/// <summary>How the BGP control plane runs on one node.</summary>
public sealed record BgpAgentOptions
{
    /// <summary>The node whose CiliumNode, overrides and endpoints apply.</summary>
    public string NodeName { get; init; } = string.Empty;

    /// <summary>Router ID when no CiliumBGPNodeConfigOverride sets one; null: the node's IPv4 InternalIP.</summary>
    public IPAddress? RouterId { get; init; }

    /// <summary>Local control API (JSON over HTTP, loopback by default); null: none.</summary>
    public IPEndPoint? ApiEndPoint { get; init; } = new(IPAddress.Loopback, DefaultApiPort);

    /// <summary>Namespace of <c>authSecretRef</c> Secrets.</summary>
    public string SecretsNamespace { get; init; } = "kube-system";

    /// <summary>Creates the speaker's sockets (tests: inside a network namespace); null: ordinary sockets.</summary>
    public Func<AddressFamily, Socket>? SocketFactory { get; init; }

    /// <summary>Delay before reconnecting after a session failed (Cilium uses 5 s after a reset; labs want less).</summary>
    public TimeSpan IdleHoldTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Offer RFC 8654 extended messages.</summary>
    public bool ExtendedMessages { get; init; } = true;

    public const int DefaultApiPort = 50151;

    /// <summary>A router ID is a non-zero IPv4 address; null (taken from the node) is fine.</summary>
    public static bool IsUsableRouterId(IPAddress? routerId) =>
        routerId is null || (routerId.AddressFamily == AddressFamily.InterNetwork && !routerId.Equals(IPAddress.Any));

    /// <summary>Every problem with the options, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(NodeName))
        {
            errors.Add("--node-name is required");
        }

        if (!IsUsableRouterId(RouterId))
        {
            errors.Add($"--router-id {RouterId} must be a non-zero IPv4 address");
        }

        return errors;
    }
}
