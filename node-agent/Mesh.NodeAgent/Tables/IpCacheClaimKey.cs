using System.Net;

namespace Mesh.NodeAgent.Tables;

/// <summary>Primary key of an ipcache claim.</summary>
public readonly record struct IpCacheClaimKey(string Owner, IPNetwork Prefix);
