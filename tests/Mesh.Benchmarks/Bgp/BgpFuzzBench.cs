using System.Diagnostics;
using Mesh.Bgp.Codec.Fuzzing;
using Mesh.Bgp.Codec;

namespace Mesh.Benchmarks.Bgp;

/// <summary>Randomized decoding of ≥10M mutated BGP messages on every kind of session: the codec must never crash.</summary>
internal static class BgpFuzzBench
{
    public static BenchReport Run(BenchOptions options)
    {
        var inputs = options.Int("inputs", 10_000_000);
        var contexts = new[]
        {
            new BgpCodecContext(FourOctetAsn: true, ExtendedMessage: false, Ibgp: false),
            new BgpCodecContext(FourOctetAsn: false, ExtendedMessage: false, Ibgp: false),
            new BgpCodecContext(FourOctetAsn: true, ExtendedMessage: true, Ibgp: true),
            new BgpCodecContext(FourOctetAsn: false, ExtendedMessage: true, Ibgp: true),
        };
        long crashes = 0, mismatches = 0, total = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < contexts.Length; i++)
        {
            var report = new BgpFuzzRunner(seed: 20261122 + i, contexts[i]).Run(inputs / contexts.Length);
            crashes += report.Crashes;
            mismatches += report.RoundTripMismatches;
            total += report.Inputs;
        }
        watch.Stop();
        return new BenchReport(
            "bgp-fuzz",
            BenchReport.MachineDescription(),
            [
                new BenchRow("inputs decoded", total, "inputs", "goal: >= 10,000,000", total >= 10_000_000),
                new BenchRow("crashes", crashes, "count", "goal: 0", crashes == 0),
                new BenchRow("re-encode mismatches", mismatches, "count", "goal: 0", mismatches == 0),
                new BenchRow("decode rate", total / watch.Elapsed.TotalSeconds, "inputs/s", "-"),
            ],
            ["4 session kinds (2/4-byte ASN x extended message / iBGP), mutated valid messages and random bytes"]);
    }
}
