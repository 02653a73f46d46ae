using Mesh.Bpf.Syscalls;

namespace Mesh.Bpf.Loader;

/// <summary>
/// How <see cref="BpfObject.Load"/> binds the object's maps and types its programs. Maps bound to nothing are
/// created fresh and private to the object (Cilium's PinNone, what tests want).
/// </summary>
public sealed record BpfObjectOptions
{
    public static BpfObjectOptions Default { get; } = new();

    /// <summary>
    /// Map name → pin path. A map already pinned there is reused with its content (its type, key and value size
    /// must match the object's definition); otherwise the map is created and pinned there. This is how one
    /// endpoint's object binds <c>cilium_policy_v2</c> to <c>cilium_policy_v2_00042</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> MapPins { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Every other (non-internal) map is bound by name in this bpffs directory, the way the agent pins its maps
    /// (<c>&lt;dir&gt;/cilium_lb4_services_v2</c>): reused when pinned, otherwise created and pinned there.
    /// </summary>
    public string? PinDirectory { get; init; }

    /// <summary>Map name → a map the caller holds open; the object uses it instead of creating one.</summary>
    public IReadOnlyDictionary<string, BpfMap> Maps { get; init; } = new Dictionary<string, BpfMap>();

    /// <summary>
    /// Type for programs whose section libbpf 1.1 does not know (Cilium-style test sections such as
    /// <c>tc/test/&lt;name&gt;/check</c>); null leaves them untyped, which fails the load.
    /// </summary>
    public BpfProgramType? FallbackProgramType { get; init; }

    /// <summary>Size of the buffer that receives the verifier log when a program is rejected.</summary>
    public int VerifierLogSize { get; init; } = 4 * 1024 * 1024;
}
