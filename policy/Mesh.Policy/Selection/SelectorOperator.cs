namespace Mesh.Policy.Selection;

/// <summary>A LabelSelector operator; <c>matchLabels</c> entries become <see cref="In"/> with one value.</summary>
public enum SelectorOperator
{
    In,
    NotIn,
    Exists,
    DoesNotExist,
}
