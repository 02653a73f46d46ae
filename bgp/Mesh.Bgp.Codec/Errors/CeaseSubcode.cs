namespace Mesh.Bgp.Codec.Errors;

/// <summary>Subcodes of <see cref="BgpErrorCode.Cease"/> (RFC 4486 §4, RFC 8538 §5).</summary>
public enum CeaseSubcode : byte
{
    Unspecific = 0,
    MaximumPrefixesReached = 1,
    AdministrativeShutdown = 2,
    PeerDeconfigured = 3,
    AdministrativeReset = 4,
    ConnectionRejected = 5,
    OtherConfigurationChange = 6,
    ConnectionCollisionResolution = 7,
    OutOfResources = 8,
    HardReset = 9,
}
