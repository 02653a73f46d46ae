namespace Mesh.KvStore.Cilium.Validation;

/// <summary>A refused entry: the reason (for metrics) and a sentence naming the field (for logs and status).</summary>
public sealed record Rejection(RejectionReason Reason, string Detail)
{
    public override string ToString() => $"{Reason}: {Detail}";
}
