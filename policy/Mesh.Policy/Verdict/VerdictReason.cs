namespace Mesh.Policy.Verdict;

/// <summary>Why the datapath decided as it did.</summary>
public enum VerdictReason
{
    /// <summary>An allow entry was chosen.</summary>
    Allowed,

    /// <summary>A deny entry was chosen (DROP_POLICY_DENY).</summary>
    PolicyDeny,

    /// <summary>No entry matched (DROP_POLICY).</summary>
    NoEntry,
}
