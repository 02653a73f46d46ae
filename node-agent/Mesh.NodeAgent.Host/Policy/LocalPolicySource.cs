using System.Net;
using Mesh.ClusterMesh.Export.Conversion;
using Mesh.Kubernetes.Objects;
using Mesh.NodeAgent.Host.Sources;
using Mesh.NodeAgent.Policy;
using Mesh.Policy;
using Mesh.Policy.Labels;
using Mesh.StateDb.Tables;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>
/// The local cluster's policy inputs: CNP/CCNP/KNP objects, CiliumIdentities, and the CiliumEndpoints of this node
/// (those whose <c>status.networking.node</c> is this node's address and that carry an endpoint ID and identity).
/// Called on the local source's loop.
/// </summary>
internal sealed class LocalPolicySource
{
    /// <summary>The annotation the tc datapath (Programs/) names an endpoint's ID with.</summary>
    public const string EndpointIdAnnotation = "mesh.cilium.io/endpoint-id";

    private readonly AgentWriters _writers;
    private readonly TableInitializer[] _initializers;
    private readonly Dictionary<string, CiliumEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalEndpoint> _local = new(StringComparer.Ordinal);
    private IPAddress? _nodeIp;

    public LocalPolicySource(AgentWriters writers)
    {
        _writers = writers;
        _initializers =
        [
            writers.Tables.Policies.RegisterInitializer("k8s"),
            writers.Tables.PolicyIdentities.RegisterInitializer("k8s"),
            writers.Tables.LocalEndpoints.RegisterInitializer("k8s"),
        ];
    }

    /// <summary>Takes a local object; false when it is not a policy input.</summary>
    public bool Observe(IKubeObject item, bool deleted)
    {
        switch (item)
        {
            case var policy when PolicyObject.IsPolicy(policy):
                var row = PolicyObject.From(policy);
                _writers.Policies.Enqueue(tx =>
                {
                    if (deleted)
                    {
                        tx.Delete(row.Key);
                    }
                    else
                    {
                        tx.Insert(row);
                    }
                });
                return true;
            case CiliumIdentity identity:
                var id = uint.Parse(identity.Metadata.Name, System.Globalization.CultureInfo.InvariantCulture);
                var labels = CiliumConverters.Identity(identity) is { } converted ? LabelSet.From(converted) : LabelSet.Empty;
                _writers.PolicyIdentities.Enqueue(tx =>
                {
                    if (deleted)
                    {
                        if (tx.TryGet(id, out var known) && known.Source == PolicyIdentity.LocalSource)
                        {
                            tx.Delete(id);
                        }
                    }
                    else
                    {
                        tx.Insert(new PolicyIdentity(id, labels, PolicyIdentity.LocalSource));
                    }
                });
                return true;
            case CiliumEndpoint endpoint:
                if (deleted)
                {
                    _endpoints.Remove(endpoint.Metadata.Key);
                }
                else
                {
                    _endpoints[endpoint.Metadata.Key] = endpoint;
                }
                Evaluate(endpoint.Metadata.Key);
                return true;
            default:
                return false;
        }
    }

    /// <summary>This node's address changed: which endpoints are local may have changed too.</summary>
    public void NodeAddress(IPAddress? address)
    {
        _nodeIp = address;
        foreach (var key in _endpoints.Keys.Concat(_local.Keys).Distinct().ToList())
        {
            Evaluate(key);
        }
    }

    /// <summary>The local source listed everything.</summary>
    public void Synced()
    {
        _writers.Policies.Enqueue(tx => tx.MarkDone(_initializers[0]));
        _writers.PolicyIdentities.Enqueue(tx => tx.MarkDone(_initializers[1]));
        _writers.LocalEndpoints.Enqueue(tx => tx.MarkDone(_initializers[2]));
    }

    private void Evaluate(string key)
    {
        var now = _endpoints.TryGetValue(key, out var endpoint) ? ToLocal(endpoint) : null;
        var before = _local.GetValueOrDefault(key);
        if (Equals(now, before))
        {
            return;
        }
        if (now is null)
        {
            _local.Remove(key);
        }
        else
        {
            _local[key] = now;
        }
        _writers.LocalEndpoints.Enqueue(tx =>
        {
            if (before is not null && (now is null || now.Id != before.Id))
            {
                tx.Delete(before.Id);
            }
            if (now is not null)
            {
                tx.Insert(now);
            }
        });
    }

    private LocalEndpoint? ToLocal(CiliumEndpoint endpoint)
    {
        if (_nodeIp is null || EndpointId(endpoint) is not { } id || endpoint.IdentityId is not { } identity
            || !IPAddress.TryParse(endpoint.NodeIp, out var node) || !node.Equals(_nodeIp))
        {
            return null;
        }
        var ports = new List<NamedPort>(endpoint.NamedPorts.Count);
        foreach (var port in endpoint.NamedPorts)
        {
            if (ProtocolNumber(port.Protocol) is { } protocol)
            {
                ports.Add(new NamedPort(port.Name, protocol, (ushort)port.Port));
            }
        }
        return new LocalEndpoint(id, identity, endpoint.Metadata.Key, ports);
    }

    /// <summary>The endpoint ID: <c>status.id</c>, else the <c>mesh.cilium.io/endpoint-id</c> annotation the tc datapath also reads.</summary>
    private static ushort? EndpointId(CiliumEndpoint endpoint) =>
        endpoint.EndpointId ?? (endpoint.Metadata.Annotations.TryGetValue(EndpointIdAnnotation, out var text)
            && ushort.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0
                ? id
                : null);

    private static byte? ProtocolNumber(string protocol) => protocol.ToUpperInvariant() switch
    {
        "" or "TCP" => 6,
        "UDP" => 17,
        "SCTP" => 132,
        _ => null,
    };
}
