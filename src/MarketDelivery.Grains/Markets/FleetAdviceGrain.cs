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
/// The fleet advice of one district's day (see <see cref="IFleetAdviceGrain"/>): for a market in no district, that
/// market's; for markets sharing couriers, the fleet they share. Each call reads the slots' order counts of each market
/// (one small grouped query per market and range); the advice is reused while it is younger than <see cref="Lifetime"/>
/// and was made for the same counts. A new one is simulated on the thread pool, never on the grain's turn; calls
/// arriving meanwhile wait for that one computation. It keeps nothing durable: a new activation simply computes again.
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
    // The demand model's counts per market, drawn once per activation.
    private readonly Dictionary<string, Task<IReadOnlyDictionary<string, int>>> _models = new(StringComparer.Ordinal);
    private int _runs;
    // Cancelled when the activation goes (the silo stopping, say): nobody would read the advice being computed.
    private readonly CancellationTokenSource _deactivating = new();

    public async Task<FleetAdviceAnswer> Get(TimeSpan wait)
    {
        var waited = Task.Delay(wait);
        var (district, markets, date) = Parse(this.GetPrimaryKeyString());
        var now = clock.GetUtcNow();
        // Every market's demand at once, so their demand models are drawn side by side within the one wait.
        var reads = await Task.WhenAll(markets.Select(m => ReadDemand(district, m, date, now, waited)));
        if (reads.Any(r => r is null))
        {
            return Pending();
        }
        var demand = markets.Zip(reads, (m, slots) => new MarketDemand(m, slots!)).ToList();

        var counts = string.Join(";", demand.Select(d => d.Market.Id + "=" + FleetDemand.Key(d.Slots)));
        if (_advice is not null && _adviceCounts == counts && now < _advice.ExpiresAt)
        {
            return new FleetAdviceAnswer(_advice, Computing: false);
        }

        if (_computing is null || _computing.IsCompleted)
        {
            _computing = Compute(district, date, demand, counts);
        }

        // A computation for other counts already running is waited for too: the next call sees the counts changed.
        // One cancelled because this activation is going is still pending to the caller: asked again, a new one computes.
        if (await Task.WhenAny(_computing, waited) == _computing && !_computing.IsCanceled)
        {
            return new FleetAdviceAnswer(await _computing, Computing: false);
        }

        return Pending();
    }

    /// <summary>The advice held, marked as being updated, or none yet: a newer one is being computed.</summary>
    private FleetAdviceAnswer Pending() => new(_advice is null ? null : _advice with { Updating = true }, Computing: true);

    private async Task<FleetAdviceReport> Compute(District district, DateOnly date, IReadOnlyList<MarketDemand> demand, string counts)
    {
        var started = clock.GetUtcNow();
        var run = ++_runs;
        try
        {
            var markets = demand.Select(d => d.Market).ToList();
            var expected = demand.ToDictionary(
                d => d.Market.Id,
                d => (IReadOnlyDictionary<string, int>)d.Slots.ToDictionary(s => s.Slot.TemplateId, s => s.Expected, StringComparer.Ordinal),
                StringComparer.Ordinal);
            var stop = _deactivating.Token;
            var advice = await Task.Run(async () =>
            {
                await BeforeStep(district, date, AdviceStep).WaitAsync(stop);
                await OneAtATime.WaitAsync(stop);
                try
                {
                    return FleetAdvisor.Advise(district, markets, date, expected, cancellationToken: stop);
                }
                finally
                {
                    OneAtATime.Release();
                }
            });
            var computedAt = clock.GetUtcNow();
            var slots = demand.SelectMany(d => d.Slots.Select(s => (d.Market, Demand: s))).ToList();
            var report = new FleetAdviceReport(
                markets[0].Id, // the API answers with the market asked about
                Iso(date),
                FleetDemand.Basis([.. slots.Select(s => s.Demand)]),
                advice.Orders,
                slots.Sum(s => s.Demand.Booked),
                advice.Fleet,
                advice.PeakCouriers,
                advice.CourierHours,
                Math.Round(advice.CourierKm, 1),
                Math.Round(advice.OnTimePct, 2),
                advice.TargetReached,
                [.. advice.Hours.Select(h => new FleetAdviceHour(h.Start.ToString("HH:mm", CultureInfo.InvariantCulture), h.Couriers, Math.Round(h.CourierKm, 1)))],
                [.. slots.Select(s => new FleetAdviceSlot(s.Demand.Slot.SlotId, s.Demand.Slot.Start, s.Demand.Slot.End, s.Demand.Booked, s.Demand.Expected,
                    s.Demand.Basis, s.Market.Id))],
                computedAt,
                computedAt + Lifetime,
                Math.Round(advice.Elapsed.TotalSeconds, 1),
                district.Id,
                district.Name,
                [.. markets.Select(m => m.Id)],
                Run: run);
            _advice = report;
            _adviceCounts = counts;
            logger.LogInformation("Fleet advice for {District} on {Date}: {Fleet} couriers for {Orders} orders of {Markets} market(s) ({Basis}), computed in {Seconds} s (waited {Waited} s)",
                district.Id, report.Date, report.Fleet, report.Orders, markets.Count, report.Basis, report.ComputeSeconds, Math.Round((computedAt - started).TotalSeconds, 1));
            return report;
        }
        catch (OperationCanceledException) when (_deactivating.IsCancellationRequested)
        {
            logger.LogInformation("Fleet advice for {District} on {Date} abandoned: the grain deactivated", district.Id, Iso(date));
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Fleet advice for {District} on {Date} failed", district.Id, Iso(date));
            throw;
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>A market's demand; null when it needs the demand model's day and that is not drawn by the time <paramref name="waited"/> ends.</summary>
    private async Task<IReadOnlyList<SlotDemand>?> ReadDemand(District district, Market market, DateOnly date, DateTimeOffset now, Task waited)
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

        // The model's counts for a day never change: drawn once per activation and market (again after a failed draw),
        // off the grain's turn, and part of the computation a call waits for.
        if (!_models.TryGetValue(market.Id, out var model) || model.IsFaulted || model.IsCanceled)
        {
            model = Task.Run(async () =>
            {
                await BeforeStep(district, date, ModelStep);
                return FleetAdvisor.ModelDemand(market, date);
            });
            _models[market.Id] = model;
        }

        if (await Task.WhenAny(model, waited) != model)
        {
            return null;
        }

        return FleetDemand.Of(market, date, now, booked, await model, FleetAdviceBasis.Model);
    }

    private Task BeforeStep(District district, DateOnly date, string step) =>
        hooks.BeforeFleetAdviceStep?.Invoke(FleetAdviceKeys.Of(district.Id, date), step) ?? Task.CompletedTask;

    private (District District, IReadOnlyList<Market> Markets, DateOnly Date) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        var district = slash > 0 ? catalog.FindDistrict(key[..slash]) : null;
        if (district is null || !DateOnly.TryParseExact(key[(slash + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ArgumentException($"'{key}' is not a known district (or market in none) and a date (id/yyyy-MM-dd).");
        }

        return (district, [.. district.MarketIds.Select(id => catalog.FindMarket(id)!)], date);
    }

    /// <summary>One market's slots with their demand.</summary>
    private sealed record MarketDemand(Market Market, IReadOnlyList<SlotDemand> Slots);
}
