namespace Mesh.Testing.Prerequisites;

/// <summary>Turns a missing prerequisite into a skip, unless the run requires every prerequisite.</summary>
internal static class SkipReason
{
    /// <summary>
    /// Under <see cref="Prerequisite.RequireVariable"/> the test runs anyway and fails on the missing piece, so a
    /// broken install can never pass as a skip.
    /// </summary>
    public static string? For(string? missing) => missing is null || Prerequisite.Required ? null : missing;
}
