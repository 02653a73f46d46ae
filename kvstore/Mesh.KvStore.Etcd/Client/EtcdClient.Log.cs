using Microsoft.Extensions.Logging;

namespace Mesh.KvStore.Etcd.Client;

internal sealed partial class EtcdClient
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "etcd endpoint {Failed} unavailable ({Reason}); using {Next}")]
        public static partial void EndpointFailover(ILogger logger, Uri failed, string reason, Uri next);

        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "etcd watch on '{Key}' lost ({Reason}); resuming from revision {Revision}")]
        public static partial void WatchResuming(ILogger logger, string key, string reason, long revision);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "etcd auth token for user '{User}' obtained")]
        public static partial void TokenObtained(ILogger logger, string user);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "etcd watch on '{Key}' canceled by the server: {Reason} (compact revision {CompactRevision})")]
        public static partial void WatchCanceled(ILogger logger, string key, string reason, long compactRevision);

        [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "etcd initial sync done; rate limit now {Qps} qps")]
        public static partial void InitialSyncDone(ILogger logger, double qps);

        [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "etcd call retry {Attempt} in {Delay}: {Reason}")]
        public static partial void Retrying(ILogger logger, int attempt, TimeSpan delay, string reason);

        [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "etcd keep-alive of lease {LeaseId} lost ({Reason}); re-establishing")]
        public static partial void KeepAliveLost(ILogger logger, long leaseId, string reason);

        [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "etcd authentication is not enabled on the server; calling without a token")]
        public static partial void AuthNotEnabled(ILogger logger);
    }
}
