namespace Mesh.Bpf.Loader;

/// <summary>A clsact qdisc or filter operation the kernel refused; names the interface, the hook and the errno.</summary>
public sealed class TcAttachException : Exception
{
    public TcAttachException()
    {
    }

    public TcAttachException(string message) : base(message)
    {
    }

    public TcAttachException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public TcAttachException(string operation, int interfaceIndex, TcDirection? direction, int errno)
        : base($"{operation} on interface {interfaceIndex}{(direction is { } d ? $" ({d.ToString().ToLowerInvariant()})" : string.Empty)} failed: {Mesh.Bpf.Syscalls.Errno.Describe(errno)}")
    {
        InterfaceIndex = interfaceIndex;
        Direction = direction;
        Errno = errno;
    }

    public int InterfaceIndex { get; }

    public TcDirection? Direction { get; }

    public int Errno { get; }
}
