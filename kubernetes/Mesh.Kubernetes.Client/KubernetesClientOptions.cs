using Mesh.Kubernetes.Client.Watching;

namespace Mesh.Kubernetes.Client;

/// <summary>What to watch and how patiently.</summary>
public sealed record KubernetesClientOptions
{
    public IReadOnlyList<KubeResource> Resources { get; init; } = KubeResource.All;

    /// <summary>Objects per LIST page (<c>limit</c>); further pages follow <c>continue</c>.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Sent as <c>timeoutSeconds</c>: the server ends each watch after this and the client re-watches.
    /// The client gives up on a silent watch after this plus <see cref="RequestTimeout"/>.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Limit for one LIST page (and for a watch's response headers).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First retry delay after a failure; doubles per consecutive failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every invalid setting, empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Resources.Count == 0)
        {
            errors.Add("Resources: at least one resource is required");
        }
        if (Resources.Distinct().Count() != Resources.Count)
        {
            errors.Add("Resources: listed twice");
        }
        if (PageSize < 1)
        {
            errors.Add($"PageSize: {PageSize} is not positive");
        }
        if (WatchTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"WatchTimeout: {WatchTimeout} is under one second");
        }
        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"RequestTimeout: {RequestTimeout} is not positive");
        }
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            errors.Add($"InitialBackoff/MaxBackoff: need 0 < {InitialBackoff} <= {MaxBackoff}");
        }
        return errors;
    }
}
