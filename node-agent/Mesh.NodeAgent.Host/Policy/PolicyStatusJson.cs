using System.Text.Json.Nodes;
using Mesh.NodeAgent.Policy;

namespace Mesh.NodeAgent.Host.Policy;

/// <summary>The policy part of <c>/v1/status</c>, and <c>/v1/policy/identities</c> (identity → labels, for <c>mesh agent policy get</c>).</summary>
public static class PolicyStatusJson
{
    public static JsonObject Render(PolicyControllerStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var policies = new JsonArray();
        foreach (var policy in status.Policies)
        {
            policies.Add(new JsonObject
            {
                ["name"] = policy.Policy,
                ["accepted"] = policy.Accepted,
                ["in-force"] = policy.InForce,
                ["errors"] = new JsonArray([.. policy.Errors.Select(e => (JsonNode?)e.ToString())]),
                ["warnings"] = new JsonArray([.. policy.Warnings.Select(e => (JsonNode?)e.ToString())]),
            });
        }
        var endpoints = new JsonArray();
        foreach (var endpoint in status.Endpoints)
        {
            endpoints.Add(new JsonObject
            {
                ["id"] = endpoint.EndpointId,
                ["identity"] = endpoint.Identity,
                ["ingress-enforced"] = endpoint.IngressEnforced,
                ["egress-enforced"] = endpoint.EgressEnforced,
                ["entries"] = endpoint.Entries,
                ["max-entries"] = endpoint.MaxEntries,
                ["degraded"] = endpoint.Degraded,
                ["reason"] = endpoint.Reason,
                ["policies"] = new JsonArray([.. endpoint.Policies.Select(p => (JsonNode?)p)]),
            });
        }
        return new JsonObject
        {
            ["revision"] = status.Revision,
            ["identities"] = status.Identities,
            ["rejected"] = status.Rejected,
            ["endpoints-degraded"] = status.Degraded,
            ["policies"] = policies,
            ["endpoints"] = endpoints,
        };
    }

    public static JsonObject Identities(PolicyControllerStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var identities = new JsonObject();
        foreach (var (id, labels) in status.Labels.OrderBy(l => l.Key))
        {
            identities[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = labels;
        }
        return identities;
    }
}
