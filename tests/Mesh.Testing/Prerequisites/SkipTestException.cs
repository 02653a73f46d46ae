namespace Mesh.Testing.Prerequisites;

/// <summary>Thrown by a <see cref="SkippableFactAttribute"/> test (or its fixture set-up) to report a skip with a reason.</summary>
public sealed class SkipTestException : Exception
{
    public SkipTestException()
    {
    }

    public SkipTestException(string reason) : base(reason)
    {
    }

    public SkipTestException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Skips when <paramref name="missing"/> names a missing prerequisite, unless the run requires them all.</summary>
    public static void ThrowIf(string? missing)
    {
        if (SkipReason.For(missing) is { } reason)
        {
            throw new SkipTestException(reason);
        }
    }
}
