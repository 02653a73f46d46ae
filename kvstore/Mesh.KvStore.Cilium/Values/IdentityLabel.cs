namespace Mesh.KvStore.Cilium.Values;

/// <summary>One security label: <c>source:key=value</c> (e.g. <c>k8s:app=web</c>).</summary>
public sealed record IdentityLabel(string Source, string Key, string Value)
{
    public override string ToString() => $"{Source}:{Key}={Value}";
}
