namespace Mesh.Testing;

/// <summary>
/// Polls a condition until it holds or a deadline passes: how tests wait for asynchronous effects without sleeping
/// for a guessed time. A missed deadline throws <see cref="TimeoutException"/> naming what was awaited.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var pause = TimeSpan.FromMilliseconds(1);
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{what ?? "condition"} did not hold within {limit.TotalSeconds:0.#} s");
            }
            await Task.Delay(pause);
            // Poll fast at first, then at most every 50 ms.
            pause = pause < TimeSpan.FromMilliseconds(50) ? pause * 2 : pause;
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout, what);
    }
}
