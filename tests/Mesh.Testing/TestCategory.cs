namespace Mesh.Testing;

/// <summary>Values of the <c>Category</c> trait; <c>./test.sh --unit</c> filters on <see cref="Unit"/>.</summary>
public static class TestCategory
{
    public const string Name = "Category";

    /// <summary>No sockets, kernel or wall clock.</summary>
    public const string Unit = "Unit";

    /// <summary>Real etcd, real BGP peers, loopback sockets.</summary>
    public const string Integration = "Integration";

    /// <summary>Root: eBPF, network namespaces.</summary>
    public const string Kernel = "Kernel";
}
