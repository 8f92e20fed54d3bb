using System.Diagnostics.Metrics;
using MarketDelivery.Dispatch;
using static MarketDelivery.Dispatch.Tests.Scenarios;

namespace MarketDelivery.Dispatch.Tests;

/// <summary>Every planning run, full or incremental, is timed into the <c>MarketDelivery</c> meter.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public void Plan_and_PlanIncremental_record_their_solve_duration()
    {
        var recorded = new List<(double Seconds, string? Mode)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DispatchTelemetry.Name && instrument.Name == DispatchTelemetry.SolveDurationName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? mode = null;
            foreach (var tag in tags)
            {
                if (tag.Key == DispatchTelemetry.ModeTag)
                {
                    mode = tag.Value as string;
                }
            }

            lock (recorded)
            {
                recorded.Add((value, mode));
            }
        });
        listener.Start();

        var planner = new DispatchPlanner();
        var snapshot = new DispatchSnapshot(Now, Wave(4, seed: 3), [Courier("c1")]);
        planner.Plan(snapshot, Fast(0.2));
        planner.PlanIncremental(snapshot, Fast(0.2));

        // Other tests may plan at the same time; these two runs are among what was recorded.
        lock (recorded)
        {
            Assert.Contains(recorded, r => r.Mode == "full" && r.Seconds > 0);
            Assert.Contains(recorded, r => r.Mode == "incremental" && r.Seconds > 0);
        }
    }
}
