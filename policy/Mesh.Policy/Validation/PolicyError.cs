namespace Mesh.Policy.Validation;

/// <summary>Why a policy was rejected: the policy (<c>Kind namespace/name</c>), the field path and the reason.</summary>
public sealed record PolicyError(string Policy, string Field, string Reason)
{
    public override string ToString() => $"{Policy}: {Field}: {Reason}";
}
