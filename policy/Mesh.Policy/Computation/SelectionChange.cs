namespace Mesh.Policy.Computation;

/// <summary>An identity entering (<see cref="Added"/>) or leaving a selector's selections.</summary>
internal readonly record struct SelectionChange(CachedSelector Selector, uint Identity, bool Added);
