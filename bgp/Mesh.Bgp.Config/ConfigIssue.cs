namespace Mesh.Bgp.Config;

/// <summary>
/// A problem in the BGP resources: the resource ("CiliumBGPPeerConfig tor"), the field path
/// ("spec.timers.keepAliveTimeSeconds") and what is wrong. Errors keep the affected peers as they were;
/// warnings are reported while the rest of the configuration still applies.
/// </summary>
public sealed record ConfigIssue(string Resource, string Field, string Message, bool IsWarning = false)
{
    public override string ToString() => Field.Length == 0 ? $"{Resource}: {Message}" : $"{Resource}: {Field}: {Message}";
}
