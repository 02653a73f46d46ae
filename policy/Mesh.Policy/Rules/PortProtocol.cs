namespace Mesh.Policy.Rules;

/// <summary>
/// One port filter of a rule after validation: a protocol number (never ANY: ANY is already expanded into TCP, UDP
/// and SCTP), and either [<see cref="Port"/>, <see cref="EndPort"/>] (port 0 = every port) or a named port.
/// </summary>
internal readonly record struct PortProtocol(byte Protocol, ushort Port, ushort EndPort, string? Name = null)
{
    public bool IsNamed => Name is not null;
}
