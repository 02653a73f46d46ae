namespace Mesh.Bgp.Codec.Errors;

/// <summary>
/// How the session must react to a decode error (RFC 7606 §2). Ordered by severity: when an UPDATE holds
/// several errors the most severe one decides (RFC 7606 §3 "unless some other, more severe error").
/// </summary>
public enum BgpErrorAction
{
    /// <summary>Drop the malformed attribute, keep the route (RFC 7606 §2 "attribute discard").</summary>
    AttributeDiscard = 0,

    /// <summary>Withdraw every prefix the UPDATE carried (RFC 7606 §2 "treat-as-withdraw"); no NOTIFICATION.</summary>
    TreatAsWithdraw = 1,

    /// <summary>Send the NOTIFICATION and close the session (RFC 4271 §6; AFI/SAFI disable is treated as this).</summary>
    SessionReset = 2,
}
