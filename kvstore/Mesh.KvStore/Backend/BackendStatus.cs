namespace Mesh.KvStore.Backend;

/// <summary>What Maintenance.Status reports about the member answering.</summary>
public sealed record BackendStatus(string Version, ulong ClusterId, ulong MemberId, long Revision, long DbSize, ulong Leader);
