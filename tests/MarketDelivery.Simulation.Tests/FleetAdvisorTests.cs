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
    public void A_district_is_advised_one_shared_fleet_for_all_its_markets_orders()
    {
        var catalog = SeedDataLoader.Load(SeedDataLoader.FindDataDirectory());
        var district = catalog.FindDistrict("gangdong")!;
        var markets = district.MarketIds.Select(id => catalog.FindMarket(id)!).ToList();
        var demand = markets.ToDictionary(m => m.Id, m => (IReadOnlyDictionary<string, int>)Each(m, 5), StringComparer.Ordinal);

        var advice = FleetAdvisor.Advise(district, markets, Date, demand, Fast);

        Assert.Equal("gangdong", advice.DistrictId);
        Assert.Equal(markets.Sum(m => 5 * m.Slots.Count), advice.Orders);
        Assert.True(advice.TargetReached, string.Join(", ", advice.Trials));
        Assert.Equal(markets.Min(m => m.OpeningHours.Opens), advice.Hours[0].Start);
        Assert.Equal(markets.Max(m => m.OpeningHours.Closes).AddHours(-1), advice.Hours[^1].Start);
        Assert.All(advice.Hours, h => Assert.InRange(h.Couriers, 0, advice.Fleet));
        Assert.True(advice.CourierKm > 0);

        // A market left without orders still has its windows: the district's couriers cover them for the other's orders.
        var oneMarket = FleetAdvisor.Advise(district, markets, Date,
            new Dictionary<string, IReadOnlyDictionary<string, int>> { [markets[1].Id] = Each(markets[1], 5) }, Fast);
        Assert.Equal(5 * markets[1].Slots.Count, oneMarket.Orders);
        Assert.True(oneMarket.Fleet <= advice.Fleet, $"{oneMarket.Fleet} couriers for one market's orders, {advice.Fleet} for both");
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
