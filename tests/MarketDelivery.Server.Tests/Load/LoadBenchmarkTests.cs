using System.Globalization;
using System.Text.RegularExpressions;
using MarketDelivery.Load;
using MarketDelivery.Server.Tests.Support;

namespace MarketDelivery.Server.Tests.Load;

/// <summary>The load benchmark, run for a few seconds against a real server, ends with a LOAD line that says all is well.</summary>
public sealed partial class LoadBenchmarkTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [GeneratedRegex(@"^LOAD sent=(?<sent>\d+) acked=(?<acked>\d+) rps=(?<rps>[\d.]+) p50_ms=(?<p50>[\d.]+) p95_ms=(?<p95>[\d.]+) p99_ms=(?<p99>[\d.]+) c5xx=(?<c5xx>\d+) lost=(?<lost>-?\d+) dupes=(?<dupes>\d+)$")]
    private static partial Regex LoadLine();

    [Fact]
    public async Task A_short_closed_loop_run_acknowledges_orders_and_loses_or_duplicates_none()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var log = new StringWriter(CultureInfo.InvariantCulture);

        var exit = await LoadBenchmark.RunAsync(
            ["--base", fixture.Server.BaseAddress.ToString(), "--duration", "3", "--concurrency", "4",
             "--confirm-fraction", "0.5", "--read-fraction", "0.5", "--resend-fraction", "0.3", "--report-every", "5", "--seed", "7", "--timeout", "60",
             "--pg", fixture.ConnectionString],
            output, log);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var context = $"exit {exit}\n{output}\n{log}";
        Assert.True(lines.Length > 0, context);
        var load = LoadLine().Match(lines[^1]);
        Assert.True(load.Success, context);
        Assert.True(long.Parse(load.Groups["acked"].Value, CultureInfo.InvariantCulture) > 0, context);
        Assert.Equal("0", load.Groups["lost"].Value);
        Assert.Equal("0", load.Groups["dupes"].Value);
        Assert.Equal(0, exit);
        Assert.Contains(lines, l => l.StartsWith("BLOCK orders=1-5 rps=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DB round_trips_per_order=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("POST confirm: n=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_short_open_loop_run_stops_after_the_asked_number_of_orders()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var log = new StringWriter(CultureInfo.InvariantCulture);

        var exit = await LoadBenchmark.RunAsync(
            ["--base", fixture.Server.BaseAddress.ToString(), "--rate", "20", "--orders", "15", "--concurrency", "8", "--timeout", "60"],
            output, log);

        var last = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        var load = LoadLine().Match(last);
        var context = $"exit {exit}\n{output}\n{log}";
        Assert.True(load.Success, context);
        Assert.True(load.Groups["acked"].Value == "15", context);
        Assert.Equal("0", load.Groups["lost"].Value);
        Assert.Equal(0, exit);
    }
}
