namespace Mesh.Bpf.Maps.Layouts;

/// <summary>The lookup scope of a service key (Cilium's <c>ScopeExternal</c> / <c>ScopeInternal</c>).</summary>
public enum ServiceScope : byte
{
    /// <summary>Traffic from outside the node; the only scope unless the service has two scopes.</summary>
    External = 0,

    /// <summary>East-west traffic to a two-scope service (traffic policy Local).</summary>
    Internal = 1,
}
