namespace Mesh.KvStore.Store;

/// <summary>The keys under a prefix in key order, as of <see cref="Revision"/>.</summary>
public sealed record KvList(IReadOnlyList<KvEntry> Entries, long Revision);
