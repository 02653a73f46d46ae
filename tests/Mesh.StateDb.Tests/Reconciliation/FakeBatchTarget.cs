using Mesh.StateDb.Reconciliation;

namespace Mesh.StateDb.Tests.Reconciliation;

/// <summary>A target with batch operations; records the size of every batch call.</summary>
internal sealed class FakeBatchTarget(TimeProvider time) : FakeTarget(time), IBatchReconcilerOperations<MapEntry>
{
    private readonly List<(string Op, int Rows)> _batches = [];

    /// <summary>When set, a batch call throws instead of reporting per-row errors.</summary>
    public string? ThrowOnBatch { get; set; }

    public List<(string Op, int Rows)> Batches
    {
        get
        {
            lock (_batches)
            {
                return [.. _batches];
            }
        }
    }

    public Task<IReadOnlyList<RowError<MapEntry>>> UpdateBatchAsync(IReadOnlyList<MapEntry> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RowError<MapEntry>>>(Apply("update-batch", rows, ApplyUpdate));

    public Task<IReadOnlyList<RowError<MapEntry>>> DeleteBatchAsync(IReadOnlyList<MapEntry> rows, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RowError<MapEntry>>>(Apply("delete-batch", rows, ApplyDelete));

    private List<RowError<MapEntry>> Apply(string op, IReadOnlyList<MapEntry> rows, Action<MapEntry> apply)
    {
        lock (_batches)
        {
            _batches.Add((op, rows.Count));
        }
        if (ThrowOnBatch is { } message)
        {
            throw new InvalidOperationException(message);
        }
        var errors = new List<RowError<MapEntry>>();
        foreach (var row in rows)
        {
            try
            {
                apply(row);
            }
            catch (IOException exception)
            {
                errors.Add(new RowError<MapEntry>(row, exception.Message));
            }
        }
        return errors;
    }
}
