namespace Mesh.Bgp.Rib;

/// <summary>
/// Gives a route table back its room once most of it was withdrawn. A dictionary keeps its size after removals and
/// reuses the freed slots scattered over it: after 100k routes came and went, the next 10k were spread over megabytes
/// and every lookup missed the cache. Shrinking costs one pass over what is left, which is little by then.
/// </summary>
internal static class TableShrink
{
    private const int MinimumCapacity = 4096;

    public static void AfterRemovals<TKey, TValue>(Dictionary<TKey, TValue> table)
        where TKey : notnull
    {
        if (table.Capacity > MinimumCapacity && table.Count < table.Capacity / 8)
        {
            table.TrimExcess();
        }
    }
}
