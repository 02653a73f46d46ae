namespace Mesh.Policy.Computation;

/// <summary>Port ranges as maximal aligned power-of-two blocks (spec §3.4, Cilium's PortRangeToMaskedPorts).</summary>
internal static class PortRange
{
    /// <summary>
    /// Appends the (port, prefix) blocks of [<paramref name="start"/>, <paramref name="end"/>]: 0 to 0 or 65535 is
    /// the wildcard port, an end at or below the start a single /16.
    /// </summary>
    public static void ToMaskedPorts(byte protocol, ushort start, ushort end, List<PortKey> output)
    {
        if (start == 0 && end is 0 or ushort.MaxValue)
        {
            output.Add(new PortKey(protocol, 0, 0));
            return;
        }
        if (end <= start)
        {
            output.Add(new PortKey(protocol, start, 16));
            return;
        }
        var current = (int)start;
        while (current <= end)
        {
            var bits = current == 0 ? 16 : System.Numerics.BitOperations.TrailingZeroCount(current);
            while (current + (1 << bits) - 1 > end)
            {
                bits--;
            }
            output.Add(new PortKey(protocol, (ushort)current, (byte)(16 - bits)));
            current += 1 << bits;
        }
    }
}
