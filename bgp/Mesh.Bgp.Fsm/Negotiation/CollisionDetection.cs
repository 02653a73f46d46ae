namespace Mesh.Bgp.Fsm.Negotiation;

/// <summary>
/// RFC 4271 §6.8: when two connections to the same peer both reach OPEN, the connection initiated by the
/// speaker with the higher BGP identifier survives (identifiers compared as unsigned 32-bit integers).
/// </summary>
public static class CollisionDetection
{
    /// <summary>True when the connection we initiated must be kept and the one the peer initiated closed.</summary>
    public static bool KeepLocallyInitiated(uint localIdentifier, uint remoteIdentifier) => localIdentifier > remoteIdentifier;

    /// <summary>True when the connection described by <paramref name="locallyInitiated"/> is the one to close.</summary>
    public static bool ShouldClose(bool locallyInitiated, uint localIdentifier, uint remoteIdentifier) =>
        locallyInitiated != KeepLocallyInitiated(localIdentifier, remoteIdentifier);
}
