namespace Mesh.ClusterMesh.Config;

/// <summary>The answer of <see cref="ClusterIdReservations.Reserve"/>: reserved, or refused because <see cref="HeldBy"/> holds the ID.</summary>
public sealed record ClusterIdReservation(string Cluster, uint Id, string? HeldBy)
{
    public bool Reserved => HeldBy is null;

    /// <summary>Why it was refused (for the remote's status), or null when reserved.</summary>
    public string? Refusal => HeldBy is null ? null : $"cluster ID {Id} is already used by remote cluster '{HeldBy}'";
}
