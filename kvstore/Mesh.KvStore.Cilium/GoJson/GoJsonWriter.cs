using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Mesh.KvStore.Cilium.GoJson;

/// <summary>
/// Writes JSON byte for byte as Go's encoding/json does: no whitespace, fields in declaration order, map keys
/// sorted, HTML characters and U+2028/U+2029 escaped as \u00XX/\u20XX with lowercase hex, other non-ASCII raw.
/// Cilium agents compare and hash these bytes, so "equivalent JSON" is not good enough.
/// </summary>
internal sealed class GoJsonWriter
{
    private const string Hex = "0123456789abcdef";

    // What Quote cannot copy as is: what Go escapes (quote, backslash, control and HTML characters, U+2028/U+2029)
    // and surrogates (a pair is passed on whole, a lone one replaced).
    private static readonly SearchValues<char> Special = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(i => (char)i)) + "\"\\<>&\u2028\u2029"
        + string.Concat(Enumerable.Range(0xD800, 0x800).Select(i => (char)i)));
    // One writer per thread, reused: an apiserver encodes 100k+ values while bootstrapping, and a writer with its own
    // buffer per value was several times the garbage of the values themselves.
    [ThreadStatic]
    private static GoJsonWriter? t_reused;

    // A buffer grown past this by one large value (a service with thousands of backends) is not kept for the thread.
    private const int MaxRetainedBytes = 1 << 20;

    // A plain array and a count: every token is a write, and ArrayBufferWriter's checks per GetSpan and Advance were a
    // tenth of encoding an ipcache value.
    private byte[] _bytes = new byte[256];
    private int _written;
    // One bit per open object or array: whether its next element needs a comma (bit 0 is the innermost).
    private ulong _needComma;
    private int _depth;
    private bool _afterName;

    /// <summary>
    /// This thread's writer, emptied: for an encode that ends in <see cref="ToArray"/> before the thread encodes
    /// anything else (no nesting, no await in between).
    /// </summary>
    public static GoJsonWriter Reused()
    {
        var writer = t_reused is { } reused && reused._bytes.Length <= MaxRetainedBytes ? reused : t_reused = new GoJsonWriter();
        // Reset, not only cleared: an encode that threw half-way left its depth and flags behind.
        writer._written = 0;
        writer._needComma = 0;
        writer._depth = 0;
        writer._afterName = false;
        return writer;
    }

    public byte[] ToArray() => _bytes.AsSpan(0, _written).ToArray();

    public GoJsonWriter StartObject()
    {
        BeforeValue();
        Raw("{"u8);
        Open();
        return this;
    }

    public GoJsonWriter EndObject()
    {
        Close();
        Raw("}"u8);
        return this;
    }

    public GoJsonWriter StartArray()
    {
        BeforeValue();
        Raw("["u8);
        Open();
        return this;
    }

    public GoJsonWriter EndArray()
    {
        Close();
        Raw("]"u8);
        return this;
    }

    public GoJsonWriter Name(string name)
    {
        BeforeValue();
        Quote(name);
        Raw(":"u8);
        _afterName = true;
        return this;
    }

    /// <summary>
    /// A field name known to need no escaping (a codec's own ASCII names): copied as it is, where <see cref="Name(string)"/>
    /// searches every name for characters to escape.
    /// </summary>
    public GoJsonWriter Name(ReadOnlySpan<byte> plainAsciiName)
    {
        Debug.Assert(!plainAsciiName.ContainsAny("\"<>&\\"u8) && Ascii.IsValid(plainAsciiName), "a name that needs escaping goes through Name(string)");
        BeforeValue();
        Raw("\""u8);
        Raw(plainAsciiName);
        Raw("\":"u8);
        _afterName = true;
        return this;
    }

    public GoJsonWriter String(string? value)
    {
        BeforeValue();
        Quote(value ?? string.Empty);
        return this;
    }

    /// <summary>
    /// An address as Go's net.IP String() writes it: IPv4 (and IPv4-mapped IPv6) dotted, IPv6 in RFC 5952 form, nil "".
    /// </summary>
    public GoJsonWriter Address(IPAddress? address)
    {
        BeforeValue();
        Raw("\""u8);
        if (address is not null)
        {
            // Addresses never need escaping; written as UTF-8 directly, with no string in between.
            var span = Free(64);
            if (!(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).TryFormat(span, out var written))
            {
                throw new InvalidOperationException("an IP address takes at most 64 bytes");
            }
            _written += written;
        }
        Raw("\""u8);
        return this;
    }

    public GoJsonWriter Number(ulong value)
    {
        BeforeValue();
        Utf8Number(value);
        return this;
    }

    public GoJsonWriter Number(long value)
    {
        BeforeValue();
        Utf8Number(value);
        return this;
    }

    public GoJsonWriter Bool(bool value)
    {
        BeforeValue();
        Raw(value ? "true"u8 : "false"u8);
        return this;
    }

    public GoJsonWriter Null()
    {
        BeforeValue();
        Raw("null"u8);
        return this;
    }

    /// <summary>A Go []byte: base64 (standard alphabet, padded), or null for a nil slice.</summary>
    public GoJsonWriter Bytes(byte[]? value)
    {
        if (value is null)
        {
            return Null();
        }
        BeforeValue();
        // Base64 characters never need escaping.
        Raw("\""u8);
        var span = Free(Base64.GetMaxEncodedToUtf8Length(value.Length));
        Base64.EncodeToUtf8(value, span, out _, out var written);
        _written += written;
        Raw("\""u8);
        return this;
    }

    /// <summary>A Go map[string]string: null when nil, keys in sorted order.</summary>
    public GoJsonWriter StringMap(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return Null();
        }
        StartObject();
        foreach (var key in SortedKeys(map.Keys))
        {
            Name(key).String(map[key]);
        }
        return EndObject();
    }

    /// <summary>Go sorts map keys by their UTF-8 bytes; ordinal order on UTF-16 agrees outside surrogates.</summary>
    public static IEnumerable<string> SortedKeys(IEnumerable<string> keys) => keys.Order(Utf8Order.Instance);

    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }
        if (_depth > 0)
        {
            if ((_needComma & 1) != 0)
            {
                Raw(","u8);
            }
            else
            {
                _needComma |= 1;
            }
        }
    }

    private void Open()
    {
        if (_depth == 64)
        {
            throw new InvalidOperationException("JSON nested deeper than 64 levels");
        }
        _needComma <<= 1;
        _depth++;
    }

    private void Close()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("no object or array to close");
        }
        _needComma >>= 1;
        _depth--;
    }

    private void Quote(ReadOnlySpan<char> value)
    {
        Raw("\""u8);
        while (true)
        {
            // Runs of plain characters go straight to UTF-8; only the characters Go escapes or replaces stop the run.
            var special = value.IndexOfAny(Special);
            var plain = special < 0 ? value : value[..special];
            if (!plain.IsEmpty)
            {
                var span = Free(Encoding.UTF8.GetMaxByteCount(plain.Length));
                _written += Encoding.UTF8.GetBytes(plain, span);
            }
            if (special < 0)
            {
                break;
            }
            var c = value[special];
            var consumed = 1;
            switch (c)
            {
                case '"':
                    Raw("\\\""u8);
                    break;
                case '\\':
                    Raw("\\\\"u8);
                    break;
                case '\n':
                    Raw("\\n"u8);
                    break;
                case '\r':
                    Raw("\\r"u8);
                    break;
                case '\t':
                    Raw("\\t"u8);
                    break;
                case '\b':
                    Raw("\\b"u8);
                    break;
                case '\f':
                    Raw("\\f"u8);
                    break;
                default:
                    if (char.IsHighSurrogate(c) && special + 1 < value.Length && char.IsLowSurrogate(value[special + 1]))
                    {
                        var span = Free(4);
                        _written += Encoding.UTF8.GetBytes(value.Slice(special, 2), span);
                        consumed = 2;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        // Go replaces invalid UTF-8 with U+FFFD; a lone surrogate is its UTF-16 counterpart.
                        Raw("\uFFFD"u8);
                    }
                    else
                    {
                        // Control characters, HTML characters and U+2028/U+2029.
                        UnicodeEscape(c);
                    }
                    break;
            }
            value = value[(special + consumed)..];
        }
        Raw("\""u8);
    }

    private void UnicodeEscape(char c)
    {
        var span = Free(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = (byte)Hex[(c >> 12) & 0xf];
        span[3] = (byte)Hex[(c >> 8) & 0xf];
        span[4] = (byte)Hex[(c >> 4) & 0xf];
        span[5] = (byte)Hex[c & 0xf];
        _written += 6;
    }

    private void Utf8Number<T>(T value)
        where T : IUtf8SpanFormattable
    {
        var span = Free(24);
        if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("a 64-bit number needs at most 20 bytes");
        }
        _written += written;
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Free(bytes.Length));
        _written += bytes.Length;
    }

    /// <summary>The free part of the buffer, at least <paramref name="size"/> bytes of it.</summary>
    private Span<byte> Free(int size)
    {
        if (_bytes.Length - _written < size)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _written + size));
        }
        return _bytes.AsSpan(_written);
    }

    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        // UTF-8 byte order is code point order: compare rune by rune instead of encoding both strings.
        public int Compare(string? x, string? y)
        {
            var a = (x ?? string.Empty).EnumerateRunes();
            var b = (y ?? string.Empty).EnumerateRunes();
            while (true)
            {
                var moreA = a.MoveNext();
                var moreB = b.MoveNext();
                if (!moreA || !moreB)
                {
                    return moreA.CompareTo(moreB);
                }
                var order = a.Current.Value.CompareTo(b.Current.Value);
                if (order != 0)
                {
                    return order;
                }
            }
        }
    }
}
