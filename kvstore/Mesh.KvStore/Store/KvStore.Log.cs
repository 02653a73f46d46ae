using Microsoft.Extensions.Logging;

namespace Mesh.KvStore.Store;

internal sealed partial class KvStore
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Granted lease {Lease:x} with TTL {Ttl}")]
    private partial void LogLeaseGranted(long lease, TimeSpan ttl);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Lease {Lease:x} lost; {Keys} keys must be written again")]
    private partial void LogLeaseLost(long lease, int keys);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Keep-alive of lease {Lease:x} failed: {Reason}")]
    private partial void LogKeepAliveFailed(long lease, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Watch of {Prefix} interrupted ({Reason}); resuming from revision {Revision} in {Delay}")]
    private partial void LogWatchInterrupted(string prefix, string reason, long revision, TimeSpan delay);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Watch of {Prefix} asked for compacted revision {Revision}; relisting")]
    private partial void LogWatchRelist(string prefix, long revision);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Lease-loss handler failed")]
    private partial void LogHandlerFailed(Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Granting the next lease ahead failed ({Reason}); the write that needs it grants it")]
    private partial void LogSpareGrantFailed(string reason);
}
