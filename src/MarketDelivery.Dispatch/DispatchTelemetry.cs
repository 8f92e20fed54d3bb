using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MarketDelivery.Dispatch;

/// <summary>
/// The application's own telemetry, named <c>MarketDelivery</c> (both the <see cref="System.Diagnostics.Metrics.Meter"/> and
/// the <see cref="System.Diagnostics.ActivitySource"/>); the server subscribes to both and exports them with the rest
/// over OTLP when that is configured. Nothing is measured or allocated while nobody listens.
/// </summary>
public static class DispatchTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "MarketDelivery";

    /// <summary>Histogram, seconds: one planning run of the dispatcher (model building, search, validation, mapping).</summary>
    public const string SolveDurationName = "marketdelivery.dispatch.solve.duration";

    /// <summary>Tag on <see cref="SolveDurationName"/> and on the solve activity: <c>full</c> or <c>incremental</c>.</summary>
    public const string ModeTag = "marketdelivery.dispatch.mode";

    public static Meter Meter { get; } = new(Name);

    public static ActivitySource ActivitySource { get; } = new(Name);

    public static Histogram<double> SolveDuration { get; } = Meter.CreateHistogram<double>(
        SolveDurationName, unit: "s", description: "Duration of one dispatch planning run.");

    /// <summary>Starts timing a planning run; disposing the scope records its duration and ends its activity.</summary>
    public static SolveScope StartSolve(bool incremental) => new(incremental);

    /// <summary>One planning run being timed. A struct, so that timing costs no allocation.</summary>
    public readonly struct SolveScope : IDisposable
    {
        private readonly long _started;
        private readonly string _mode;
        private readonly Activity? _activity;

        internal SolveScope(bool incremental)
        {
            _started = Stopwatch.GetTimestamp();
            _mode = incremental ? "incremental" : "full";
            _activity = ActivitySource.StartActivity("dispatch.solve");
            _activity?.SetTag(ModeTag, _mode);
        }

        public void Dispose()
        {
            if (_mode is null)
            {
                return;
            }

            if (SolveDuration.Enabled)
            {
                SolveDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, new KeyValuePair<string, object?>(ModeTag, _mode));
            }

            _activity?.Dispose();
        }
    }
}
