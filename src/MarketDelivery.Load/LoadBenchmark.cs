using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MarketDelivery.Load;

/// <summary>
/// A run: discovery, load (closed or open loop), duplicate check, verification and the summary whose last line is
/// <c>LOAD sent= acked= rps= p50_ms= p95_ms= p99_ms= c5xx= lost= dupes=</c>.
/// </summary>
public sealed class LoadBenchmark
{
    private readonly LoadOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _log;
    private readonly LoadStats _stats = new();
    private readonly BlockReporter _blocks;
    private long _ordersStarted;
    private long _ordersCompleted;

    private LoadBenchmark(LoadOptions options, TextWriter output, TextWriter log)
    {
        _options = options;
        _output = TextWriter.Synchronized(output);
        _log = TextWriter.Synchronized(log);
        _blocks = new BlockReporter(options.ReportEvery, _output);
    }

    /// <summary>Exit code: 0 completed, 1 completed with lost or duplicated orders, 2 usage or discovery error (no LOAD line).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log, CancellationToken ct = default)
    {
        LoadOptions options;
        try
        {
            if (args.Contains("--help") || args.Contains("-h"))
            {
                output.WriteLine(LoadOptions.Usage);
                return 0;
            }

            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            log.WriteLine(e.Message);
            log.WriteLine(LoadOptions.Usage);
            return 2;
        }

        return await new LoadBenchmark(options, output, log).RunAsync(ct);
    }

    private async Task<int> RunAsync(CancellationToken ct)
    {
        var o = _options;
        using var http = OrderClient.CreateHttpClient(o.BaseAddress, o.Concurrency + 8);
        var client = new OrderClient(http, new DevTokens(http), o.Timeout);

        MarketMap map;
        try
        {
            map = await MarketMap.DiscoverAsync(http, ct);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or TaskCanceledException or System.Text.Json.JsonException)
        {
            _log.WriteLine($"discovery failed: {e.Message}");
            return 2;
        }

        foreach (var note in map.Notes)
        {
            _log.WriteLine($"note: {note}");
        }

        if (map.Markets.Count == 0)
        {
            _log.WriteLine("discovery found no market with a bookable slot and an orderable product.");
            return 2;
        }

        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{map.Markets.Count} markets, {map.Markets.Sum(m => m.Stalls.Count)} stalls; slots {string.Join(", ", map.Markets.Select(m => m.SlotId).Distinct().Take(3))}"));

        DatabaseSnapshot? dbBefore = null;
        if (o.Postgres is { } pg)
        {
            await DatabaseSnapshot.TryEnableStatementsAsync(pg, ct);
            dbBefore = await DatabaseSnapshot.TakeAsync(pg, _log, ct);
        }

        var generator = new OrderGenerator(map, o.MaxStalls, o.MaxProductsPerStall);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (!double.IsInfinity(o.EffectiveDurationSeconds))
        {
            stop.CancelAfter(TimeSpan.FromSeconds(o.EffectiveDurationSeconds));
        }

        using var refresh = RefreshSlotsEvery(TimeSpan.FromSeconds(10), map, http, stop.Token);
        using var progress = ProgressEvery(TimeSpan.FromSeconds(5), stop.Token);

        var seed = o.Seed ?? Random.Shared.Next();
        var started = Stopwatch.GetTimestamp();
        _blocks.Start();
        string modeNote;
        if (o.Rate is { } rate)
        {
            modeNote = await OpenLoopAsync(rate, generator, client, seed, stop.Token, ct);
        }
        else
        {
            await Task.WhenAll(Enumerable.Range(0, o.Concurrency).Select(w => ClosedLoopWorkerAsync(new Random(seed + w), generator, client, stop.Token, ct)));
            modeNote = string.Create(CultureInfo.InvariantCulture, $"closed loop, {o.Concurrency} workers");
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();

        IEnumerable<string> dbLines = [];
        if (o.Postgres is { } pgAfter && dbBefore is not null)
        {
            // Backends publish their statistics at most once a second; let the last ones arrive.
            await Task.Delay(TimeSpan.FromMilliseconds(1500), ct);
            var dbAfter = await DatabaseSnapshot.TakeAsync(pgAfter, _log, ct);
            dbLines = [.. DatabaseSnapshot.Describe(dbBefore, dbAfter, _stats.Acked.Count)];
        }

        var (lost, mismatched) = o.Verify ? await VerifyAsync(client, ct) : (-1, 0);
        WriteSummary(seconds, modeNote, lost, mismatched, dbLines);
        return lost > 0 || mismatched > 0 || _stats.Dupes > 0 ? 1 : 0;
    }

    /// <summary>Claims the next order number, or false when <c>--orders</c> are all started.</summary>
    private bool TryStartOrder() => _options.Orders is not { } max || Interlocked.Increment(ref _ordersStarted) <= max;

    private async Task ClosedLoopWorkerAsync(Random rng, OrderGenerator generator, OrderClient client, CancellationToken stop, CancellationToken abort)
    {
        // Yield first so that the workers start together instead of one after another on the caller's thread.
        await Task.Yield();
        while (!stop.IsCancellationRequested && TryStartOrder())
        {
            await OrderFlowAsync(rng, generator.Next(rng), client, scheduled: null, abort);
        }
    }

    /// <summary>
    /// Order i is due at i/R seconds after the start, sent then whatever the answers before it did, and timed from that
    /// moment: waiting for a free slot under the in-flight cap counts as latency (no coordinated omission).
    /// </summary>
    private async Task<string> OpenLoopAsync(double rate, OrderGenerator generator, OrderClient client, int seed, CancellationToken stop, CancellationToken abort)
    {
        using var inFlight = new SemaphoreSlim(_options.Concurrency);
        var flows = new List<Task>();
        var rng = new Random(seed);
        var start = Stopwatch.GetTimestamp();
        var maxLag = TimeSpan.Zero;
        long dispatched = 0;
        for (long i = 0; ; i++)
        {
            var due = start + (long)(i / rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (stop.IsCancellationRequested || !TryStartOrder())
            {
                break;
            }

            try
            {
                await inFlight.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var lag = Stopwatch.GetElapsedTime(due);
            if (lag > maxLag)
            {
                maxLag = lag;
            }

            dispatched++;
            var order = generator.Next(rng);
            var flowRng = new Random(rng.Next());
            flows.Add(Task.Run(async () =>
            {
                try
                {
                    await OrderFlowAsync(flowRng, order, client, due, abort);
                }
                finally
                {
                    inFlight.Release();
                }
            }, CancellationToken.None));
            if (flows.Count > 4096)
            {
                flows.RemoveAll(t => t.IsCompleted);
            }
        }

        var scheduled = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate);
        await Task.WhenAll(flows);
        return string.Create(CultureInfo.InvariantCulture,
            $"open loop, {rate:0.#} orders/s, at most {_options.Concurrency} in flight; dispatched {dispatched} of {Math.Max(scheduled, dispatched)} due, worst dispatch lag {maxLag.TotalMilliseconds:0} ms");
    }

    /// <summary>One customer's order: place it, maybe re-send it with the same key, maybe have its stalls confirm it, maybe read it.</summary>
    private async Task OrderFlowAsync(Random rng, GeneratedOrder order, OrderClient client, long? scheduled, CancellationToken ct)
    {
        var first = await client.PlaceAsync(order, ct);
        _stats.CountPost();
        var latency = first.Status is null ? (double?)null
            : scheduled is { } due ? Stopwatch.GetElapsedTime(due).TotalMilliseconds : first.Milliseconds;
        if (latency is { } ms)
        {
            _stats.OrderLatency.Add(ms);
        }

        var placed = Acknowledge(order, first, "POST orders");
        Interlocked.Increment(ref _ordersCompleted);
        _blocks.Completed(latency);

        if (rng.NextDouble() < _options.ResendFraction)
        {
            _stats.CountResend();
            var again = await client.PlaceAsync(order, ct);
            _stats.CountPost();
            if (again.Status is not null)
            {
                _stats.OrderLatency.Add(again.Milliseconds);
            }

            var second = Acknowledge(order, again, "POST orders (re-send)");
            if (placed is not null && second is not null && OrderId(placed) != OrderId(second))
            {
                _stats.CountDupe();
                _log.WriteLine($"DUPE: key {order.IdempotencyKey} answered {OrderId(placed)} and then {OrderId(second)}");
            }

            placed ??= second;
        }

        if (placed is null)
        {
            return;
        }

        if (rng.NextDouble() < _options.ConfirmFraction)
        {
            await ConfirmAllTicketsAsync(placed, client, ct);
        }

        if (rng.NextDouble() < _options.ReadFraction)
        {
            var read = await client.GetOrderAsync(OrderId(placed)!, order.CustomerId, ct);
            if (read.Ok)
            {
                _stats.CountRead();
                _stats.ReadLatency.Add(read.Milliseconds);
            }
            else
            {
                _stats.CountFailure("GET order", read.Status, read.Title);
            }
        }
    }

    /// <summary>Records a 2xx with an orderId as acknowledged (first answer per key wins) and counts anything else.</summary>
    private JsonObject? Acknowledge(GeneratedOrder order, Answer answer, string what)
    {
        if (answer.Ok && answer.Body is JsonObject view && OrderId(view) is { } orderId)
        {
            _stats.Acked.TryAdd(order.IdempotencyKey, new AckedOrder(order.IdempotencyKey, orderId));
            return view;
        }

        _stats.CountFailure(what, answer.Ok ? null : answer.Status, answer.Ok ? "2xx without an orderId" : answer.Title);
        return null;
    }

    private async Task ConfirmAllTicketsAsync(JsonObject view, OrderClient client, CancellationToken ct)
    {
        var lines = (view["lines"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(l => (Stall: l["stallId"]!.GetValue<string>(), Sku: l["sku"]!.GetValue<string>(), Quantity: l["quantity"]!.GetValue<int>()))
            .ToList();
        foreach (var ticket in (view["tickets"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var stallId = ticket["stallId"]!.GetValue<string>();
            var answer = await client.ConfirmTicketAsync(stallId, ticket["ticketId"]!.GetValue<string>(),
                lines.Where(l => l.Stall == stallId).Select(l => (l.Sku, l.Quantity)), ct);
            if (answer.Ok)
            {
                _stats.CountConfirmed();
                _stats.ConfirmLatency.Add(answer.Milliseconds);
            }
            else
            {
                _stats.CountFailure("POST confirm", answer.Status, answer.Title);
            }
        }
    }

    private static string? OrderId(JsonObject view) => view["orderId"]?.ToString();

    /// <summary>
    /// Reads every acknowledged order back. 5xx and timeouts are retried up to five times with back-off, a 404 once after
    /// a short grace; an order is lost when no attempt finds it.
    /// </summary>
    private async Task<(int Lost, int Mismatched)> VerifyAsync(OrderClient client, CancellationToken ct)
    {
        var acked = _stats.Acked.Values.ToList();
        _log.WriteLine($"verifying {acked.Count} acknowledged orders...");
        var lost = 0;
        var mismatched = 0;
        var sharedIds = acked.GroupBy(a => a.OrderId, StringComparer.Ordinal).Count(g => g.Count() > 1);
        for (var i = 0; i < sharedIds; i++)
        {
            _stats.CountDupe();
        }

        await Parallel.ForEachAsync(acked, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Concurrency), CancellationToken = ct },
            async (order, token) =>
            {
                var graceUsed = false;
                for (var attempt = 1; attempt <= 6; attempt++)
                {
                    var answer = await client.GetOrderAsync(order.OrderId, null, token);
                    if (answer.Ok)
                    {
                        if ((answer.Body as JsonObject)?["orderId"]?.ToString() != order.OrderId)
                        {
                            Interlocked.Increment(ref mismatched);
                            _log.WriteLine($"MISMATCH: GET {order.OrderId} answered another order");
                        }

                        return;
                    }

                    if (answer.Status is 404 or 410)
                    {
                        if (graceUsed)
                        {
                            break;
                        }

                        graceUsed = true;
                    }
                    else if (answer.Status is { } s && s < 500)
                    {
                        break;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), token);
                }

                Interlocked.Increment(ref lost);
                _log.WriteLine($"LOST: order {order.OrderId} (key {order.IdempotencyKey}) was acknowledged but cannot be read");
            });
        return (lost, mismatched);
    }

    private void WriteSummary(double seconds, string mode, int lost, int mismatched, IEnumerable<string> dbLines)
    {
        var s = _stats;
        var orders = s.OrderLatency.Sorted();
        string P(double[] sorted, double p) => LatencySample.Percentile(sorted, p).ToString("0.0", CultureInfo.InvariantCulture);
        string Line(string what, double[] sorted) => sorted.Length == 0
            ? $"{what}: none"
            : string.Create(CultureInfo.InvariantCulture, $"{what}: n={sorted.Length} mean={sorted.Average():0.0} p50={P(sorted, 50)} p90={P(sorted, 90)} p95={P(sorted, 95)} p99={P(sorted, 99)} max={sorted[^1]:0.0} ms");

        var w = _output;
        w.WriteLine($"mode: {mode}; {Environment.ProcessorCount} cores seen by the benchmark; {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        w.WriteLine(Line("POST api/orders", orders));
        w.WriteLine(Line("POST confirm", s.ConfirmLatency.Sorted()));
        w.WriteLine(Line("GET order", s.ReadLatency.Sorted()));
        w.WriteLine($"orders: {Interlocked.Read(ref _ordersCompleted)} placed, {s.Acked.Count} acknowledged; {s.Resends} re-sent with their key; {s.Confirmed} tickets confirmed; {s.Reads} reads");
        w.WriteLine($"answers: 4xx={s.C4xx} 5xx={s.C5xx} no answer (timeouts, transport)={s.Errors}");
        foreach (var (failure, count) in s.Failures.OrderByDescending(f => f.Value).Take(8))
        {
            w.WriteLine($"  {count} x {failure}");
        }

        w.WriteLine(lost < 0 ? "verify: skipped" : $"verify: {s.Acked.Count - lost} found, {lost} lost, {mismatched} answered another order; dupes {s.Dupes}");
        foreach (var line in dbLines)
        {
            w.WriteLine(line);
        }

        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LOAD sent={s.PostsSent} acked={s.Acked.Count} rps={s.PostsSent / Math.Max(seconds, 1e-9):0.0} p50_ms={P(orders, 50)} p95_ms={P(orders, 95)} p99_ms={P(orders, 99)} c5xx={s.C5xx} lost={lost} dupes={s.Dupes}"));
    }

    private CancellationTokenSource RefreshSlotsEvery(TimeSpan period, MarketMap map, HttpClient http, CancellationToken stop)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(period);
            try
            {
                while (await timer.WaitForNextTickAsync(cts.Token))
                {
                    try
                    {
                        await map.RefreshSlotsAsync(http, cts.Token);
                    }
                    catch (Exception e) when (e is HttpRequestException or InvalidDataException or System.Text.Json.JsonException)
                    {
                        _log.WriteLine($"note: slot refresh failed: {e.Message}");
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return cts;
    }

    private CancellationTokenSource ProgressEvery(TimeSpan period, CancellationToken stop)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(period);
            var last = 0L;
            try
            {
                while (await timer.WaitForNextTickAsync(cts.Token))
                {
                    var done = Interlocked.Read(ref _ordersCompleted);
                    _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"progress: {done} orders, {(done - last) / period.TotalSeconds:0.0}/s, acked {_stats.Acked.Count}, 5xx {_stats.C5xx}, no answer {_stats.Errors}"));
                    last = done;
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return cts;
    }
}
