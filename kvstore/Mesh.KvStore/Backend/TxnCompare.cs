namespace Mesh.KvStore.Backend;

/// <summary>One guard of a transaction (etcd Compare) on a single key.</summary>
public sealed record TxnCompare(string Key, CompareTarget Target, CompareResult Result)
{
    public long Number { get; init; }

    public ReadOnlyMemory<byte> Value { get; init; }

    public static TxnCompare ModRevision(string key, CompareResult result, long revision) => new(key, CompareTarget.ModRevision, result) { Number = revision };

    public static TxnCompare CreateRevision(string key, CompareResult result, long revision) => new(key, CompareTarget.CreateRevision, result) { Number = revision };

    public static TxnCompare Version(string key, CompareResult result, long version) => new(key, CompareTarget.Version, result) { Number = version };

    public static TxnCompare ValueIs(string key, CompareResult result, ReadOnlyMemory<byte> value) => new(key, CompareTarget.Value, result) { Value = value };

    /// <summary>Absent keys have create revision 0 in etcd: "key does not exist".</summary>
    public static TxnCompare Missing(string key) => CreateRevision(key, CompareResult.Equal, 0);
}
