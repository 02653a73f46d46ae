using System.Text.Json;

namespace Mesh.Bgp.Agent.Api;

/// <summary>JSON settings shared by the control API server and its client.</summary>
public static class BgpJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}
