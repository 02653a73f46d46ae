namespace Mesh.Bgp.Codec.Attributes;

/// <summary>Path attribute type codes (IANA "BGP Path Attributes").</summary>
public enum PathAttributeType : byte
{
    Origin = 1,
    AsPath = 2,
    NextHop = 3,
    MultiExitDisc = 4,
    LocalPref = 5,
    AtomicAggregate = 6,
    Aggregator = 7,
    Communities = 8,
    MpReachNlri = 14,
    MpUnreachNlri = 15,
    ExtendedCommunities = 16,
    As4Path = 17,
    As4Aggregator = 18,
    LargeCommunities = 32,
}
