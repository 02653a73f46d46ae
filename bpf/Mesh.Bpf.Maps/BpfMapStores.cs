using Mesh.Bpf.Maps.Kernel;
using Mesh.Bpf.Maps.Userspace;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Bpf.Maps;

/// <summary>Creates the map stores; neither constructor touches the kernel or the file system.</summary>
public static class BpfMapStores
{
    /// <summary>The agent's default pin root; one directory per node below it.</summary>
    public const string DefaultPinRoot = "/sys/fs/bpf/mesh";

    /// <summary>Kernel maps pinned under <paramref name="pinRoot"/> (e.g. <c>/sys/fs/bpf/mesh/&lt;node&gt;</c>, created as needed).</summary>
    public static IBpfMapStore Kernel(string pinRoot, ILogger? logger = null) =>
        new KernelMapStore(pinRoot, logger ?? NullLogger.Instance);

    /// <summary>
    /// In-process maps with the kernel's encoding and limits, for <c>--bpf=off</c>. With a
    /// <paramref name="stateDirectory"/>, <see cref="IBpfMapStore.Flush"/> and Dispose save each map there and
    /// the next store reopens them, standing in for pins across restarts.
    /// </summary>
    public static IBpfMapStore Userspace(string? stateDirectory = null, ILogger? logger = null) =>
        new UserspaceMapStore(stateDirectory, logger ?? NullLogger.Instance);
}
