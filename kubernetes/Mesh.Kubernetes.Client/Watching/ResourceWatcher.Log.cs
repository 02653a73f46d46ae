using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client.Watching;

internal sealed partial class ResourceWatcher
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Listed {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    private partial void LogListed(KubeResource resource, int count, string resourceVersion);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "{Resource}: resourceVersion {ResourceVersion} expired (410 Gone); relisting")]
    private partial void LogExpired(KubeResource resource, string resourceVersion);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Relisted {Resource} at resourceVersion {ResourceVersion}: {Upserts} new or changed, {Deletes} deleted")]
    private partial void LogRelisted(KubeResource resource, string resourceVersion, int upserts, int deletes);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "{Resource}: {Operation} failed: {Reason}; retrying in {Delay}")]
    private partial void LogFailed(KubeResource resource, string operation, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "{Resource}: skipping {Object}: {Reason}")]
    private partial void LogSkipped(KubeResource resource, string @object, string reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "{Resource}: watch from resourceVersion {ResourceVersion} ended after {Events} events; watching again")]
    private partial void LogWatchEnded(KubeResource resource, string resourceVersion, int events);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "{Resource}: ignoring watch event of type {Type}")]
    private partial void LogUnknownEvent(KubeResource resource, string type);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "{Resource} is not served by the API server (CRD not installed?); treating it as empty and asking again every {Interval}")]
    private partial void LogNotServed(KubeResource resource, TimeSpan interval);
}
