using MarketDelivery.Contracts.Markets;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Grains.Markets;

namespace MarketDelivery.Grains.Tests;

/// <summary>What the fleet advice plans for, per slot of amsa (slots 11, 13, 15, 17, 19; cut-off an hour before each).</summary>
public sealed class FleetDemandTests
{
    private static readonly Market Amsa = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory()).FindMarket("amsa")!;

    // Monday 2026-11-23, 12:30 in Seoul: the 11:00 and 13:00 slots are past their cut-offs.
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 30, 0, TimeSpan.FromHours(9));
    private static readonly DateOnly Tuesday = new(2026, 11, 24);

    private static SlotOrderCount Count(string day, string template, int booked, int delivered) =>
        new($"{day}-{template}", MarketTimeZones.At(Amsa.TimeZone, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture),
            Amsa.FindSlotTemplate(template)!.Start), booked, delivered);

    [Fact]
    public void History_is_the_mean_of_the_same_weekdays_with_deliveries()
    {
        var history = FleetDemand.FromHistory(Amsa, Tuesday, Now,
        [
            Count("2026-11-10", "1100", 14, 10), Count("2026-11-17", "1100", 13, 13), Count("2026-11-17", "1300", 6, 5),
            Count("2026-11-16", "1100", 100, 100), // a Monday: not the day asked about
            Count("2026-11-17", "1500", 4, 0),     // booked, none delivered
        ]);
        Assert.NotNull(history);
        Assert.Equal(12, history["1100"]);  // (10 + 13) / 2, rounded up
        Assert.Equal(3, history["1300"]);   // 5 over the two Tuesdays
        Assert.False(history.ContainsKey("1500"));
    }

    [Fact]
    public void Without_the_weekday_the_recent_days_count_and_without_any_delivery_there_is_no_history()
    {
        var recent = FleetDemand.FromHistory(Amsa, Tuesday, Now, [Count("2026-11-16", "1100", 9, 8), Count("2026-11-01", "1100", 50, 50)]);
        Assert.Equal(8, recent!["1100"]); // 2026-11-01 is older than a week
        Assert.Null(FleetDemand.FromHistory(Amsa, Tuesday, Now, [Count("2026-11-01", "1100", 50, 50)]));
        Assert.Null(FleetDemand.FromHistory(Amsa, Tuesday, Now, []));
    }

    [Fact]
    public void Closed_slots_count_their_bookings_and_open_ones_the_larger_of_bookings_and_estimate()
    {
        var today = new DateOnly(2026, 11, 23);
        var estimate = new Dictionary<string, int> { ["1100"] = 30, ["1300"] = 30, ["1500"] = 12, ["1700"] = 12, ["1900"] = 12 };
        var demand = FleetDemand.Of(Amsa, today, Now,
            [Count("2026-11-23", "1100", 7, 0), Count("2026-11-23", "1500", 2, 0), Count("2026-11-23", "1700", 20, 0)],
            estimate, FleetAdviceBasis.History);

        Assert.Equal(
            [("1100", 7, 7, "bookings"), ("1300", 0, 0, "bookings"), ("1500", 2, 12, "history"), ("1700", 20, 20, "bookings"), ("1900", 0, 12, "history")],
            demand.Select(d => (d.Slot.TemplateId, d.Booked, d.Expected, d.Basis)));
        Assert.Equal("history", FleetDemand.Basis(demand));
        Assert.Equal("bookings", FleetDemand.Basis(demand.Where(d => d.Basis == "bookings").ToList()));
        Assert.NotEqual(FleetDemand.Key(demand), FleetDemand.Key(FleetDemand.Of(Amsa, today, Now, [Count("2026-11-23", "1500", 3, 0)], estimate, "history")));
    }

    [Fact]
    public void The_history_ends_at_the_earlier_of_today_and_the_day_and_reaches_four_weeks_back()
    {
        var (from, to) = FleetDemand.HistoryRange(Amsa, Tuesday, Now);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(9)), to);
        Assert.Equal(to.AddDays(-28), from);
    }
}
