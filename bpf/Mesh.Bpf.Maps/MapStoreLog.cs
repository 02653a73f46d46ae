using Microsoft.Extensions.Logging;

namespace Mesh.Bpf.Maps;

/// <summary>Map lifecycle events of both stores (EventIds 8100-8199).</summary>
internal static partial class MapStoreLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "BPF map {Name} created at {Location} (max {MaxEntries} entries)")]
    public static partial void Created(ILogger logger, string name, string location, int maxEntries);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "BPF map {Name} reused at {Location} with {Count} entries")]
    public static partial void Reused(ILogger logger, string name, string location, int count);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "BPF map {Name} at {Location} replaced, layout changed: {Reason}")]
    public static partial void Replaced(ILogger logger, string name, string location, string reason);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Information, Message = "BPF map {Name} removed from {Location}")]
    public static partial void Removed(ILogger logger, string name, string location);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Warning, Message = "Userspace map state {File} unreadable, starting empty: {Reason}")]
    public static partial void StateUnreadable(ILogger logger, string file, string reason);
}
