using System.Diagnostics.CodeAnalysis;

namespace Mesh.KvStore.Cilium;

/// <summary>The result of decoding a kvstore value: the value, or the reason it was rejected.</summary>
public readonly record struct Decoded<T>(T? Value, string? Error)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null;

    public static Decoded<T> Success(T value) => new(value, null);

    public static Decoded<T> Failure(string error) => new(null, error);
}
