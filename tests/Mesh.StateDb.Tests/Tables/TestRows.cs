namespace Mesh.StateDb.Tests.Tables;

internal sealed record EndpointRow(string Name, string Node, int Port);

/// <summary>A key without IComparable: the table keeps such rows in a hash tree.</summary>
internal readonly record struct EndpointId(string Cluster, int Id);

internal sealed record ClusterEndpointRow(EndpointId Id, string Address);
