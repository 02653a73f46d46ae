namespace Mesh.Bgp.Agent.Tests;

/// <summary><see cref="Mesh.Testing.Eventually"/> with the live state in the timeout message.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        try
        {
            await Mesh.Testing.Eventually.UntilAsync(condition, timeout);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}: {describe()}", ex);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, describe);
}
