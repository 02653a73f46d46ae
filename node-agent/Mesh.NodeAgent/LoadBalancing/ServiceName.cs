namespace Mesh.NodeAgent.LoadBalancing;

/// <summary>A service's namespace and name: how a global service is matched across clusters.</summary>
public readonly record struct ServiceName(string Namespace, string Name) : IComparable<ServiceName>
{
    public int CompareTo(ServiceName other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => $"{Namespace}/{Name}";

    public static bool operator <(ServiceName left, ServiceName right) => Compare(left, right) < 0;

    public static bool operator <=(ServiceName left, ServiceName right) => Compare(left, right) <= 0;

    public static bool operator >(ServiceName left, ServiceName right) => Compare(left, right) > 0;

    public static bool operator >=(ServiceName left, ServiceName right) => Compare(left, right) >= 0;

    private static int Compare(ServiceName left, ServiceName right) => left.CompareTo(right);
}
