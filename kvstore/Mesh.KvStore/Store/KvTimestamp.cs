using System.Globalization;
using System.Text;

namespace Mesh.KvStore.Store;

/// <summary>The RFC 3339 UTC timestamp Cilium stores as the value of sync canaries and the heartbeat.</summary>
public static class KvTimestamp
{
    public static byte[] Encode(DateTimeOffset time) =>
        Encoding.UTF8.GetBytes(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
