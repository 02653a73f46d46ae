namespace Mesh.Bpf.Maps;

/// <summary>Where the node agent's maps live: pinned kernel maps, or an in-process stand-in for <c>--bpf=off</c>.</summary>
public interface IBpfMapStore : IDisposable
{
    /// <summary>Human-readable location, e.g. <c>/sys/fs/bpf/mesh/node1</c> or <c>userspace</c>.</summary>
    string Location { get; }

    /// <summary>
    /// Opens the map named by <paramref name="descriptor"/>, keeping its content when the existing layout matches,
    /// creating it when absent and replacing it when the layout changed (reported in the handle's outcome).
    /// </summary>
    IBpfMapHandle Open(BpfMapDescriptor descriptor);

    /// <summary>Opens an existing map with whatever layout it has, never creating or replacing; null when absent (for dumps).</summary>
    IBpfMapHandle? OpenExisting(string name);

    /// <summary>The names of the maps the store holds that start with <paramref name="prefix"/>, sorted (per-endpoint maps).</summary>
    IReadOnlyList<string> Names(string prefix);

    /// <summary>Removes the map (unpins it); false when there was none.</summary>
    bool Remove(string name);

    /// <summary>Makes the current content survive a restart where the backend is not durable by itself (userspace file).</summary>
    void Flush();
}
