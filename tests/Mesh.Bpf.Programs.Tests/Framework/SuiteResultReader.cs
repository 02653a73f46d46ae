namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>
/// Decodes the protobuf a CHECK program writes (bpf/tests/lib/mesh_test.h): SuiteResult { repeated TestResult = 1;
/// repeated Log = 2 }, TestResult { string name = 1; status = 2; repeated Log = 3 }, Log { string fmt = 1;
/// repeated fixed64 args = 2 }. The map value is fixed-size, so decoding stops at the first zero tag.
/// </summary>
public static class SuiteResultReader
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;

    public static bool TryRead(ReadOnlySpan<byte> buffer, out SuiteResult result, out string? error)
    {
        var results = new List<TestResult>();
        var suiteLogs = new List<TestLog>();
        result = new SuiteResult(results, suiteLogs);
        var reader = new Reader(buffer);
        while (!reader.AtEnd && reader.Peek() != 0)
        {
            if (!reader.TryField(out var field, out var wire, out var body, out _, out error))
            {
                return false;
            }
            switch (field, wire)
            {
                case (1, WireLengthDelimited):
                    if (!TryReadTest(body, out var test, out error))
                    {
                        return false;
                    }
                    results.Add(test);
                    break;
                case (2, WireLengthDelimited):
                    if (!TryReadLog(body, out var log, out error))
                    {
                        return false;
                    }
                    suiteLogs.Add(log);
                    break;
                default:
                    error = $"SuiteResult: unexpected field {field} (wire type {wire})";
                    return false;
            }
        }
        error = null;
        return true;
    }

    private static bool TryReadTest(ReadOnlySpan<byte> buffer, out TestResult result, out string? error)
    {
        var name = string.Empty;
        var status = TestStatus.Unknown;
        var logs = new List<TestLog>();
        result = null!;
        var reader = new Reader(buffer);
        while (!reader.AtEnd)
        {
            if (!reader.TryField(out var field, out var wire, out var body, out var value, out error))
            {
                return false;
            }
            switch (field, wire)
            {
                case (1, WireLengthDelimited):
                    name = System.Text.Encoding.UTF8.GetString(body);
                    break;
                case (2, WireVarint):
                    status = (TestStatus)value;
                    break;
                case (3, WireLengthDelimited):
                    if (!TryReadLog(body, out var log, out error))
                    {
                        return false;
                    }
                    logs.Add(log);
                    break;
                default:
                    error = $"TestResult: unexpected field {field} (wire type {wire})";
                    return false;
            }
        }
        result = new TestResult(name, status, logs);
        error = null;
        return true;
    }

    private static bool TryReadLog(ReadOnlySpan<byte> buffer, out TestLog log, out string? error)
    {
        var format = string.Empty;
        var arguments = new List<ulong>();
        log = null!;
        var reader = new Reader(buffer);
        while (!reader.AtEnd)
        {
            if (!reader.TryField(out var field, out var wire, out var body, out var value, out error))
            {
                return false;
            }
            switch (field, wire)
            {
                case (1, WireLengthDelimited):
                    format = System.Text.Encoding.UTF8.GetString(body);
                    break;
                case (2, WireFixed64):
                    arguments.Add(value);
                    break;
                case (2, WireLengthDelimited):
                    // packed encoding of the same repeated fixed64
                    for (var i = 0; i + 8 <= body.Length; i += 8)
                    {
                        arguments.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(body[i..]));
                    }
                    break;
                default:
                    error = $"Log: unexpected field {field} (wire type {wire})";
                    return false;
            }
        }
        log = new TestLog(format, arguments);
        error = null;
        return true;
    }

    private ref struct Reader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private int _position;

        public readonly bool AtEnd => _position >= _buffer.Length;

        public readonly byte Peek() => _buffer[_position];

        public bool TryField(out int field, out int wire, out ReadOnlySpan<byte> body, out ulong value, out string? error)
        {
            body = default;
            value = 0;
            field = 0;
            wire = 0;
            if (!TryVarint(out var tag))
            {
                error = $"truncated tag at {_position}";
                return false;
            }
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            switch (wire)
            {
                case WireVarint:
                    if (!TryVarint(out value))
                    {
                        error = $"truncated varint of field {field}";
                        return false;
                    }
                    break;
                case WireFixed64:
                    if (_position + 8 > _buffer.Length)
                    {
                        error = $"truncated fixed64 of field {field}";
                        return false;
                    }
                    value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
                    _position += 8;
                    break;
                case WireLengthDelimited:
                    if (!TryVarint(out var length) || length > (ulong)(_buffer.Length - _position))
                    {
                        error = $"field {field}: length runs past the buffer";
                        return false;
                    }
                    body = _buffer.Slice(_position, (int)length);
                    _position += (int)length;
                    break;
                default:
                    error = $"field {field}: unsupported wire type {wire}";
                    return false;
            }
            error = null;
            return true;
        }

        private bool TryVarint(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64 && _position < _buffer.Length; shift += 7)
            {
                var b = _buffer[_position++];
                value |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
