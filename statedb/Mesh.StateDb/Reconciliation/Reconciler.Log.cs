using Microsoft.Extensions.Logging;

namespace Mesh.StateDb.Reconciliation;

public sealed partial class Reconciler<TRow, TKey>
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Reconciler {Name} is {Level}: {ErrorCount} rows failing, last error: {LastError}")]
    private partial void LogHealthLevelChanged(string name, HealthLevel level, int errorCount, string? lastError);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Reconciler {Name}: table {Table} initialized, reconciling fully with prune")]
    private partial void LogTableInitialized(string name, string table);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Reconciler {Name}: prune failed ({Error}); next full reconciliation in {Delay}")]
    private partial void LogPruneFailed(string name, string error, TimeSpan delay);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Debug, Message = "Reconciler {Name}: full reconciliation of {Rows} rows (pruned: {Pruned}) took {Elapsed}")]
    private partial void LogFullReconciliation(string name, int rows, bool pruned, TimeSpan elapsed);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Reconciler {Name}: health handler failed")]
    private partial void LogHealthHandlerFailed(string name, Exception exception);
}
