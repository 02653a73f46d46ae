namespace Mesh.Bgp.Codec.Errors;

/// <summary>Keeps the most severe error of an UPDATE; on ties the first one wins (it names the first problem found).</summary>
internal sealed class UpdateErrorCollector
{
    public BgpDecodeError? Worst { get; private set; }

    public bool IsSessionReset => Worst?.Action == BgpErrorAction.SessionReset;

    public void Report(BgpDecodeError error)
    {
        if (Worst is null || error.Action > Worst.Action)
        {
            Worst = error;
        }
    }

    public void Report(UpdateMessageError subcode, ReadOnlySpan<byte> data, BgpErrorAction action, string reason)
    {
        if (Worst is null || action > Worst.Action)
        {
            Worst = BgpDecodeError.Update(subcode, data.ToArray(), action, reason);
        }
    }
}
