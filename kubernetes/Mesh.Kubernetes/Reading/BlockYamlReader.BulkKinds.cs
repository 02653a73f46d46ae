using System.Globalization;
using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// CiliumEndpoints and CiliumIdentities straight from block YAML into their objects: a cluster dump holds them by the
/// hundred thousand, and writing each as JSON only to read that JSON again was most of the time spent on them. The
/// reader takes exactly what <see cref="BulkObjectReader"/> takes from the document's JSON form, field by field and
/// value type by value type; anything else about a document (another kind, a flow collection, a value of an unusual
/// type, a field given twice) sends it down the JSON path, which decides and words what it is. Fields it does not know
/// are walked as the JSON path walks them, writing nothing, so what it accepts is block YAML the JSON path accepts.
/// </summary>
internal static partial class BlockYamlReader
{
    private ref partial struct Reader
    {
        private const int EndOfMapping = -1;
        private const int Unusual = -2;

        /// <summary>The document on lines <paramref name="first"/> up to <paramref name="end"/> as a bulk object, or null for the JSON path.</summary>
        private IKubeObject? TryReadBulkObject(int first, int end)
        {
            _current = first;
            _documentEnd = end;
            try
            {
                return ReadBulkObject();
            }
            catch (OutsideSubsetException)
            {
                // The JSON path meets the same and hands the whole text to the full parser.
                return null;
            }
        }

        private IKubeObject? ReadBulkObject()
        {
            if (!SkipToContent() || Indent(_current) != 0)
            {
                return null;
            }
            var fields = new BulkKindFields();
            FieldsSeen seen = default;
            int keyEnd;
            while ((keyEnd = NextEntry(0, out var key)) >= 0)
            {
                if (key is "apiVersion" && seen.First(0))
                {
                    if (!TryScalarValue(keyEnd, 0, out var version) || version.Type != PlainScalarType.String)
                    {
                        return null;
                    }
                    fields.Group = BulkKindFields.IsGroup(version.Text);
                    if (!fields.Group)
                    {
                        return null;
                    }
                }
                else if (key is "kind" && seen.First(1))
                {
                    if (!TryScalarValue(keyEnd, 0, out var kind) || kind.Type != PlainScalarType.String)
                    {
                        return null;
                    }
                    fields.Kind = BulkKindFields.KindOf(kind.Text);
                    if (fields.Kind == BulkKind.Other)
                    {
                        return null;
                    }
                }
                else if (key is "metadata" && seen.First(2))
                {
                    if (!ReadMetadata(keyEnd, ref fields.Metadata))
                    {
                        return null;
                    }
                    fields.HasMetadata = true;
                }
                else if (key is "status" && seen.First(3))
                {
                    if (!TryStartMapping(keyEnd, 0, out var present, out var inner) || (present && !ReadStatus(inner, ref fields.Status)))
                    {
                        return null;
                    }
                    fields.HasStatus = present;
                }
                else if (key is "security-labels" && seen.First(4))
                {
                    if (!TryReadMap(keyEnd, 0, out fields.SecurityLabels))
                    {
                        return null;
                    }
                }
                else if (!SkipOther(keyEnd, 0, 0, seen))
                {
                    return null;
                }
            }
            return keyEnd == EndOfMapping ? fields.Build() : null;
        }

        private bool ReadMetadata(int keyEnd, ref BulkMetadata meta)
        {
            // The general reader refuses a metadata that is not a mapping, null included.
            if (!TryStartMapping(keyEnd, 0, out var present, out var indent) || !present)
            {
                return false;
            }
            FieldsSeen seen = default;
            int entryKeyEnd;
            while ((entryKeyEnd = NextEntry(indent, out var key)) >= 0)
            {
                if (key is "name" && seen.First(0))
                {
                    if (!TryStringValue(entryKeyEnd, indent, out var name))
                    {
                        return false;
                    }
                    meta.Name = name;
                }
                else if (key is "namespace" && seen.First(1))
                {
                    if (!TryStringValue(entryKeyEnd, indent, out var ns, shared: true))
                    {
                        return false;
                    }
                    meta.Namespace = ns;
                }
                else if (key is "labels" && seen.First(2))
                {
                    if (!TryReadMap(entryKeyEnd, indent, out meta.Labels))
                    {
                        return false;
                    }
                }
                else if (key is "annotations" && seen.First(3))
                {
                    if (!TryReadMap(entryKeyEnd, indent, out meta.Annotations))
                    {
                        return false;
                    }
                }
                else if (key is "resourceVersion" && seen.First(4))
                {
                    if (!TryStringValue(entryKeyEnd, indent, out var version))
                    {
                        return false;
                    }
                    meta.ResourceVersion = version;
                }
                else if (key is "creationTimestamp" && seen.First(5))
                {
                    if (!TryStringValue(entryKeyEnd, indent, out var created) || !meta.TrySetCreated(created))
                    {
                        return false;
                    }
                }
                else if (!SkipOther(entryKeyEnd, indent, 1, seen))
                {
                    return false;
                }
            }
            return entryKeyEnd == EndOfMapping;
        }

        /// <summary>A CiliumEndpoint's status, a mapping at <paramref name="indent"/> starting on the current line.</summary>
        private bool ReadStatus(int indent, ref BulkStatus status)
        {
            FieldsSeen seen = default;
            int keyEnd;
            while ((keyEnd = NextEntry(indent, out var key)) >= 0)
            {
                if (key is "identity" && seen.First(0))
                {
                    if (!TryStartMapping(keyEnd, indent, out var present, out var inner) || (present && !ReadIdentity(inner, ref status)))
                    {
                        return false;
                    }
                }
                else if (key is "networking" && seen.First(1))
                {
                    if (!TryStartMapping(keyEnd, indent, out var present, out var inner) || (present && !ReadNetworking(inner, ref status)))
                    {
                        return false;
                    }
                }
                else if (key is "encryption" && seen.First(2))
                {
                    if (!TryStartMapping(keyEnd, indent, out var present, out var inner) || (present && !ReadEncryption(inner, ref status)))
                    {
                        return false;
                    }
                }
                else if (key is "named-ports" && seen.First(3))
                {
                    if (!TryStartSequence(keyEnd, indent, out var present, out var items) || (present && !ReadNamedPorts(items, ref status)))
                    {
                        return false;
                    }
                }
                else if (key is "service-account" && seen.First(4))
                {
                    if (!TryStringValue(keyEnd, indent, out status.ServiceAccount))
                    {
                        return false;
                    }
                }
                else if (key is "id" && seen.First(5))
                {
                    if (!TryIntegerValue(keyEnd, indent, 1, ushort.MaxValue, out var id))
                    {
                        return false;
                    }
                    status.EndpointId = id is { } value ? (ushort)value : null;
                }
                else if (!SkipOther(keyEnd, indent, 1, seen))
                {
                    return false;
                }
            }
            return keyEnd == EndOfMapping;
        }

        private bool ReadIdentity(int indent, ref BulkStatus status)
        {
            FieldsSeen seen = default;
            int keyEnd;
            while ((keyEnd = NextEntry(indent, out var key)) >= 0)
            {
                if (key is "id" && seen.First(0))
                {
                    if (!TryIntegerValue(keyEnd, indent, 0, uint.MaxValue, out var id))
                    {
                        return false;
                    }
                    status.IdentityId = id is { } value ? (uint)value : null;
                }
                else if (key is "labels" && seen.First(1))
                {
                    if (!TryStartSequence(keyEnd, indent, out var present, out var items) || (present && !ReadIdentityLabels(items, ref status)))
                    {
                        return false;
                    }
                }
                else if (!SkipOther(keyEnd, indent, 2, seen))
                {
                    return false;
                }
            }
            return keyEnd == EndOfMapping;
        }

        /// <summary>The identity's labels: every item a string.</summary>
        private bool ReadIdentityLabels(int indent, ref BulkStatus status)
        {
            var labels = new List<string>();
            while (SkipToContent() && Indent(_current) == indent && IsSequenceItem(_current))
            {
                var item = ItemStart(_current);
                if (item < 0)
                {
                    return false;
                }
                var text = _text[item.._lines[_current].End];
                // A nested sequence or mapping is not a string; nor is a scalar of another type.
                if (StartsSequenceItem(text) || FindKeyEnd(text) >= 0 || !TryInlineScalar(text, indent, out var label) || label.Type != PlainScalarType.String)
                {
                    return false;
                }
                labels.Add(label.Text.ToString());
            }
            status.IdentityLabels = [.. labels];
            return SequenceEnded(indent);
        }

        private bool ReadNetworking(int indent, ref BulkStatus status)
        {
            FieldsSeen seen = default;
            int keyEnd;
            while ((keyEnd = NextEntry(indent, out var key)) >= 0)
            {
                if (key is "addressing" && seen.First(0))
                {
                    if (!TryStartSequence(keyEnd, indent, out var present, out var items) || (present && !ReadAddressing(items, ref status)))
                    {
                        return false;
                    }
                }
                else if (key is "node" && seen.First(1))
                {
                    // A node's address is shared by every pod on it.
                    if (!TryStringValue(keyEnd, indent, out status.NodeIp, shared: true))
                    {
                        return false;
                    }
                }
                else if (!SkipOther(keyEnd, indent, 2, seen))
                {
                    return false;
                }
            }
            return keyEnd == EndOfMapping;
        }

        private bool ReadAddressing(int indent, ref BulkStatus status)
        {
            var pairs = new AddressPairs();
            while (SkipToContent() && Indent(_current) == indent && IsSequenceItem(_current))
            {
                var itemIndent = BeginMappingItem(out var line, out var saved);
                if (itemIndent < 0)
                {
                    return false;
                }
                try
                {
                    string ipv4 = string.Empty, ipv6 = string.Empty;
                    FieldsSeen seen = default;
                    int keyEnd;
                    while ((keyEnd = NextEntry(itemIndent, out var key)) >= 0)
                    {
                        if (key is "ipv4" && seen.First(0))
                        {
                            if (!TryStringValue(keyEnd, itemIndent, out ipv4))
                            {
                                return false;
                            }
                        }
                        else if (key is "ipv6" && seen.First(1))
                        {
                            if (!TryStringValue(keyEnd, itemIndent, out ipv6))
                            {
                                return false;
                            }
                        }
                        else if (!SkipOther(keyEnd, itemIndent, 4, seen))
                        {
                            return false;
                        }
                    }
                    if (keyEnd != EndOfMapping)
                    {
                        return false;
                    }
                    pairs.Add(new EndpointAddressPair(ipv4, ipv6));
                }
                finally
                {
                    EndItem(line, saved);
                }
            }
            status.Addressing = pairs.ToArray();
            return SequenceEnded(indent);
        }

        private bool ReadEncryption(int indent, ref BulkStatus status)
        {
            FieldsSeen seen = default;
            int keyEnd;
            while ((keyEnd = NextEntry(indent, out var key)) >= 0)
            {
                if (key is "key" && seen.First(0))
                {
                    if (!TryIntegerValue(keyEnd, indent, 0, 255, out var encryptionKey))
                    {
                        return false;
                    }
                    status.EncryptionKey = (byte)(encryptionKey ?? 0);
                }
                else if (!SkipOther(keyEnd, indent, 2, seen))
                {
                    return false;
                }
            }
            return keyEnd == EndOfMapping;
        }

        private bool ReadNamedPorts(int indent, ref BulkStatus status)
        {
            var ports = new List<NamedPortSpec>();
            while (SkipToContent() && Indent(_current) == indent && IsSequenceItem(_current))
            {
                var itemIndent = BeginMappingItem(out var line, out var saved);
                if (itemIndent < 0)
                {
                    return false;
                }
                try
                {
                    string name = string.Empty, protocol = string.Empty;
                    long? port = null;
                    FieldsSeen seen = default;
                    int keyEnd;
                    while ((keyEnd = NextEntry(itemIndent, out var key)) >= 0)
                    {
                        if (key is "name" && seen.First(0))
                        {
                            if (!TryStringValue(keyEnd, itemIndent, out name))
                            {
                                return false;
                            }
                        }
                        else if (key is "port" && seen.First(1))
                        {
                            if (!TryIntegerValue(keyEnd, itemIndent, 1, 65535, out port))
                            {
                                return false;
                            }
                        }
                        else if (key is "protocol" && seen.First(2))
                        {
                            if (!TryStringValue(keyEnd, itemIndent, out protocol))
                            {
                                return false;
                            }
                        }
                        else if (!SkipOther(keyEnd, itemIndent, 3, seen))
                        {
                            return false;
                        }
                    }
                    if (keyEnd != EndOfMapping)
                    {
                        return false;
                    }
                    ports.Add(new NamedPortSpec(name, (int)(port ?? 0), protocol));
                }
                finally
                {
                    EndItem(line, saved);
                }
            }
            status.NamedPorts = [.. ports];
            return SequenceEnded(indent);
        }

        /// <summary>A string map (labels, annotations, security-labels) as <see cref="JsonFields.StringMap"/> reads it: null is absent.</summary>
        private bool TryReadMap(int keyEnd, int indent, out IReadOnlyDictionary<string, string>? map)
        {
            map = null;
            if (!TryStartMapping(keyEnd, indent, out var present, out var inner))
            {
                return false;
            }
            if (!present)
            {
                return true;
            }
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            int entryKeyEnd;
            while ((entryKeyEnd = NextEntry(inner, out var key)) >= 0)
            {
                if (!TryScalarValue(entryKeyEnd, inner, out var value))
                {
                    return false;
                }
                var text = value.Type switch
                {
                    PlainScalarType.String => value.Text.ToString(),
                    PlainScalarType.Integer => value.Integer.ToString(CultureInfo.InvariantCulture),
                    PlainScalarType.True => "true",
                    PlainScalarType.False => "false",
                    _ => null,
                };
                if (text is null)
                {
                    return false;
                }
                // The last of a key given twice counts, as in the general reader.
                result[key.ToString()] = text;
            }
            map = result;
            return entryKeyEnd == EndOfMapping;
        }

        /// <summary>
        /// The current entry's value opened as a block mapping: true with <paramref name="present"/> and the indentation
        /// of its entries, or with <paramref name="present"/> false for null; false for any other value.
        /// </summary>
        private bool TryStartMapping(int keyEnd, int indent, out bool present, out int inner)
        {
            present = false;
            inner = 0;
            var value = InlineValue(keyEnd);
            if (!value.IsEmpty)
            {
                return TryInlineScalar(value, indent, out var scalar) && scalar.Type == PlainScalarType.Null;
            }
            _current++;
            if (!HasNestedBlock(indent))
            {
                return true;
            }
            if (IsSequenceItem(_current) || !IsMappingEntry(_current))
            {
                return false;
            }
            present = true;
            inner = Indent(_current);
            return true;
        }

        /// <summary>The current entry's value opened as a block sequence, as <see cref="TryStartMapping"/> opens a mapping.</summary>
        private bool TryStartSequence(int keyEnd, int indent, out bool present, out int items)
        {
            present = false;
            items = 0;
            var value = InlineValue(keyEnd);
            if (!value.IsEmpty)
            {
                return TryInlineScalar(value, indent, out var scalar) && scalar.Type == PlainScalarType.Null;
            }
            _current++;
            if (!HasNestedBlock(indent))
            {
                return true;
            }
            if (!IsSequenceItem(_current))
            {
                return false;
            }
            present = true;
            items = Indent(_current);
            return true;
        }

        /// <summary>
        /// The next entry of the block mapping at <paramref name="indent"/>: where its key ends, the key unquoted in
        /// <paramref name="key"/>; <see cref="EndOfMapping"/> when a block further out (or the document's end) follows
        /// the last entry, <see cref="Unusual"/> when what follows is the JSON path's to decide.
        /// </summary>
        private int NextEntry(int indent, out ReadOnlySpan<char> key)
        {
            key = default;
            if (!SkipToContent() || Indent(_current) < indent)
            {
                return EndOfMapping;
            }
            if (Indent(_current) > indent || IsSequenceItem(_current))
            {
                return Unusual;
            }
            return TryKey(out key, out var keyEnd) ? keyEnd : Unusual;
        }

        /// <summary>After a sequence's items: a more indented line is the JSON path's to refuse.</summary>
        private bool SequenceEnded(int indent) => !SkipToContent() || Indent(_current) <= indent;

        /// <summary>Where the content of the sequence item on line <paramref name="index"/> starts; -1 for a "-" alone or a block scalar.</summary>
        private readonly int ItemStart(int index)
        {
            var line = _lines[index];
            var item = line.Content + 1;
            while (item < line.End && _text[item] == ' ')
            {
                item++;
            }
            return item == line.End || _text[item] is '#' or '|' or '>' ? -1 : item;
        }

        /// <summary>
        /// Opens the current sequence item as a compact mapping ("- key: value", its other entries lined up under the
        /// key): the indentation of its entries, with the line read from the item's content on, as the JSON path reads
        /// it, until <see cref="EndItem"/> restores it; -1 (the line as it was) for any other item.
        /// </summary>
        private int BeginMappingItem(out int line, out Line saved)
        {
            line = _current;
            saved = _lines[line];
            var item = ItemStart(line);
            if (item < 0)
            {
                return -1;
            }
            _lines[line].Content = item;
            if (!IsMappingEntry(line))
            {
                _lines[line] = saved;
                return -1;
            }
            return Indent(line);
        }

        private readonly void EndItem(int index, Line saved) => _lines[index] = saved;

        /// <summary>The key of the mapping entry on the current line, unquoted, and where it ends; false when the line is no entry.</summary>
        private readonly bool TryKey(out ReadOnlySpan<char> key, out int keyEnd)
        {
            var rest = Rest(_current);
            keyEnd = FindKeyEnd(rest);
            if (keyEnd < 0)
            {
                key = default;
                return false;
            }
            key = rest[..keyEnd].TrimEnd(' ');
            if (key[0] is '"' or '\'')
            {
                key = Unquote(key[..QuotedEnd(key)]);
            }
            return true;
        }

        /// <summary>What follows the current entry's key on its line, or empty when the line holds only the key (and a comment).</summary>
        private readonly ReadOnlySpan<char> InlineValue(int keyEnd)
        {
            var value = Rest(_current)[(keyEnd + 1)..].TrimStart(' ');
            return value.IsEmpty || value[0] == '#' ? default : value;
        }

        /// <summary>
        /// The current entry's value as one scalar, its lines consumed: null when nothing follows the key; false for
        /// anything but a scalar.
        /// </summary>
        private bool TryScalarValue(int keyEnd, int indent, out Scalar scalar)
        {
            var value = InlineValue(keyEnd);
            if (!value.IsEmpty)
            {
                return TryInlineScalar(value, indent, out scalar);
            }
            scalar = new Scalar(PlainScalarType.Null, default, 0);
            _current++;
            return !HasNestedBlock(indent);
        }

        /// <summary>
        /// The plain, quoted or literal block scalar that <paramref name="value"/> starts (nothing but a comment after a
        /// one-line one), its lines consumed; false for a flow collection, a folded scalar, or a one-line scalar the next
        /// line would continue.
        /// </summary>
        private bool TryInlineScalar(ReadOnlySpan<char> value, int parentIndent, out Scalar scalar)
        {
            scalar = default;
            int end;
            if (value[0] == '|')
            {
                // A literal block scalar (an annotation holding a whole JSON document, say): a string over the lines below.
                scalar = new Scalar(PlainScalarType.String, BlockScalar(_lines[_current].End - value.Length, parentIndent), 0);
                return true;
            }
            if (value[0] is '"' or '\'')
            {
                end = QuotedEnd(value);
                if (end < 0)
                {
                    return false;
                }
                var quoted = value[..end];
                var inner = quoted[1..^1];
                // Only escapes and doubled quotes need a new string.
                var text = quoted[0] == '"' ? (inner.Contains('\\') ? Unquote(quoted) : inner) : (inner.Contains('\'') ? Unquote(quoted) : inner);
                scalar = new Scalar(PlainScalarType.String, text, 0);
            }
            else
            {
                if (IsIndicator(value[0]) || value[0] is '[' or '{' || (value[0] is '-' or '?' or ':' && (value.Length == 1 || value[1] == ' ')))
                {
                    return false;
                }
                var stop = MappingColonOrComment(value);
                if (stop >= 0 && value[stop] == ':')
                {
                    return false;
                }
                var text = value[..(stop < 0 ? value.Length : stop)].TrimEnd(' ');
                scalar = new Scalar(TypeOfPlainScalar(text, out var integer, out _), text, integer);
                end = text.Length;
            }
            if (!IsOnlyComment(value[end..]))
            {
                return false;
            }
            _current++;
            // A more indented line after the scalar would continue it: the JSON path refuses that.
            return !SkipToContent() || Indent(_current) <= parentIndent;
        }

        /// <summary>A string field as <see cref="JsonFields.String"/> reads it: null is empty, an integer its digits; false for any other value.</summary>
        private bool TryStringValue(int keyEnd, int indent, out string value, bool shared = false)
        {
            value = string.Empty;
            if (!TryScalarValue(keyEnd, indent, out var scalar))
            {
                return false;
            }
            switch (scalar.Type)
            {
                case PlainScalarType.String:
                    value = shared ? SharedString(scalar.Text) : scalar.Text.ToString();
                    return true;
                case PlainScalarType.Null:
                    return true;
                case PlainScalarType.Integer:
                    value = scalar.Integer.ToString(CultureInfo.InvariantCulture);
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>An integer field within bounds (null when null); false for anything else, left to the general reader's errors.</summary>
        private bool TryIntegerValue(int keyEnd, int indent, long min, long max, out long? value)
        {
            value = null;
            if (!TryScalarValue(keyEnd, indent, out var scalar))
            {
                return false;
            }
            if (scalar.Type == PlainScalarType.Null)
            {
                return true;
            }
            if (scalar.Type != PlainScalarType.Integer || scalar.Integer < min || scalar.Integer > max)
            {
                return false;
            }
            value = scalar.Integer;
            return true;
        }

        /// <summary>Walks past a field none of the known ones matched, as the JSON path reads it; false when a known field came twice.</summary>
        private bool SkipOther(int keyEnd, int indent, int depth, FieldsSeen seen)
        {
            if (!seen.Other())
            {
                return false;
            }
            ReadEntryValue(null, keyEnd, indent, depth);
            return true;
        }

        /// <summary>The string for <paramref name="text"/>, one instance per thread for equal values (see <see cref="SharedStrings"/>).</summary>
        private static string SharedString(ReadOnlySpan<char> text)
        {
            ref var slot = ref SharedStrings.Slot(text);
            if (slot is { } known && known.AsSpan().SequenceEqual(text))
            {
                return known;
            }
            return slot = text.ToString();
        }
    }

    /// <summary>A one-line scalar: its type (quoted ones are strings), its text unquoted, and its value when an integer.</summary>
    private readonly ref struct Scalar
    {
        public readonly PlainScalarType Type;
        public readonly ReadOnlySpan<char> Text;
        public readonly long Integer;

        public Scalar(PlainScalarType type, ReadOnlySpan<char> text, long integer)
        {
            Type = type;
            Text = text;
            Integer = integer;
        }
    }
}
