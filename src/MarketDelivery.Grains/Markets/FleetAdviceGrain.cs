using System.Globalization;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Simulation;
using Microsoft.Extensions.Logging;

namespace MarketDelivery.Grains.Markets;

/// <summary>
/// The fleet advice of one market's day (see <see cref="IFleetAdviceGrain"/>). Each call reads the slots' order counts
/// (one small grouped query); the advice is reused while it is younger than <see cref="Lifetime"/> and was made for
/// the same counts. A new one is simulated on the thread pool, never on the grain's turn; calls arriving meanwhile
/// wait for that one computation. It keeps nothing durable: a new activation simply computes again.
/// </summary>
public sealed class FleetAdviceGrain(IOrderViews views, MarketCatalog catalog, MarketClock clock, ILogger<FleetAdviceGrain> logger)
    : Grain, IFleetAdviceGrain
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    // One simulation at a time per server: it takes a core for seconds, and the server has requests to answer.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private FleetAdviceReport? _advice;
    private string? _adviceCounts;
    private Task<FleetAdviceReport>? _computing;
    private IReadOnlyDictionary<string, int>? _model;
    private int _runs;

    public async Task<FleetAdviceAnswer> Get(TimeSpan wait)
    {
        var (market, date) = Parse(this.GetPrimaryKeyString());
        var now = clock.GetUtcNow();
        var demand = await ReadDemand(market, date, now);
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
        if (await Task.WhenAny(_computing, Task.Delay(wait)) == _computing)
        {
            return new FleetAdviceAnswer(await _computing, Computing: false);
        }

        return new FleetAdviceAnswer(_advice is null ? null : _advice with { Updating = true }, Computing: true);
    }

    private async Task<FleetAdviceReport> Compute(Market market, DateOnly date, IReadOnlyList<SlotDemand> demand, string counts)
    {
        var started = clock.GetUtcNow();
        var run = ++_runs;
        try
        {
            var expected = demand.ToDictionary(d => d.Slot.TemplateId, d => d.Expected, StringComparer.Ordinal);
            var advice = await Task.Run(async () =>
            {
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

    private async Task<IReadOnlyList<SlotDemand>> ReadDemand(Market market, DateOnly date, DateTimeOffset now)
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

        // The model's counts for a day never change: drawn once per activation, off the grain's turn.
        _model ??= await Task.Run(() => FleetAdvisor.ModelDemand(market, date));
        return FleetDemand.Of(market, date, now, booked, _model, FleetAdviceBasis.Model);
    }

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
