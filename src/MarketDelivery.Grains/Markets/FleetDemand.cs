using System.Globalization;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;

namespace MarketDelivery.Grains.Markets;

/// <summary>A slot of the day, its orders booked now, the orders the advice plans for and where that number comes from.</summary>
public sealed record SlotDemand(BookableSlot Slot, int Booked, int Expected, string Basis);

/// <summary>
/// The orders a day's slots are expected to have, from counts the order store gives (no I/O here). A slot past its
/// cut-off gets no more orders, so its bookings are its demand; otherwise the larger of its bookings and the estimate:
/// the mean delivered orders of that slot on the same weekday over the history, else over the recent days, else the
/// simulator's demand model.
/// </summary>
public static class FleetDemand
{
    /// <summary>How far back delivered orders count as history: four weeks gives four of the same weekday.</summary>
    public const int HistoryDays = 28;

    /// <summary>Without any same weekday in the history, the last days this many count instead.</summary>
    public const int RecentDays = 7;

    /// <summary>
    /// The slots' demand from the bookings and an estimate per slot template (<see cref="FromHistory"/>, or the demand
    /// model's counts) whose <paramref name="basis"/> it names.
    /// </summary>
    public static IReadOnlyList<SlotDemand> Of(Market market, DateOnly date, DateTimeOffset now,
        IReadOnlyList<SlotOrderCount> booked, IReadOnlyDictionary<string, int> estimate, string basis)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(booked);
        ArgumentNullException.ThrowIfNull(estimate);
        return [.. market.Slots.Select(t => market.SlotOn(date, t)).OrderBy(s => s.Start).Select(s =>
        {
            var b = booked.Where(c => c.SlotId == s.SlotId).Sum(c => c.Booked);
            var e = estimate.GetValueOrDefault(s.TemplateId);
            return s.Cutoff <= now || (b >= e && b > 0)
                ? new SlotDemand(s, b, b, FleetAdviceBasis.Bookings)
                : new SlotDemand(s, b, e, basis);
        })];
    }

    /// <summary>The day's basis: bookings when every slot is settled by them, else the estimate the open slots use.</summary>
    public static string Basis(IReadOnlyList<SlotDemand> demand) =>
        demand.FirstOrDefault(d => d.Basis != FleetAdviceBasis.Bookings)?.Basis ?? FleetAdviceBasis.Bookings;

    /// <summary>The start of the history to read: <see cref="HistoryDays"/> before the earlier of the day and today.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) HistoryRange(Market market, DateOnly date, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(market);
        var today = market.LocalDate(now);
        var end = MarketTimeZones.At(market.TimeZone, date < today ? date : today, TimeOnly.MinValue);
        return (end.AddDays(-HistoryDays), end);
    }

    /// <summary>
    /// Mean delivered orders per slot template over the same weekdays that had deliveries, or over the recent days that
    /// had any; null when nothing was delivered in that time.
    /// </summary>
    public static IReadOnlyDictionary<string, int>? FromHistory(Market market, DateOnly date, DateTimeOffset now, IReadOnlyList<SlotOrderCount> history)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(history);
        var today = market.LocalDate(now);
        var delivered = history.Where(c => c.Delivered > 0 && c.SlotId.Length > 11)
            .Select(c => (Day: market.LocalDate(c.SlotStart), Template: c.SlotId[11..], c.Delivered)) // "yyyy-MM-dd-{templateId}"
            .ToList();
        var sameWeekday = delivered.Where(c => c.Day.DayOfWeek == date.DayOfWeek).ToList();
        var days = sameWeekday.Count > 0 ? sameWeekday : delivered.Where(c => c.Day >= today.AddDays(-RecentDays)).ToList();
        if (days.Count == 0)
        {
            return null;
        }

        var dayCount = days.Select(c => c.Day).Distinct().Count();
        return days.GroupBy(c => c.Template, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (int)Math.Ceiling(g.Sum(c => c.Delivered) / (double)dayCount), StringComparer.Ordinal);
    }

    /// <summary>The counts the advice was made for, to tell when it is out of date.</summary>
    public static string Key(IReadOnlyList<SlotDemand> demand)
    {
        ArgumentNullException.ThrowIfNull(demand);
        return string.Join(",", demand.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Slot.TemplateId}:{d.Booked}:{d.Expected}")));
    }
}
