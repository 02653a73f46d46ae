namespace Mesh.KvStore.Store;

/// <summary>One write of a batch: set <see cref="Key"/> to <see cref="Value"/>, or delete it when Value is null.</summary>
public sealed record KvWrite(string Key, ReadOnlyMemory<byte>? Value)
{
    public bool IsDelete => Value is null;
}
