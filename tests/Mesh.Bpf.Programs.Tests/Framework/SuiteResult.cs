namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>What a CHECK program wrote into <c>suite_result_map</c>: its TEST blocks and the logs outside them.</summary>
public sealed record SuiteResult(IReadOnlyList<TestResult> Results, IReadOnlyList<TestLog> SuiteLogs);
