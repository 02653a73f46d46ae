using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// A fast reader for the YAML that manifests are made of: block mappings and sequences (compact ones included),
/// one-line plain and quoted scalars, one-line flow collections, literal block scalars and comments. Anything else
/// (anchors, tags, folded or multi-line scalars, directives, tabs, CR line ends...) makes it give up so the full YAML
/// parser reads the text instead; what it does read comes out exactly as the full parser's JSON.
/// </summary>
internal static partial class BlockYamlReader
{
    /// <summary>The deepest document this reader writes; deeper ones are the full parser's.</summary>
    internal const int MaxJsonDepth = 64;

    /// <summary>The documents of <paramref name="yaml"/>, or null when the text is outside the subset; valid until disposed.</summary>
    /// <remarks>
    /// With <paramref name="readBulkKinds"/>, CiliumEndpoints and CiliumIdentities in the usual block layout are read
    /// straight into their objects (<see cref="YamlDocumentSet.ReadObject"/>), without JSON in between: a cluster dump
    /// is mostly those, by the hundred thousand.
    /// </remarks>
    public static YamlDocumentSet? TryParse(ReadOnlyMemory<char> yaml, bool readBulkKinds = false)
    {
        if (yaml.Span.ContainsAny('\t', '\r') || yaml.Span.StartsWith('\uFEFF'))
        {
            return null;
        }
        // Not a using declaration: that would make the reader a read-only local, and its methods would run on copies.
        var reader = new Reader(yaml.Span);
        try
        {
            return reader.Documents(readBulkKinds);
        }
        catch (OutsideSubsetException)
        {
            return null;
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            // Input shaped in a way this reader did not foresee: the full parser decides what it means.
            return null;
        }
        finally
        {
            reader.Dispose();
        }
    }

    // Every character an integer or a finite float of the invariant culture can be written with (spaces included, as
    // the parses allow them around the number).
    private static readonly SearchValues<char> NumberCharacters = SearchValues.Create("0123456789+-.eE ");

    /// <summary>What a plain scalar is under YAML 1.2's core schema.</summary>
    internal enum PlainScalarType
    {
        Null,
        True,
        False,
        Integer,
        Real,
        String,
    }

    /// <summary>The same typing as <see cref="YamlDocuments"/> gives plain scalars (YAML 1.2 core schema).</summary>
    internal static PlainScalarType TypeOfPlainScalar(ReadOnlySpan<char> text, out long integer, out double real)
    {
        integer = 0;
        real = 0;
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return PlainScalarType.Null;
            case "true" or "True" or "TRUE":
                return PlainScalarType.True;
            case "false" or "False" or "FALSE":
                return PlainScalarType.False;
        }
        // Names, kinds and addresses are most plain scalars: a character no number has, or a second dot (an IPv4
        // address), makes one a string without two failed parses.
        if (text.ContainsAnyExcept(NumberCharacters) || text.IndexOf('.') != text.LastIndexOf('.'))
        {
            return PlainScalarType.String;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer))
        {
            return PlainScalarType.Integer;
        }
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out real) && double.IsFinite(real))
        {
            return PlainScalarType.Real;
        }
        return PlainScalarType.String;
    }

    /// <summary>A plain scalar as JSON, typed by <see cref="TypeOfPlainScalar"/>.</summary>
    internal static void WritePlainScalar(Utf8JsonWriter writer, ReadOnlySpan<char> text)
    {
        switch (TypeOfPlainScalar(text, out var integer, out var real))
        {
            case PlainScalarType.Null:
                writer.WriteNullValue();
                break;
            case PlainScalarType.True:
                writer.WriteBooleanValue(true);
                break;
            case PlainScalarType.False:
                writer.WriteBooleanValue(false);
                break;
            case PlainScalarType.Integer:
                writer.WriteNumberValue(integer);
                break;
            case PlainScalarType.Real:
                writer.WriteNumberValue(real);
                break;
            default:
                writer.WriteStringValue(text);
                break;
        }
    }

    private sealed class OutsideSubsetException : Exception
    {
        public OutsideSubsetException()
        {
        }

        public OutsideSubsetException(string message) : base(message)
        {
        }

        public OutsideSubsetException(string message, Exception innerException) : base(message, innerException)
        {
        }
    }

    /// <summary>A line of the text: where its content starts (after the indentation, or after a sequence dash) and ends.</summary>
    private struct Line
    {
        public int Start;
        public int End;
        public int Content;
    }

    private ref partial struct Reader
    {
        // Deeper documents are left to the full parser (and JSON documents stop at 64 levels anyway).
        private const int MaxDepth = MaxJsonDepth;

        private readonly ReadOnlySpan<char> _text;
        // Pooled: a file of 100k endpoints has a million lines.
        private Line[] _lines;
        private readonly int _lineCount;
        private int _current;
        private int _documentEnd;

        public Reader(ReadOnlySpan<char> text)
        {
            _text = text;
            _lines = ArrayPool<Line>.Shared.Rent(text.Count('\n') + 1);
            var start = 0;
            while (start < text.Length)
            {
                var next = text[start..].IndexOf('\n');
                var end = next < 0 ? text.Length : start + next;
                var content = start;
                while (content < end && text[content] == ' ')
                {
                    content++;
                }
                _lines[_lineCount++] = new Line { Start = start, End = end, Content = content };
                start = end + 1;
            }
        }

        public void Dispose()
        {
            var lines = Interlocked.Exchange(ref _lines, []);
            if (lines.Length > 0)
            {
                ArrayPool<Line>.Shared.Return(lines);
            }
        }

        public YamlDocumentSet Documents(bool readBulkKinds)
        {
            // All documents go into one JSON array, parsed (when at all) once: far less work per document than a parse
            // each. The JSON of block YAML runs about a third longer than its text (quotes and braces), so the buffer
            // rarely regrows; when the bulk kinds are read straight into objects, most documents write no JSON at all.
            var buffer = new PooledByteWriter(readBulkKinds ? 1 << 16 : _text.Length + _text.Length / 2 + 1024);
            var documents = new PooledList<YamlDocumentSet.BlockDocument>(64);
            try
            {
                using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
                writer.WriteStartArray();
                var first = 0;
                for (var i = 0; i <= _lineCount; i++)
                {
                    if (i < _lineCount && !IsDocumentMarker(i))
                    {
                        continue;
                    }
                    if (readBulkKinds && TryReadBulkObject(first, i) is { } read)
                    {
                        documents.Add(new YamlDocumentSet.BlockDocument(default, read, ContentOf(first, i)));
                        first = i + 1;
                        continue;
                    }
                    // Each document's bytes, for a reader of its JSON text (the separator before it left out).
                    writer.Flush();
                    var start = (int)writer.BytesCommitted;
                    ReadDocument(writer, first, i);
                    writer.Flush();
                    var end = (int)writer.BytesCommitted;
                    if (end > start)
                    {
                        var json = new Range(buffer.WrittenMemory.Span[start] == (byte)',' ? start + 1 : start, end);
                        documents.Add(new YamlDocumentSet.BlockDocument(json, null, default));
                    }
                    first = i + 1;
                }
                writer.WriteEndArray();
            }
            catch
            {
                buffer.Dispose();
                documents.Dispose();
                throw;
            }
            return new YamlDocumentSet(buffer, documents);
        }

        /// <summary>A hash of the text of lines <paramref name="first"/> up to <paramref name="end"/>: what changes when the document does.</summary>
        private readonly UInt128 ContentOf(int first, int end)
        {
            var start = first < _lineCount ? _lines[first].Start : _text.Length;
            var stop = end < _lineCount ? _lines[end].Start : _text.Length;
            return XxHash128.HashToUInt128(MemoryMarshal.AsBytes(_text[start..stop]));
        }

        private bool IsDocumentMarker(int index)
        {
            var line = _lines[index];
            // Every line is asked: most start with neither of the markers' characters.
            if (line.Start == line.End || _text[line.Start] is not ('%' or '.' or '-'))
            {
                return false;
            }
            var text = _text.Slice(line.Start, line.End - line.Start);
            if (text.StartsWith("%") || text.StartsWith("..."))
            {
                throw new OutsideSubsetException();
            }
            if (!text.StartsWith("---"))
            {
                return false;
            }
            if (text.Length == 3)
            {
                return true;
            }
            // "--- # comment" is a marker; content on the marker line ("--- !tag", "--- text") or "----" is beyond the subset.
            var rest = text[3..].TrimStart(' ');
            return text[3] == ' ' && (rest.IsEmpty || rest[0] == '#') ? true : throw new OutsideSubsetException();
        }

        private void ReadDocument(Utf8JsonWriter? writer, int first, int end)
        {
            _current = first;
            _documentEnd = end;
            if (!SkipToContent())
            {
                // Only blank lines and comments: an empty document, which is skipped.
                return;
            }
            if (!IsSequenceItem(_current) && !IsMappingEntry(_current))
            {
                throw new OutsideSubsetException();
            }
            ReadBlock(writer, Indent(_current), -1, 0);
            if (SkipToContent())
            {
                throw new OutsideSubsetException();
            }
        }

        /// <summary>Moves to the next line with content; false at the end of the document.</summary>
        private bool SkipToContent()
        {
            while (_current < _documentEnd)
            {
                var line = _lines[_current];
                if (line.Content < line.End && _text[line.Content] != '#')
                {
                    return true;
                }
                _current++;
            }
            return false;
        }

        private readonly int Indent(int index) => _lines[index].Content - _lines[index].Start;

        private readonly ReadOnlySpan<char> Rest(int index) => _text.Slice(_lines[index].Content, _lines[index].End - _lines[index].Content);

        private bool IsSequenceItem(int index) => StartsSequenceItem(Rest(index));

        private static bool StartsSequenceItem(ReadOnlySpan<char> rest) => rest.Length > 0 && rest[0] == '-' && (rest.Length == 1 || rest[1] == ' ');

        private bool IsMappingEntry(int index) => FindKeyEnd(Rest(index)) >= 0;

        /// <summary>A block node whose first line is the current one, at <paramref name="indent"/>.</summary>
        private void ReadBlock(Utf8JsonWriter? writer, int indent, int parentIndent, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new OutsideSubsetException();
            }
            if (IsSequenceItem(_current))
            {
                ReadSequence(writer, indent, depth);
            }
            else if (IsMappingEntry(_current))
            {
                ReadMapping(writer, indent, depth);
            }
            else
            {
                // A scalar on a line of its own (a sequence item's value): the whole rest of the line.
                var rest = Rest(_current);
                var afterValue = WriteInlineValue(writer, rest, 0);
                EnsureOnlyComment(rest[afterValue..]);
                _current++;
                EnsureBlockEnded(parentIndent);
            }
        }

        private void ReadSequence(Utf8JsonWriter? writer, int indent, int depth)
        {
            writer?.WriteStartArray();
            while (SkipToContent() && Indent(_current) == indent && IsSequenceItem(_current))
            {
                var line = _lines[_current];
                var item = line.Content + 1;
                while (item < line.End && _text[item] == ' ')
                {
                    item++;
                }
                if (item == line.End || _text[item] == '#')
                {
                    // "-" alone: the item is the following, more indented block, or null.
                    _current++;
                    if (SkipToContent() && Indent(_current) > indent)
                    {
                        ReadBlock(writer, Indent(_current), indent, depth + 1);
                    }
                    else
                    {
                        writer?.WriteNullValue();
                    }
                    continue;
                }
                if (_text[item] is '|' or '>')
                {
                    ReadBlockScalar(writer, item, indent);
                    continue;
                }
                // "- content": the content is a node whose indentation is its column ("- key: v" starts a mapping
                // whose later entries line up with "key").
                ReadItemContent(writer, item, indent, depth + 1);
            }
            writer?.WriteEndArray();
            EnsureBlockEnded(indent);
        }

        private void ReadMapping(Utf8JsonWriter? writer, int indent, int depth)
        {
            writer?.WriteStartObject();
            while (SkipToContent() && Indent(_current) == indent && !IsSequenceItem(_current))
            {
                var rest = Rest(_current);
                var keyEnd = FindKeyEnd(rest);
                if (keyEnd < 0)
                {
                    throw new OutsideSubsetException();
                }
                WriteKey(writer, rest[..keyEnd]);
                ReadEntryValue(writer, keyEnd, indent, depth);
            }
            writer?.WriteEndObject();
            EnsureBlockEnded(indent);
        }

        /// <summary>
        /// A sequence item's content, which starts at column <paramref name="item"/> of the current line: read as a
        /// block whose indentation is that column. The line is read from there meanwhile and restored after, so a
        /// second reading of the document sees the line as it was.
        /// </summary>
        private void ReadItemContent(Utf8JsonWriter? writer, int item, int sequenceIndent, int depth)
        {
            var index = _current;
            var line = _lines[index];
            _lines[index].Content = item;
            try
            {
                ReadBlock(writer, item - line.Start, sequenceIndent, depth);
            }
            finally
            {
                _lines[index] = line;
            }
        }

        /// <summary>
        /// The value of the mapping entry on the current line, whose key ends at <paramref name="keyEnd"/> of the line's
        /// content: on the same line, a block scalar, a nested block on the lines below, or null.
        /// </summary>
        private void ReadEntryValue(Utf8JsonWriter? writer, int keyEnd, int indent, int depth)
        {
            var rest = Rest(_current);
            var value = rest[(keyEnd + 1)..];
            var valueStart = value.Length - value.TrimStart(' ').Length;
            value = value[valueStart..];
            if (value.IsEmpty || value[0] == '#')
            {
                // "key:" alone: a nested block (more indented, or a sequence at the same indentation), or null.
                _current++;
                if (HasNestedBlock(indent))
                {
                    ReadBlock(writer, Indent(_current), indent, depth + 1);
                }
                else
                {
                    writer?.WriteNullValue();
                }
                return;
            }
            if (value[0] is '|' or '>')
            {
                ReadBlockScalar(writer, _lines[_current].Content + keyEnd + 1 + valueStart, indent);
                return;
            }
            var afterValue = WriteInlineValue(writer, value, 0);
            EnsureOnlyComment(value[afterValue..]);
            _current++;
            EnsureBlockEnded(indent);
        }

        /// <summary>After a "key:" line at <paramref name="indent"/>: whether a nested block follows (more indented, or a sequence at the key's indentation).</summary>
        private bool HasNestedBlock(int indent) =>
            SkipToContent() && (Indent(_current) > indent || (Indent(_current) == indent && IsSequenceItem(_current)));

        /// <summary>
        /// After a block at <paramref name="indent"/>, or a scalar in one: a line more indented than it is beyond the subset
        /// (after a scalar, it would be a multi-line scalar).
        /// </summary>
        private void EnsureBlockEnded(int indent)
        {
            if (SkipToContent() && Indent(_current) > indent)
            {
                throw new OutsideSubsetException();
            }
        }

        /// <summary>Where the key of a "key: value" line ends (the colon), or -1 when the line is not a mapping entry.</summary>
        private static int FindKeyEnd(ReadOnlySpan<char> rest)
        {
            if (rest.IsEmpty)
            {
                return -1;
            }
            if (rest[0] is '"' or '\'')
            {
                var close = QuotedEnd(rest);
                if (close < 0)
                {
                    return -1;
                }
                var after = close;
                while (after < rest.Length && rest[after] == ' ')
                {
                    after++;
                }
                return after < rest.Length && rest[after] == ':' && (after + 1 == rest.Length || rest[after + 1] == ' ') ? after : -1;
            }
            if (IsIndicator(rest[0]) || rest[0] is '[' or '{' || (rest[0] is '-' or '?' or ':' && (rest.Length == 1 || rest[1] == ' ')))
            {
                return -1;
            }
            var stop = MappingColonOrComment(rest);
            if (stop < 0 || rest[stop] == '#')
            {
                return -1;
            }
            // "x:: v" reads differently across parsers: left to the full one.
            return rest[stop - 1] == ':' ? throw new OutsideSubsetException() : stop;
        }

        /// <summary>
        /// In plain text after its first character: where the first ": " (or a colon ending the line) or " #" is, or -1.
        /// The one ends a mapping key, the other starts a comment.
        /// </summary>
        private static int MappingColonOrComment(ReadOnlySpan<char> text)
        {
            for (var i = 1; i < text.Length; i++)
            {
                var found = text[i..].IndexOfAny(':', '#');
                if (found < 0)
                {
                    return -1;
                }
                i += found;
                if ((text[i] == '#' && text[i - 1] == ' ') || (text[i] == ':' && (i + 1 == text.Length || text[i + 1] == ' ')))
                {
                    return i;
                }
            }
            return -1;
        }

        private static void WriteKey(Utf8JsonWriter? writer, ReadOnlySpan<char> key)
        {
            key = key.TrimEnd(' ');
            if (key[0] is '"' or '\'')
            {
                // Unquoted even when only checked: an escape outside the subset gives up either way.
                var name = Unquote(key[..QuotedEnd(key)]);
                writer?.WritePropertyName(name);
                return;
            }
            writer?.WritePropertyName(key);
        }

        /// <summary>Writes the value at the start of <paramref name="text"/>; returns where it ends.</summary>
        private static int WriteInlineValue(Utf8JsonWriter? writer, ReadOnlySpan<char> text, int depth)
        {
            switch (text[0])
            {
                case '"' or '\'':
                    var quoted = QuotedScalar(text, out var close);
                    writer?.WriteStringValue(quoted);
                    return close;
                case '[':
                    return WriteFlowSequence(writer, text, depth);
                case '{':
                    return WriteFlowMapping(writer, text, depth);
            }
            if (IsIndicator(text[0]) || (text[0] is '-' or '?' or ':' && (text.Length == 1 || text[1] == ' ')))
            {
                throw new OutsideSubsetException();
            }
            // A plain scalar runs to a comment or the end of the line; ": " inside would be a nested mapping, an error.
            var stop = MappingColonOrComment(text);
            if (stop >= 0 && text[stop] == ':')
            {
                throw new OutsideSubsetException();
            }
            var value = text[..(stop < 0 ? text.Length : stop)].TrimEnd(' ');
            if (writer is not null)
            {
                WritePlainScalar(writer, value);
            }
            return value.Length;
        }

        private static int WriteFlowSequence(Utf8JsonWriter? writer, ReadOnlySpan<char> text, int depth)
        {
            if (depth > 32)
            {
                throw new OutsideSubsetException();
            }
            writer?.WriteStartArray();
            var i = SkipSpaces(text, 1);
            var closed = i < text.Length && text[i] == ']';
            while (!closed)
            {
                i += WriteFlowValue(writer, text[i..], depth);
                closed = NextFlowEntry(text, ref i, ']');
            }
            writer?.WriteEndArray();
            return i + 1;
        }

        private static int WriteFlowMapping(Utf8JsonWriter? writer, ReadOnlySpan<char> text, int depth)
        {
            if (depth > 32)
            {
                throw new OutsideSubsetException();
            }
            writer?.WriteStartObject();
            var i = SkipSpaces(text, 1);
            var closed = i < text.Length && text[i] == '}';
            while (!closed)
            {
                // key: value, the key a quoted or plain scalar.
                int keyEnd;
                if (i < text.Length && text[i] is '"' or '\'')
                {
                    var quotedKey = QuotedScalar(text[i..], out var close);
                    writer?.WritePropertyName(quotedKey);
                    keyEnd = SkipSpaces(text, i + close);
                }
                else
                {
                    var plain = FlowPlainEnd(text, i);
                    if (plain == i)
                    {
                        throw new OutsideSubsetException();
                    }
                    writer?.WritePropertyName(text[i..plain].TrimEnd(' '));
                    keyEnd = plain;
                }
                if (keyEnd + 1 >= text.Length || text[keyEnd] != ':' || text[keyEnd + 1] != ' ')
                {
                    throw new OutsideSubsetException();
                }
                i = SkipSpaces(text, keyEnd + 1);
                if (i >= text.Length || text[i] is ',' or '}')
                {
                    throw new OutsideSubsetException();
                }
                i += WriteFlowValue(writer, text[i..], depth);
                closed = NextFlowEntry(text, ref i, '}');
            }
            writer?.WriteEndObject();
            return i + 1;
        }

        /// <summary>
        /// After an entry: true at the closing bracket (left at <paramref name="i"/>), false with <paramref name="i"/>
        /// at the next entry. Trailing or empty entries are left to the full parser.
        /// </summary>
        private static bool NextFlowEntry(ReadOnlySpan<char> text, ref int i, char close)
        {
            i = SkipSpaces(text, i);
            if (i < text.Length && text[i] == close)
            {
                return true;
            }
            if (i >= text.Length || text[i] != ',')
            {
                throw new OutsideSubsetException();
            }
            i = SkipSpaces(text, i + 1);
            return i >= text.Length || text[i] == close || text[i] == ',' ? throw new OutsideSubsetException() : false;
        }

        private static int WriteFlowValue(Utf8JsonWriter? writer, ReadOnlySpan<char> text, int depth)
        {
            if (text.IsEmpty)
            {
                throw new OutsideSubsetException();
            }
            switch (text[0])
            {
                case '[':
                    return WriteFlowSequence(writer, text, depth + 1);
                case '{':
                    return WriteFlowMapping(writer, text, depth + 1);
                case '"' or '\'':
                    var quoted = QuotedScalar(text, out var close);
                    writer?.WriteStringValue(quoted);
                    return close;
            }
            var end = FlowPlainEnd(text, 0);
            // In a flow collection "-", "?" and ":" start a plain scalar only when a character that is not a flow
            // indicator follows.
            if (end == 0 || IsIndicator(text[0]) || (text[0] is '-' or '?' or ':' && (text.Length == 1 || text[1] is ' ' or ',' or '[' or ']' or '{' or '}')))
            {
                throw new OutsideSubsetException();
            }
            if (writer is not null)
            {
                WritePlainScalar(writer, text[..end].TrimEnd(' '));
            }
            return end;
        }

        /// <summary>End of a plain scalar in a flow collection; a colon, a comment or a quote inside it is left to the full parser.</summary>
        private static int FlowPlainEnd(ReadOnlySpan<char> text, int start)
        {
            var i = start;
            while (i < text.Length && text[i] is not (',' or ']' or '}' or ':'))
            {
                if (text[i] is '#' or '[' or '{' or '"' or '\'')
                {
                    throw new OutsideSubsetException();
                }
                i++;
            }
            if (i < text.Length && text[i] == ':' && (i + 1 == text.Length || text[i + 1] != ' '))
            {
                throw new OutsideSubsetException();
            }
            return i;
        }

        private void ReadBlockScalar(Utf8JsonWriter? writer, int header, int parentIndent)
        {
            var text = BlockScalar(header, parentIndent);
            writer?.WriteStringValue(text);
        }

        /// <summary>
        /// A literal block scalar ("|", "|-", "|+") whose header is at <paramref name="header"/> of the current line, its
        /// lines consumed; folded ones and explicit indentation are left to the full parser.
        /// </summary>
        private string BlockScalar(int header, int parentIndent)
        {
            var line = _lines[_current];
            var headerText = _text.Slice(header, line.End - header);
            var chomping = headerText.Length > 1 ? headerText[1] : ' ';
            if (headerText[0] != '|' || chomping is not (' ' or '-' or '+'))
            {
                throw new OutsideSubsetException();
            }
            EnsureOnlyComment(headerText[(chomping == ' ' ? 1 : 2)..]);
            _current++;
            var value = new System.Text.StringBuilder();
            var contentIndent = -1;
            var breaks = 0;
            var last = _current;
            for (; last < _documentEnd; last++)
            {
                var candidate = _lines[last];
                var width = candidate.End - candidate.Start;
                if (candidate.Content == candidate.End)
                {
                    // Blank lines with spaces beyond the content's indentation are content of their own: left to the full parser.
                    if (contentIndent < 0 ? width > parentIndent + 1 : width > contentIndent)
                    {
                        throw new OutsideSubsetException();
                    }
                    breaks++;
                    continue;
                }
                if (contentIndent < 0)
                {
                    // The first non-blank line sets the content's indentation.
                    contentIndent = Indent(last);
                    if (contentIndent <= parentIndent)
                    {
                        break;
                    }
                }
                else if (Indent(last) < contentIndent)
                {
                    break;
                }
                value.Append('\n', breaks).Append(_text.Slice(candidate.Start + contentIndent, width - contentIndent));
                breaks = 1;
            }
            if (contentIndent <= parentIndent || (last == _lineCount && !_text.EndsWith('\n')))
            {
                // No content, or content ending without a line break: the chomping rules' corner cases.
                throw new OutsideSubsetException();
            }
            // Chomping: clip keeps one final line break, strip none, keep all of them.
            var text = value.ToString();
            _current = last;
            return chomping switch
            {
                '-' => text,
                '+' => text + new string('\n', breaks),
                _ => text + "\n",
            };
        }

        private static void EnsureOnlyComment(ReadOnlySpan<char> rest)
        {
            if (!IsOnlyComment(rest))
            {
                throw new OutsideSubsetException();
            }
        }

        /// <summary>Whether what follows a value is nothing, or a comment after a space.</summary>
        private static bool IsOnlyComment(ReadOnlySpan<char> rest)
        {
            var trimmed = rest.TrimStart(' ');
            return trimmed.IsEmpty || (trimmed[0] == '#' && trimmed.Length < rest.Length);
        }

        private static int SkipSpaces(ReadOnlySpan<char> text, int i)
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }
            return i;
        }

        /// <summary>Characters that start something other than a plain scalar.</summary>
        private static bool IsIndicator(char c) => c is '&' or '*' or '!' or '|' or '>' or '%' or '@' or '`' or '#' or ',' or ']' or '}';

        /// <summary>The one-line quoted scalar at the start of <paramref name="text"/>, unquoted; <paramref name="end"/> is just past its closing quote.</summary>
        private static string QuotedScalar(ReadOnlySpan<char> text, out int end)
        {
            end = QuotedEnd(text);
            return end < 0 ? throw new OutsideSubsetException() : Unquote(text[..end]);
        }

        /// <summary>Index just past the closing quote of the quoted scalar at the start of <paramref name="text"/>, or -1.</summary>
        private static int QuotedEnd(ReadOnlySpan<char> text)
        {
            var quote = text[0];
            for (var i = 1; i < text.Length; i++)
            {
                if (quote == '"' && text[i] == '\\')
                {
                    i++;
                    continue;
                }
                if (text[i] == quote)
                {
                    if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        i++;
                        continue;
                    }
                    return i + 1;
                }
            }
            return -1;
        }

        private static string Unquote(ReadOnlySpan<char> quoted)
        {
            var inner = quoted[1..^1];
            if (quoted[0] == '\'')
            {
                return inner.Contains('\'') ? inner.ToString().Replace("''", "'", StringComparison.Ordinal) : inner.ToString();
            }
            if (!inner.Contains('\\'))
            {
                return inner.ToString();
            }
            var result = new System.Text.StringBuilder(inner.Length);
            for (var i = 0; i < inner.Length; i++)
            {
                if (inner[i] != '\\')
                {
                    result.Append(inner[i]);
                    continue;
                }
                i++;
                switch (inner[i])
                {
                    case '\\': result.Append('\\'); break;
                    case '"': result.Append('"'); break;
                    case '/': result.Append('/'); break;
                    case 'n': result.Append('\n'); break;
                    case 't': result.Append('\t'); break;
                    case 'r': result.Append('\r'); break;
                    case 'b': result.Append('\b'); break;
                    case 'f': result.Append('\f'); break;
                    case '0': result.Append('\0'); break;
                    case 'u' when i + 4 < inner.Length && ushort.TryParse(inner.Slice(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit):
                        result.Append((char)unit);
                        i += 4;
                        break;
                    default:
                        throw new OutsideSubsetException();
                }
            }
            return result.ToString();
        }
    }
}
