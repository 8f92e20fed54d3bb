using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Simulation.Tests;

/// <summary>The fleet advisor on small days of one market (short solve limits, a few seconds in all).</summary>
public sealed class FleetAdvisorTests
{
    private static readonly DateOnly Date = new(2026, 12, 1);

    private static readonly FleetAdvisorOptions Fast = new()
    {
        Day = new FleetAdvisorOptions().Day with
        {
            WaveTimeLimit = TimeSpan.FromMilliseconds(120),
            ReplanTimeLimit = TimeSpan.FromMilliseconds(50),
        },
        MaxFleet = 12,
    };

    private static Market Mangwon() =>
        SeedDataLoader.Load(SeedDataLoader.FindDataDirectory()).FindMarket("mangwon")!;

    private static Dictionary<string, int> Each(Market market, int orders) =>
        market.Slots.ToDictionary(t => t.Id, _ => orders, StringComparer.Ordinal);

    [Fact]
    public void Advice_covers_the_opening_hours_with_couriers_in_every_window_and_km_ridden()
    {
        var market = Mangwon();
        var advice = FleetAdvisor.Advise(market, Date, Each(market, 6), Fast);

        Assert.Equal(6 * market.Slots.Count, advice.Orders);
        Assert.True(advice.TargetReached, string.Join(", ", advice.Trials));
        Assert.True(advice.OnTimePct >= 98);
        Assert.Equal(advice.Trials[^1].Fleet, advice.Fleet);
        Assert.Equal(market.OpeningHours.Opens, advice.Hours[0].Start);
        Assert.All(advice.Hours, h => Assert.InRange(h.Start, market.OpeningHours.Opens, market.OpeningHours.Closes.AddHours(-1)));
        Assert.All(advice.Hours, h => Assert.InRange(h.Couriers, 0, advice.Fleet));
        foreach (var slot in market.Slots)
        {
            Assert.All(advice.Hours.Where(h => h.Start >= slot.Start && h.Start < slot.End), h => Assert.True(h.Couriers >= 1, $"{h.Start}: no courier"));
        }

        Assert.True(advice.CourierKm > 0);
        Assert.Equal(advice.CourierKm, advice.Hours.Sum(h => h.CourierKm), 6);
    }

    [Fact]
    public void More_orders_never_need_fewer_couriers_at_the_peak()
    {
        var market = Mangwon();
        var few = FleetAdvisor.Advise(market, Date, Each(market, 4), Fast);
        var many = FleetAdvisor.Advise(market, Date, Each(market, 30), Fast);

        Assert.Equal(30 * market.Slots.Count, many.Orders);
        Assert.True(many.PeakCouriers >= few.PeakCouriers, $"{few.PeakCouriers} couriers at the peak for 4 orders a slot, {many.PeakCouriers} for 30");
        Assert.True(many.Fleet >= few.Fleet);
        Assert.True(many.CourierKm > few.CourierKm);
    }

    [Fact]
    public void A_day_without_orders_still_staffs_its_windows_with_one_courier()
    {
        var market = Mangwon();
        var advice = FleetAdvisor.Advise(market, Date, new Dictionary<string, int>(), Fast);
        Assert.Equal(0, advice.Orders);
        Assert.Equal(1, advice.Fleet);
        Assert.Equal(0, advice.CourierKm);
        Assert.Equal(1, advice.PeakCouriers);
    }

    [Fact]
    public void The_demand_model_has_orders_in_every_slot_and_is_the_same_for_the_same_day()
    {
        var market = Mangwon();
        var model = FleetAdvisor.ModelDemand(market, Date);
        Assert.Equal(market.Slots.Select(t => t.Id).Order(StringComparer.Ordinal), model.Keys.Order(StringComparer.Ordinal));
        Assert.All(model.Values, v => Assert.True(v > 0));
        Assert.Equal(new SimulationOptions().OrdersPerMarket, model.Values.Sum());
        Assert.Equal(model, FleetAdvisor.ModelDemand(market, Date));
    }
}
