using System.Buffers;
using System.Globalization;
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
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Stack<bool> _needComma = new();
    private bool _afterName;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public GoJsonWriter StartObject()
    {
        BeforeValue();
        Raw("{"u8);
        _needComma.Push(false);
        return this;
    }

    public GoJsonWriter EndObject()
    {
        _needComma.Pop();
        Raw("}"u8);
        return this;
    }

    public GoJsonWriter StartArray()
    {
        BeforeValue();
        Raw("["u8);
        _needComma.Push(false);
        return this;
    }

    public GoJsonWriter EndArray()
    {
        _needComma.Pop();
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

    public GoJsonWriter String(string? value)
    {
        BeforeValue();
        Quote(value ?? string.Empty);
        return this;
    }

    public GoJsonWriter Number(ulong value)
    {
        BeforeValue();
        Ascii(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public GoJsonWriter Number(long value)
    {
        BeforeValue();
        Ascii(value.ToString(CultureInfo.InvariantCulture));
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
    public GoJsonWriter Bytes(byte[]? value) => value is null ? Null() : String(Convert.ToBase64String(value));

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
        if (_needComma.Count > 0)
        {
            if (_needComma.Peek())
            {
                Raw(","u8);
            }
            else
            {
                _needComma.Pop();
                _needComma.Push(true);
            }
        }
    }

    private void Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    AppendUnicodeEscape(builder, c);
                    break;
                default:
                    if (c < 0x20)
                    {
                        AppendUnicodeEscape(builder, c);
                    }
                    else if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])))
                    {
                        // Go replaces invalid UTF-8 with U+FFFD; a lone surrogate is its UTF-16 counterpart.
                        builder.Append('\ufffd');
                    }
                    else
                    {
                        builder.Append(c);
                        if (char.IsHighSurrogate(c))
                        {
                            builder.Append(value[++i]);
                        }
                    }
                    break;
            }
        }
        builder.Append('"');
        var text = builder.ToString();
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void AppendUnicodeEscape(StringBuilder builder, char c) =>
        builder.Append("\\u").Append(Hex[(c >> 12) & 0xf]).Append(Hex[(c >> 8) & 0xf]).Append(Hex[(c >> 4) & 0xf]).Append(Hex[c & 0xf]);

    private void Ascii(string text)
    {
        var span = _buffer.GetSpan(text.Length);
        _buffer.Advance(Encoding.ASCII.GetBytes(text, span));
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = Encoding.UTF8.GetBytes(x ?? string.Empty);
            var b = Encoding.UTF8.GetBytes(y ?? string.Empty);
            return a.AsSpan().SequenceCompareTo(b);
        }
    }
}
