namespace Mesh.KvStore.Etcd;

/// <summary>A transaction guard: compares one attribute of <see cref="Key"/> with <see cref="Number"/> or <see cref="Value"/>.</summary>
public sealed record EtcdCompare(string Key, EtcdCompareTarget Target, EtcdCompareResult Result)
{
    /// <summary>The revision, version or lease compared against.</summary>
    public long Number { get; init; }

    /// <summary>The value compared against, for <see cref="EtcdCompareTarget.Value"/>.</summary>
    public ReadOnlyMemory<byte> Value { get; init; }

    public static EtcdCompare ModRevision(string key, EtcdCompareResult result, long revision) => new(key, EtcdCompareTarget.ModRevision, result) { Number = revision };

    public static EtcdCompare CreateRevision(string key, EtcdCompareResult result, long revision) => new(key, EtcdCompareTarget.CreateRevision, result) { Number = revision };

    public static EtcdCompare Version(string key, EtcdCompareResult result, long version) => new(key, EtcdCompareTarget.Version, result) { Number = version };

    public static EtcdCompare ValueIs(string key, EtcdCompareResult result, ReadOnlyMemory<byte> value) => new(key, EtcdCompareTarget.Value, result) { Value = value };

    public static EtcdCompare LeaseIs(string key, EtcdCompareResult result, long lease) => new(key, EtcdCompareTarget.Lease, result) { Number = lease };

    /// <summary>"The key does not exist": an absent key has create revision 0.</summary>
    public static EtcdCompare Missing(string key) => CreateRevision(key, EtcdCompareResult.Equal, 0);
}
