using Mesh.Bgp.Codec.Attributes;

namespace Mesh.Bgp.Agent.Api;

/// <summary>Community arguments of <c>routes add</c>: "65000:100", a 32-bit number, a well-known name, or a large "a:b:c".</summary>
public static class CommunityText
{
    /// <summary>The attributes for <paramref name="communities"/>, or the first value that is not a community.</summary>
    public static bool TryBuild(IReadOnlyList<string>? communities, out PathAttributes attributes, out string? error)
    {
        var standard = new List<Community>();
        var large = new List<LargeCommunity>();
        error = null;
        foreach (var text in communities ?? [])
        {
            if (text.Count(c => c == ':') == 2 && LargeCommunity.TryParse(text, out var l))
            {
                large.Add(l);
            }
            else if (Community.TryParse(text, out var c))
            {
                standard.Add(c);
            }
            else
            {
                error = $"'{text}' is not a community (a:b, a number, a well-known name) or a large community (a:b:c)";
                attributes = PathAttributes.Empty;
                return false;
            }
        }

        attributes = new PathAttributes { Origin = Origin.Igp, AsPath = AsPath.Empty, Communities = standard.ToArray(), LargeCommunities = large.ToArray() };
        return true;
    }
}
