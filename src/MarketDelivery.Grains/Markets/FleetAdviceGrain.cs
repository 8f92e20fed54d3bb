using System.Globalization;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Simulation;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace MarketDelivery.Grains.Markets;

/// <summary>
/// The fleet advice of one market's day (see <see cref="IFleetAdviceGrain"/>). Each call reads the slots' order counts
/// (one small grouped query); the advice is reused while it is younger than <see cref="Lifetime"/> and was made for
/// the same counts. A new one is simulated on the thread pool, never on the grain's turn; calls arriving meanwhile
/// wait for that one computation. It keeps nothing durable: a new activation simply computes again.
/// Calls interleave, so each waits for the computation at most the wait it asks for, never also behind the waits of
/// calls before it; drawing the demand model's day counts as computing too. A caller's time limit
/// (<c>FleetAdviceApi</c> gives 4 s of an 8 s budget) is then spent only on a failure, not on a slow computation.
/// </summary>
[Reentrant]
public sealed class FleetAdviceGrain(IOrderViews views, MarketCatalog catalog, MarketClock clock, GrainTestHooks hooks, ILogger<FleetAdviceGrain> logger)
    : Grain, IFleetAdviceGrain
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The simulator's steps, as <see cref="GrainTestHooks.BeforeFleetAdviceStep"/> names them: drawing the demand model's day, and simulating fleets.</summary>
    public const string ModelStep = "model", AdviceStep = "advice";

    // One simulation at a time per server: it takes a core for seconds, and the server has requests to answer.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private FleetAdviceReport? _advice;
    private string? _adviceCounts;
    private Task<FleetAdviceReport>? _computing;
    private Task<IReadOnlyDictionary<string, int>>? _model;
    private int _runs;

    public async Task<FleetAdviceAnswer> Get(TimeSpan wait)
    {
        var waited = Task.Delay(wait);
        var (market, date) = Parse(this.GetPrimaryKeyString());
        var now = clock.GetUtcNow();
        if (await ReadDemand(market, date, now, waited) is not { } demand)
        {
            return Pending();
        }

        var counts = FleetDemand.Key(demand);
        if (_advice is not null && _adviceCounts == counts && now < _advice.ExpiresAt)
        {
            return new FleetAdviceAnswer(_advice, Computing: false);
        }

        if (_computing is null || _computing.IsCompleted)
        {
            _computing = Compute(market, date, demand, counts);
        }

        // A computation for other counts already running is waited for too: the next call sees the counts changed.
        if (await Task.WhenAny(_computing, waited) == _computing)
        {
            return new FleetAdviceAnswer(await _computing, Computing: false);
        }

        return Pending();
    }

    /// <summary>The advice held, marked as being updated, or none yet: a newer one is being computed.</summary>
    private FleetAdviceAnswer Pending() => new(_advice is null ? null : _advice with { Updating = true }, Computing: true);

    private async Task<FleetAdviceReport> Compute(Market market, DateOnly date, IReadOnlyList<SlotDemand> demand, string counts)
    {
        var started = clock.GetUtcNow();
        var run = ++_runs;
        try
        {
            var expected = demand.ToDictionary(d => d.Slot.TemplateId, d => d.Expected, StringComparer.Ordinal);
            var advice = await Task.Run(async () =>
            {
                await BeforeStep(market, date, AdviceStep);
                await OneAtATime.WaitAsync();
                try
                {
                    return FleetAdvisor.Advise(market, date, expected);
                }
                finally
                {
                    OneAtATime.Release();
                }
            });
            var computedAt = clock.GetUtcNow();
            var report = new FleetAdviceReport(
                market.Id,
                date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                FleetDemand.Basis(demand),
                advice.Orders,
                demand.Sum(d => d.Booked),
                advice.Fleet,
                advice.PeakCouriers,
                advice.CourierHours,
                Math.Round(advice.CourierKm, 1),
                Math.Round(advice.OnTimePct, 2),
                advice.TargetReached,
                [.. advice.Hours.Select(h => new FleetAdviceHour(h.Start.ToString("HH:mm", CultureInfo.InvariantCulture), h.Couriers, Math.Round(h.CourierKm, 1)))],
                [.. demand.Select(d => new FleetAdviceSlot(d.Slot.SlotId, d.Slot.Start, d.Slot.End, d.Booked, d.Expected, d.Basis))],
                computedAt,
                computedAt + Lifetime,
                Math.Round(advice.Elapsed.TotalSeconds, 1),
                Run: run);
            _advice = report;
            _adviceCounts = counts;
            logger.LogInformation("Fleet advice for {Market} on {Date}: {Fleet} couriers for {Orders} orders ({Basis}), computed in {Seconds} s (waited {Waited} s)",
                market.Id, report.Date, report.Fleet, report.Orders, report.Basis, report.ComputeSeconds, Math.Round((computedAt - started).TotalSeconds, 1));
            return report;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Fleet advice for {Market} on {Date} failed", market.Id, date);
            throw;
        }
    }

    /// <summary>The day's demand; null when it needs the demand model's day and that is not drawn by the time <paramref name="waited"/> ends.</summary>
    private async Task<IReadOnlyList<SlotDemand>?> ReadDemand(Market market, DateOnly date, DateTimeOffset now, Task waited)
    {
        var dayStart = MarketTimeZones.At(market.TimeZone, date, TimeOnly.MinValue);
        var (historyFrom, historyTo) = FleetDemand.HistoryRange(market, date, now);
        var booked = await views.SlotCountsOfMarketAsync(market.Id, dayStart, dayStart.AddDays(1));
        var history = await views.SlotCountsOfMarketAsync(market.Id, historyFrom, historyTo);
        var estimate = FleetDemand.FromHistory(market, date, now, history);
        if (estimate is not null)
        {
            return FleetDemand.Of(market, date, now, booked, estimate, FleetAdviceBasis.History);
        }

        // The model's counts for a day never change: drawn once per activation (again after a failed draw), off the
        // grain's turn, and part of the computation a call waits for.
        if (_model is null || _model.IsFaulted || _model.IsCanceled)
        {
            _model = Task.Run(async () =>
            {
                await BeforeStep(market, date, ModelStep);
                return FleetAdvisor.ModelDemand(market, date);
            });
        }

        if (await Task.WhenAny(_model, waited) != _model)
        {
            return null;
        }

        return FleetDemand.Of(market, date, now, booked, await _model, FleetAdviceBasis.Model);
    }

    private Task BeforeStep(Market market, DateOnly date, string step) =>
        hooks.BeforeFleetAdviceStep?.Invoke(FleetAdviceKeys.Of(market.Id, date), step) ?? Task.CompletedTask;

    private (Market Market, DateOnly Date) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        var market = slash > 0 ? catalog.FindMarket(key[..slash]) : null;
        if (market is null || !DateOnly.TryParseExact(key[(slash + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ArgumentException($"'{key}' is not a known market and a date (market/yyyy-MM-dd).");
        }

        return (market, date);
    }
}
