namespace Mesh.Bgp.Codec;

/// <summary>Fixed sizes and numbers of BGP-4 (RFC 4271 §4.1, RFC 6793, RFC 8654).</summary>
public static class BgpConstants
{
    public const int MarkerLength = 16;
    public const int HeaderLength = 19;
    public const int MaxMessageLength = 4096;
    public const int MaxExtendedMessageLength = 65535;
    public const byte Version = 4;

    /// <summary>RFC 6793 §9: the 2-octet placeholder for a 4-octet AS number.</summary>
    public const ushort AsTrans = 23456;

    public const int OpenMinLength = 29;
    public const int UpdateMinLength = 23;
    public const int NotificationMinLength = 21;
    public const int KeepaliveLength = 19;
    public const int RouteRefreshLength = 23;
}
