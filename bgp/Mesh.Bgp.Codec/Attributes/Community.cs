using System.Globalization;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>A COMMUNITIES value (RFC 1997), shown as "high:low".</summary>
public readonly record struct Community(uint Value)
{
    /// <summary>RFC 1997.</summary>
    public static Community NoExport => new(0xFFFFFF01);

    /// <summary>RFC 1997.</summary>
    public static Community NoAdvertise => new(0xFFFFFF02);

    /// <summary>RFC 1997.</summary>
    public static Community NoExportSubconfed => new(0xFFFFFF03);

    /// <summary>RFC 3765.</summary>
    public static Community NoPeer => new(0xFFFFFF04);

    /// <summary>RFC 8326.</summary>
    public static Community GracefulShutdown => new(0xFFFF0000);

    /// <summary>RFC 7611.</summary>
    public static Community AcceptOwn => new(0xFFFF0001);

    /// <summary>RFC 9494.</summary>
    public static Community LlgrStale => new(0xFFFF0006);

    /// <summary>RFC 9494.</summary>
    public static Community NoLlgr => new(0xFFFF0007);

    /// <summary>RFC 7999.</summary>
    public static Community Blackhole => new(0xFFFF029A);

    public static Community Create(ushort high, ushort low) => new(((uint)high << 16) | low);

    public ushort High => (ushort)(Value >> 16);

    public ushort Low => (ushort)Value;

    public static bool TryParse(string? text, out Community community)
    {
        community = default;
        if (text is null)
        {
            return false;
        }

        if (TryParseWellKnown(text, out community))
        {
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var raw))
            {
                return false;
            }

            community = new Community(raw);
            return true;
        }

        if (!ushort.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var high) ||
            !ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        community = Create(high, low);
        return true;
    }

    /// <summary>The names Cilium's <c>communities.wellKnown</c> accepts (as GoBGP spells them).</summary>
    public static bool TryParseWellKnown(string? name, out Community community)
    {
        community = name switch
        {
            "no-export" => NoExport,
            "no-advertise" => NoAdvertise,
            "no-export-subconfed" => NoExportSubconfed,
            "no-peer" => NoPeer,
            "graceful-shutdown" => GracefulShutdown,
            "accept-own" => AcceptOwn,
            "llgr-stale" => LlgrStale,
            "no-llgr" => NoLlgr,
            "blackhole" => Blackhole,
            _ => default,
        };
        return community != default;
    }

    public override string ToString() => $"{High}:{Low}";
}
