using System.Collections.Immutable;
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

    /// <summary>How far back delivered orders count as history: four weeks gives four of the same weekday.</summary>
    public const int HistoryDays = 28;

    /// <summary>Without any same weekday in the history, the last days this many count instead.</summary>
    public const int RecentDays = 7;

    // One simulation at a time per server: it takes a core for seconds, and the server has requests to answer.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    private FleetAdviceReport? _advice;
    private string? _adviceCounts;
    private Task<FleetAdviceReport>? _computing;
    private IReadOnlyDictionary<string, int>? _model;

    public async Task<FleetAdviceAnswer> Get(TimeSpan wait)
    {
        var (market, date) = Parse(this.GetPrimaryKeyString());
        var now = clock.GetUtcNow();
        var demand = await ReadDemand(market, date, now);
        var counts = Counts(demand);
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
                Basis(demand),
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
                Math.Round(advice.Elapsed.TotalSeconds, 1));
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

    /// <summary>A slot of the day, its orders booked now, and the orders the advice plans for.</summary>
    private sealed record SlotDemand(BookableSlot Slot, int Booked, int Expected, string Basis);

    /// <summary>
    /// Per slot: a slot past its cut-off gets no more orders, so its bookings are its demand; otherwise the larger of
    /// the bookings and the estimate (history of the same weekday, else of recent days, else the demand model).
    /// </summary>
    private async Task<IReadOnlyList<SlotDemand>> ReadDemand(Market market, DateOnly date, DateTimeOffset now)
    {
        var dayStart = MarketTimeZones.At(market.TimeZone, date, TimeOnly.MinValue);
        var today = market.LocalDate(now);
        var historyEnd = MarketTimeZones.At(market.TimeZone, date < today ? date : today, TimeOnly.MinValue);
        var booked = await views.SlotCountsOfMarketAsync(market.Id, dayStart, dayStart.AddDays(1));
        var past = await views.SlotCountsOfMarketAsync(market.Id, historyEnd.AddDays(-HistoryDays), historyEnd);

        var (estimate, basis) = History(market, date, today, past);
        if (estimate is null)
        {
            _model ??= await Task.Run(() => FleetAdvisor.ModelDemand(market, date));
            (estimate, basis) = (_model, FleetAdviceBasis.Model);
        }

        var slots = market.Slots.Select(t => market.SlotOn(date, t)).OrderBy(s => s.Start).ToList();
        return [.. slots.Select(s =>
        {
            var b = booked.Where(c => c.SlotId == s.SlotId).Sum(c => c.Booked);
            var e = estimate.GetValueOrDefault(s.TemplateId);
            return s.Cutoff <= now || (b >= e && b > 0)
                ? new SlotDemand(s, b, b, FleetAdviceBasis.Bookings)
                : new SlotDemand(s, b, e, basis);
        })];
    }

    /// <summary>
    /// Mean delivered orders per slot template over the same weekdays in the history that had deliveries, or over the
    /// recent days that had any; null when the market has delivered nothing in that time.
    /// </summary>
    private static (IReadOnlyDictionary<string, int>? Estimate, string Basis) History(Market market, DateOnly date, DateOnly today, ImmutableArray<SlotOrderCount> past)
    {
        var delivered = past.Where(c => c.Delivered > 0)
            .Select(c => (Day: market.LocalDate(c.SlotStart), Template: TemplateOf(c.SlotId), c.Delivered))
            .Where(c => c.Template is not null)
            .ToList();
        var sameWeekday = delivered.Where(c => c.Day.DayOfWeek == date.DayOfWeek).ToList();
        var days = sameWeekday.Count > 0 ? sameWeekday : delivered.Where(c => c.Day >= today.AddDays(-RecentDays)).ToList();
        if (days.Count == 0)
        {
            return (null, FleetAdviceBasis.History);
        }

        var dayCount = days.Select(c => c.Day).Distinct().Count();
        return (days.GroupBy(c => c.Template!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (int)Math.Ceiling(g.Sum(c => c.Delivered) / (double)dayCount), StringComparer.Ordinal), FleetAdviceBasis.History);
    }

    // Slot ids are "yyyy-MM-dd-{templateId}".
    private static string? TemplateOf(string slotId) => slotId.Length > 11 ? slotId[11..] : null;

    /// <summary>The day's basis: bookings when every slot is settled by them, else the estimate the open slots use.</summary>
    private static string Basis(IReadOnlyList<SlotDemand> demand) =>
        demand.FirstOrDefault(d => d.Basis != FleetAdviceBasis.Bookings)?.Basis ?? FleetAdviceBasis.Bookings;

    private static string Counts(IReadOnlyList<SlotDemand> demand) =>
        string.Join(",", demand.Select(d => FormattableString.Invariant($"{d.Slot.TemplateId}:{d.Booked}:{d.Expected}")));

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
