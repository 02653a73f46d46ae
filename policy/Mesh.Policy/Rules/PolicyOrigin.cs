namespace Mesh.Policy.Rules;

/// <summary>The object a rule came from: kind, namespace (empty when cluster-scoped), name and uid.</summary>
public sealed record PolicyOrigin(string Kind, string Namespace, string Name, string Uid)
{
    /// <summary><c>Kind namespace/name</c>, as errors and statuses name a policy.</summary>
    public string Key => Namespace.Length == 0 ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    public override string ToString() => Key;
}
