namespace Mesh.Policy.Validation;

/// <summary>Collects every error and warning of one policy, so a rejection lists all of them at once.</summary>
internal sealed class ErrorCollector(string policy)
{
    private readonly List<PolicyError> _errors = [];
    private readonly List<PolicyError> _warnings = [];

    public IReadOnlyList<PolicyError> Errors => _errors;

    public IReadOnlyList<PolicyError> Warnings => _warnings;

    public bool HasErrors => _errors.Count > 0;

    public void Add(string field, string reason) => _errors.Add(new PolicyError(policy, field, reason));

    public void Warn(string field, string reason) => _warnings.Add(new PolicyError(policy, field, reason));
}
