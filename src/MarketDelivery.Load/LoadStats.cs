using System.Collections.Concurrent;
using System.Globalization;

namespace MarketDelivery.Load;

/// <summary>An order the server acknowledged (2xx with an orderId), by its Idempotency-Key.</summary>
public sealed record AckedOrder(string IdempotencyKey, string OrderId);

/// <summary>Latencies in milliseconds; nearest-rank percentiles.</summary>
public sealed class LatencySample
{
    private readonly List<double> _values = [];

    public int Count
    {
        get
        {
            lock (_values)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double ms)
    {
        lock (_values)
        {
            _values.Add(ms);
        }
    }

    public double[] Sorted()
    {
        lock (_values)
        {
            var copy = _values.ToArray();
            Array.Sort(copy);
            return copy;
        }
    }

    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Everything a run counts. Thread-safe: every flow writes here.</summary>
public sealed class LoadStats
{
    private long _postsSent;
    private long _c4xx;
    private long _c5xx;
    private long _errors;
    private long _resends;
    private long _dupes;
    private long _confirmed;
    private long _reads;

    public ConcurrentDictionary<string, AckedOrder> Acked { get; } = new(StringComparer.Ordinal);

    /// <summary>POST api/orders latencies of every answer (any status); open loop: from the scheduled time.</summary>
    public LatencySample OrderLatency { get; } = new();

    public LatencySample ConfirmLatency { get; } = new();

    public LatencySample ReadLatency { get; } = new();

    /// <summary>Failures by request kind, status and problem title, for the summary.</summary>
    public ConcurrentDictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    public long PostsSent => Interlocked.Read(ref _postsSent);

    public long C4xx => Interlocked.Read(ref _c4xx);

    /// <summary>5xx answers to any request of the load (orders, confirms, reads).</summary>
    public long C5xx => Interlocked.Read(ref _c5xx);

    /// <summary>Requests without a usable answer: timeouts and transport errors.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public long Resends => Interlocked.Read(ref _resends);

    public long Dupes => Interlocked.Read(ref _dupes);

    public long Confirmed => Interlocked.Read(ref _confirmed);

    public long Reads => Interlocked.Read(ref _reads);

    public void CountPost() => Interlocked.Increment(ref _postsSent);

    public void CountResend() => Interlocked.Increment(ref _resends);

    public void CountDupe() => Interlocked.Increment(ref _dupes);

    public void CountConfirmed() => Interlocked.Increment(ref _confirmed);

    public void CountRead() => Interlocked.Increment(ref _reads);

    /// <summary>Counts a non-2xx answer (status) or a request without one (status null).</summary>
    public void CountFailure(string what, int? status, string? title)
    {
        if (status is null)
        {
            Interlocked.Increment(ref _errors);
        }
        else if (status >= 500)
        {
            Interlocked.Increment(ref _c5xx);
        }
        else if (status >= 400)
        {
            Interlocked.Increment(ref _c4xx);
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"{what} {(status is { } s ? s.ToString(CultureInfo.InvariantCulture) : "error")} {title}");
        Failures.AddOrUpdate(key, 1, (_, n) => n + 1);
    }
}

/// <summary>
/// The throughput of each block of <c>n</c> orders, as they complete: comparing the first block with the last shows
/// whether the cost of an order grows with the number of orders.
/// </summary>
public sealed class BlockReporter(long every, TextWriter output)
{
    private readonly Lock _gate = new();
    private readonly List<double> _latencies = [];
    private long _completed;
    private long _blockStarted = System.Diagnostics.Stopwatch.GetTimestamp();

    public List<string> Lines { get; } = [];

    public void Start() => _blockStarted = System.Diagnostics.Stopwatch.GetTimestamp();

    public void Completed(double? latencyMs)
    {
        if (every <= 0)
        {
            return;
        }

        lock (_gate)
        {
            if (latencyMs is { } ms)
            {
                _latencies.Add(ms);
            }

            _completed++;
            if (_completed % every != 0)
            {
                return;
            }

            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(_blockStarted, now).TotalSeconds;
            _blockStarted = now;
            var sorted = _latencies.ToArray();
            Array.Sort(sorted);
            _latencies.Clear();
            var line = string.Create(CultureInfo.InvariantCulture,
                $"BLOCK orders={_completed - every + 1}-{_completed} rps={every / seconds:0.0} p50_ms={LatencySample.Percentile(sorted, 50):0.0} p99_ms={LatencySample.Percentile(sorted, 99):0.0}");
            Lines.Add(line);
            output.WriteLine(line);
        }
    }
}
