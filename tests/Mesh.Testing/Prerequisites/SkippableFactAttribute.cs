using Xunit;
using Xunit.Sdk;

namespace Mesh.Testing.Prerequisites;

/// <summary>
/// A fact that may decide at run time to skip, by throwing <see cref="SkipTestException"/> (for tests whose
/// prerequisite depends on the concrete class, such as a conformance suite run against several backends).
/// </summary>
[XunitTestCaseDiscoverer("Mesh.Testing.Prerequisites.SkippableFactDiscoverer", "Mesh.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactAttribute : FactAttribute
{
}
