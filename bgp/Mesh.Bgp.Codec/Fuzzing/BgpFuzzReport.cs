namespace Mesh.Bgp.Codec.Fuzzing;

/// <summary>
/// Outcome of a <see cref="BgpFuzzRunner"/> run. A crash is any exception from decoding; a round-trip
/// mismatch is a decoded message that does not decode to itself after being re-encoded.
/// </summary>
public sealed record BgpFuzzReport(
    long Inputs,
    long Accepted,
    long Rejected,
    long Crashes,
    long RoundTripMismatches,
    string? FirstFailure,
    byte[]? FirstFailureInput)
{
    public bool Clean => Crashes == 0 && RoundTripMismatches == 0;

    public override string ToString() =>
        $"inputs={Inputs} accepted={Accepted} rejected={Rejected} crashes={Crashes} mismatches={RoundTripMismatches}" +
        (FirstFailure is null ? string.Empty : $" first failure: {FirstFailure} input={Convert.ToHexString(FirstFailureInput ?? [])}");
}
