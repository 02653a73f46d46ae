namespace Mesh.Bpf.Maps;

/// <summary>What opening a map by descriptor found.</summary>
public enum MapOpenOutcome
{
    /// <summary>No map existed; a new empty one was created (and pinned).</summary>
    Created,

    /// <summary>A map with the same layout existed and is used with its content (restart recovery).</summary>
    Reused,

    /// <summary>A map existed with a different layout; it was replaced by a new empty one.</summary>
    Replaced,
}
