namespace Mesh.KvStore.Cilium;

/// <summary>A kvstore value that does not decode: which field, and why. Codecs turn it into a <see cref="Decoded{T}"/> error.</summary>
public sealed class CiliumDecodeException : Exception
{
    public CiliumDecodeException(string field, string reason) : base($"{field}: {reason}")
    {
        Field = field;
        Reason = reason;
    }

    public CiliumDecodeException()
    {
        Field = string.Empty;
        Reason = string.Empty;
    }

    public CiliumDecodeException(string message) : base(message)
    {
        Field = string.Empty;
        Reason = message;
    }

    public CiliumDecodeException(string message, Exception innerException) : base(message, innerException)
    {
        Field = string.Empty;
        Reason = message;
    }

    public string Field { get; }

    public string Reason { get; }
}
