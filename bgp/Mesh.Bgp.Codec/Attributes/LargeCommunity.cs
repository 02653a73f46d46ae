using System.Globalization;

namespace Mesh.Bgp.Codec.Attributes;

/// <summary>A LARGE_COMMUNITY value (RFC 8092 §3), shown as "global:local1:local2".</summary>
public readonly record struct LargeCommunity(uint GlobalAdministrator, uint LocalData1, uint LocalData2)
{
    public static bool TryParse(string? text, out LargeCommunity community)
    {
        community = default;
        var parts = text?.Split(':');
        if (parts is not { Length: 3 } ||
            !uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var global) ||
            !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var local1) ||
            !uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var local2))
        {
            return false;
        }

        community = new LargeCommunity(global, local1, local2);
        return true;
    }

    public override string ToString() => $"{GlobalAdministrator}:{LocalData1}:{LocalData2}";
}
