namespace Mesh.Bgp.Codec;

/// <summary>Builder for <see cref="ValueArray{T}"/> collection expressions.</summary>
public static class ValueArray
{
    public static ValueArray<T> Create<T>(ReadOnlySpan<T> items) => items.IsEmpty ? default : new ValueArray<T>(items.ToArray());
}
