using System.Net;

namespace Mesh.NodeAgent.IpCache;

/// <summary>A change of the winning entry of one prefix: the new entry, or null when the prefix is gone.</summary>
public readonly record struct IpCacheChange(IPNetwork Prefix, IpCacheEntry? Entry);
