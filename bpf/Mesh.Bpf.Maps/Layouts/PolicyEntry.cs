namespace Mesh.Bpf.Maps.Layouts;

/// <summary>
/// Value of <c>cilium_policy_v2_&lt;endpoint&gt;</c> (struct policy_entry, 12 B): be16 proxy_port @0, u8 @2 with
/// bit0 deny, bits 1-2 reserved and bits 3-7 lpm_prefix_length (the key's protocol and port prefix bits, 0-24,
/// repeated because an LPM lookup does not return the matched key), u8 @3 with bits 0-6 auth_type and bit7
/// has_explicit_auth_type, u32 precedence @4 and u32 cookie @8 (both host order).
/// </summary>
public readonly record struct PolicyEntry : IBpfLayout<PolicyEntry>
{
    public const int ByteSize = 12;

    /// <summary>Precedence of a priority-0 allow without proxy redirect (CNP, CCNP and KNP allows).</summary>
    public const uint AllowPrecedence = 0xFFFFFF01;

    /// <summary>Precedence of a priority-0 deny: the maximum, which short-circuits the datapath lookup.</summary>
    public const uint DenyPrecedence = 0xFFFFFFFF;

    public PolicyEntry(bool deny, uint precedence, int lpmPrefixLength, ushort proxyPort = 0, byte authType = 0, bool hasExplicitAuthType = false, uint cookie = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lpmPrefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lpmPrefixLength, 24);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(authType, (byte)0x7F);
        Deny = deny;
        Precedence = precedence;
        LpmPrefixLength = lpmPrefixLength;
        ProxyPort = proxyPort;
        AuthType = authType;
        HasExplicitAuthType = hasExplicitAuthType;
        Cookie = cookie;
    }

    public static int Size => ByteSize;

    public bool Deny { get; }

    public uint Precedence { get; }

    /// <summary>The protocol and port prefix bits of the key this entry is stored under (key prefixlen − 40).</summary>
    public int LpmPrefixLength { get; }

    public ushort ProxyPort { get; }

    public byte AuthType { get; }

    public bool HasExplicitAuthType { get; }

    public uint Cookie { get; }

    /// <summary>The value stored under <paramref name="key"/> for a plain allow.</summary>
    public static PolicyEntry AllowFor(PolicyKey key) => new(false, AllowPrecedence, key.PrefixLength - PolicyKey.StaticPrefixBits);

    /// <summary>The value stored under <paramref name="key"/> for a deny.</summary>
    public static PolicyEntry DenyFor(PolicyKey key) => new(true, DenyPrecedence, key.PrefixLength - PolicyKey.StaticPrefixBits);

    public void Write(Span<byte> destination)
    {
        HostOrder.CheckLength(destination, ByteSize, nameof(PolicyEntry));
        destination[..ByteSize].Clear();
        HostOrder.WriteNetwork16(destination, ProxyPort);
        destination[2] = (byte)((Deny ? 1 : 0) | (LpmPrefixLength << 3));
        destination[3] = (byte)(AuthType | (HasExplicitAuthType ? 0x80 : 0));
        HostOrder.WriteUInt32(destination[4..], Precedence);
        HostOrder.WriteUInt32(destination[8..], Cookie);
    }

    /// <summary>Decodes a stored value; the reserved bits are dropped, an out-of-range prefix length is clamped to 24.</summary>
    public static PolicyEntry Read(ReadOnlySpan<byte> source)
    {
        HostOrder.CheckLength(source, ByteSize, nameof(PolicyEntry));
        return new PolicyEntry(
            (source[2] & 1) != 0,
            HostOrder.ReadUInt32(source[4..]),
            Math.Min(source[2] >> 3, 24),
            HostOrder.ReadNetwork16(source),
            (byte)(source[3] & 0x7F),
            (source[3] & 0x80) != 0,
            HostOrder.ReadUInt32(source[8..]));
    }
}
