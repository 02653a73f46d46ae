namespace Mesh.KvStore.Etcd;

/// <summary>Maintenance Status of the member that answered.</summary>
public sealed record EtcdStatus(EtcdHeader Header, string Version, long DbSize, long DbSizeInUse, ulong Leader, ulong RaftIndex, IReadOnlyList<string> Errors)
{
    public ulong ClusterId => Header.ClusterId;

    public ulong MemberId => Header.MemberId;

    public long Revision => Header.Revision;
}
