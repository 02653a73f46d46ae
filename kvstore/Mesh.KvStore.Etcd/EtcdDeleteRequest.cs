namespace Mesh.KvStore.Etcd;

public sealed record EtcdDeleteRequest(string Key)
{
    /// <summary>Delete every key starting with <see cref="Key"/> (overrides <see cref="RangeEnd"/>).</summary>
    public bool Prefix { get; init; }

    public string? RangeEnd { get; init; }

    public bool PrevKv { get; init; }

    public static EtcdDeleteRequest ForPrefix(string prefix) => new(prefix) { Prefix = true };
}
