using System.Globalization;

namespace Mesh.Grpc.Status;

/// <summary>The <c>grpc-timeout</c> header: at most 8 digits followed by a unit (H, M, S, m, u, n).</summary>
internal static class GrpcTimeoutHeader
{
    public const string Name = "grpc-timeout";
    private const long MaxValue = 99_999_999;

    /// <summary>The most precise unit that fits in 8 digits, rounded up so the server never sees a shorter deadline.</summary>
    public static string Format(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return "1n";
        }
        var nanoseconds = (decimal)timeout.Ticks * 100m;
        ReadOnlySpan<(decimal Nanos, char Unit)> units =
        [
            (1m, 'n'), (1_000m, 'u'), (1_000_000m, 'm'), (1_000_000_000m, 'S'), (60_000_000_000m, 'M'), (3_600_000_000_000m, 'H'),
        ];
        foreach (var (nanos, unit) in units)
        {
            var value = decimal.Ceiling(nanoseconds / nanos);
            if (value <= MaxValue)
            {
                return ((long)value).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }
        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }

    /// <summary>Parses a header value; false for anything not in the grammar.</summary>
    public static bool TryParse(string value, out TimeSpan timeout)
    {
        timeout = default;
        if (value.Length is < 2 or > 9 || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }
        long? ticksPerUnit = value[^1] switch
        {
            'H' => TimeSpan.TicksPerHour,
            'M' => TimeSpan.TicksPerMinute,
            'S' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMillisecond,
            'u' => TimeSpan.TicksPerMicrosecond,
            'n' => null,
            _ => -1,
        };
        if (ticksPerUnit == -1)
        {
            return false;
        }
        timeout = ticksPerUnit is { } ticks ? TimeSpan.FromTicks(amount * ticks) : TimeSpan.FromTicks((amount + 99) / 100);
        return true;
    }
}
