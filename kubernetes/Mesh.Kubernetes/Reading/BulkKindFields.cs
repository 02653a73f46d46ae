using System.Collections.ObjectModel;
using System.Globalization;
using Mesh.Kubernetes.Objects;

namespace Mesh.Kubernetes.Reading;

/// <summary>
/// The fields of the kinds that come by the ten thousand (CiliumEndpoints, CiliumIdentities) as their one-pass readers
/// collect them, from JSON text (<see cref="BulkObjectReader"/>) or straight from block YAML; one place builds the
/// object, so both readers agree with <see cref="KubeObjectReader"/> in the same way.
/// </summary>
internal struct BulkKindFields()
{
    /// <summary>apiVersion is one of the Cilium groups the bulk kinds come in.</summary>
    public bool Group;
    public BulkKind Kind;
    public bool HasMetadata;
    public BulkMetadata Metadata;
    public bool HasStatus;
    public BulkStatus Status = new();
    public IReadOnlyDictionary<string, string>? SecurityLabels;

    /// <summary>The apiVersions the bulk kinds are read from.</summary>
    public static bool IsGroup(ReadOnlySpan<char> apiVersion) => apiVersion is "cilium.io/v2" or "cilium.io/v2alpha1";

    /// <summary>The bulk kind <paramref name="kind"/> names, or <see cref="BulkKind.Other"/>.</summary>
    public static BulkKind KindOf(ReadOnlySpan<char> kind) => kind switch
    {
        "CiliumEndpoint" => BulkKind.Endpoint,
        "CiliumIdentity" => BulkKind.Identity,
        _ => BulkKind.Other,
    };

    /// <summary>The object the fields describe, or null when the general reader must read it (and word what is wrong).</summary>
    public readonly IKubeObject? Build()
    {
        if (!Group || !HasMetadata || string.IsNullOrEmpty(Metadata.Name))
        {
            return null;
        }
        switch (Kind)
        {
            case BulkKind.Identity when uint.TryParse(Metadata.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _):
                return new CiliumIdentity(Metadata.ToObjectMeta(namespaced: false), SecurityLabels ?? ReadOnlyDictionary<string, string>.Empty);
            case BulkKind.Endpoint:
                var objectMeta = Metadata.ToObjectMeta(namespaced: true);
                if (!HasStatus)
                {
                    return new CiliumEndpoint(objectMeta, null, [], string.Empty, 0, [], string.Empty);
                }
                return new CiliumEndpoint(objectMeta, Status.IdentityId, Status.Addressing, Status.NodeIp, Status.EncryptionKey, Status.NamedPorts, Status.ServiceAccount)
                {
                    EndpointId = Status.EndpointId,
                    IdentityLabels = Status.IdentityLabels,
                };
            default:
                return null;
        }
    }
}

internal enum BulkKind
{
    Other,
    Endpoint,
    Identity,
}

internal struct BulkMetadata
{
    public string? Name;
    public string? Namespace;
    public IReadOnlyDictionary<string, string>? Labels;
    public IReadOnlyDictionary<string, string>? Annotations;
    public string? ResourceVersion;
    public DateTimeOffset? Created;

    public readonly ObjectMeta ToObjectMeta(bool namespaced) => new(
        Name!,
        !namespaced ? string.Empty : string.IsNullOrEmpty(Namespace) ? "default" : Namespace,
        Labels ?? ReadOnlyDictionary<string, string>.Empty,
        Annotations ?? ReadOnlyDictionary<string, string>.Empty,
        ResourceVersion ?? string.Empty,
        Created);

    /// <summary>creationTimestamp as the general reader takes it: empty is absent; false when it is not a time.</summary>
    public bool TrySetCreated(string created)
    {
        if (created.Length == 0)
        {
            return true;
        }
        if (!DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }
        Created = parsed;
        return true;
    }
}

/// <summary>A CiliumEndpoint's status fields.</summary>
internal struct BulkStatus()
{
    public uint? IdentityId;
    public EndpointAddressPair[] Addressing = [];
    public string NodeIp = string.Empty;
    public byte EncryptionKey;
    public NamedPortSpec[] NamedPorts = [];
    public string ServiceAccount = string.Empty;
    public ushort? EndpointId;
    public string[] IdentityLabels = [];
}

/// <summary>A CiliumEndpoint's address pairs as they are read: nearly every pod has one, which needs no list.</summary>
internal struct AddressPairs
{
    private EndpointAddressPair? _only;
    private List<EndpointAddressPair>? _more;

    public void Add(EndpointAddressPair pair)
    {
        if (_only is null)
        {
            _only = pair;
        }
        else
        {
            (_more ??= [_only.Value]).Add(pair);
        }
    }

    public readonly EndpointAddressPair[] ToArray() => _more is not null ? [.. _more] : _only is { } single ? [single] : [];
}

/// <summary>
/// Which of an object's known fields were read: a field given twice is left to the general reader (whose lookup
/// decides which one counts), and every other property is skipped.
/// </summary>
internal struct FieldsSeen
{
    private int _fields;

    /// <summary>True the first time field <paramref name="bit"/> is met.</summary>
    public bool First(int bit)
    {
        var mask = 1 << bit;
        if ((_fields & mask) != 0)
        {
            _fields |= 1 << 30;
            return false;
        }
        _fields |= mask;
        return true;
    }

    /// <summary>For a property none of the known fields matched: true when it may be skipped, false when a known field came twice.</summary>
    public readonly bool Other() => (_fields & (1 << 30)) == 0;
}
