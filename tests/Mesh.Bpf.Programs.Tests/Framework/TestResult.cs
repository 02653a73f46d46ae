namespace Mesh.Bpf.Programs.Tests.Framework;

/// <summary>One <c>TEST("name", ...)</c> block of a CHECK program.</summary>
public sealed record TestResult(string Name, TestStatus Status, IReadOnlyList<TestLog> Logs);
