using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Simulation;

/// <summary>One stall's share of an order: what it weighs, what was short, and when the merchant finished picking.</summary>
public sealed record StallPick(string StallId, int WeightGrams, int ShortGrams, DateTimeOffset DoneAt);

/// <summary>
/// A customer order as the world produces it, independent of how it is dispatched: both runs of a day see
/// exactly these orders, with the same merchant pick delays and shortages.
/// </summary>
public sealed record SimOrder(
    string OrderId,
    string MarketId,
    DateTimeOffset PlacedAt,
    string SlotId,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    GeoPoint Destination,
    IReadOnlyList<StallPick> Picks,
    DateTimeOffset PickStart,
    DateTimeOffset ExpectedReadyAt)
{
    /// <summary>When the last stall finished: the bags are all at the hand-over point.</summary>
    public DateTimeOffset ReadyAt => Picks.Max(p => p.DoneAt);

    /// <summary>Weight actually handed over (ordered weight less shortages).</summary>
    public int WeightGrams => Math.Max(100, Picks.Sum(p => p.WeightGrams - p.ShortGrams));

    /// <summary>Weight the customer ordered.</summary>
    public int OrderedWeightGrams => Picks.Sum(p => p.WeightGrams);

    /// <summary>The hand-over point consolidates an order's stalls into bags of up to 7 kg.</summary>
    public int Bags => 1 + ((WeightGrams - 1) / 7_000);
}

/// <summary>A courier of a market's fleet. <see cref="NoiseSeed"/> seeds this courier's travel-time noise in every run.</summary>
public sealed record SimCourierSpec(
    string CourierId,
    string MarketId,
    TravelMode Mode,
    int CapacityGrams,
    int CapacityBags,
    DateTimeOffset ShiftStart,
    DateTimeOffset ShiftEnd,
    int NoiseSeed);

/// <summary>Everything random about a day, drawn up front from the master seed.</summary>
public sealed record World(
    int Seed,
    DateOnly Date,
    IReadOnlyList<Market> Markets,
    IReadOnlyList<SimOrder> Orders,
    IReadOnlyList<SimCourierSpec> Couriers);

/// <summary>
/// Draws a day: order arrivals following the daily curve, slot choice, delivery addresses inside the service
/// area, baskets from the stalls' real products, merchant pick delays and shortages, and the courier fleet.
/// Each concern has its own random stream derived from the master seed and the market, so changing one
/// concern (say, the basket model) does not reshuffle the others.
/// </summary>
public static class WorldGenerator
{
    public static World Generate(IReadOnlyList<Market> markets, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(options);
        var orders = new List<SimOrder>();
        var couriers = new List<SimCourierSpec>();
        var split = options.DistrictFleet is { } total ? SplitFleet(total, markets.Count) : null;
        for (var m = 0; m < markets.Count; m++)
        {
            var market = markets[m];
            var marketOrders = GenerateOrders(market, options);
            orders.AddRange(marketOrders);
            couriers.AddRange(GenerateFleet(market, marketOrders, split is null ? options : options with { CouriersPerMarket = split[m] }));
        }
        orders.Sort((a, b) => a.PlacedAt != b.PlacedAt ? a.PlacedAt.CompareTo(b.PlacedAt) : string.CompareOrdinal(a.OrderId, b.OrderId));
        return new World(options.Seed, options.Date, markets, orders, couriers);
    }

    /// <summary>
    /// A district's fleet of <paramref name="total"/> couriers over <paramref name="markets"/> markets: evenly, the
    /// remainder one each to the first markets in the district's order (7 over amsa, gildong: 4 and 3). Every market
    /// draws the same orders whatever its fleet, so the split only decides whose couriers they are.
    /// </summary>
    public static IReadOnlyList<int> SplitFleet(int total, int markets)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfLessThan(markets, 1);
        return Enumerable.Range(0, markets).Select(i => (total / markets) + (i < total % markets ? 1 : 0)).ToList();
    }

    /// <summary>A deterministic stream for one concern of one market (SplitMix64 over seed, market and concern).</summary>
    public static Random Stream(int seed, string marketId, string concern)
    {
        ulong h = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
        foreach (var ch in marketId + "/" + concern)
        {
            h = Mix(h ^ ch);
        }
        return new Random(unchecked((int)(h ^ (h >> 32))));
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public static double Normal(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A lognormal draw with the given median and log-space sigma.</summary>
    public static double LogNormal(Random rng, double median, double sigma) => median * Math.Exp(sigma * Normal(rng));

    private static List<SimOrder> GenerateOrders(Market market, SimulationOptions options)
    {
        var arrivals = Stream(options.Seed, market.Id, "arrivals");
        var slotsRng = Stream(options.Seed, market.Id, "slots");
        var addresses = Stream(options.Seed, market.Id, "addresses");
        var baskets = Stream(options.Seed, market.Id, "baskets");
        var merchants = Stream(options.Seed, market.Id, "merchants");

        var slots = market.Slots.Select(t => market.SlotOn(options.Date, t)).OrderBy(s => s.Start).ToList();
        var firstArrival = MarketTimeZones.At(market.TimeZone, options.Date, new TimeOnly(options.FirstOrderHour, 0));
        var lastCutoff = slots.Max(s => s.Cutoff);
        var times = new List<DateTimeOffset>(options.OrdersPerMarket);
        for (var i = 0; i < options.OrdersPerMarket; i++)
        {
            times.Add(DrawArrival(arrivals, options.DailyCurve, options.FirstOrderHour, firstArrival, lastCutoff));
        }
        times.Sort();

        var env = market.ServiceArea.EnvelopeInternal;
        var result = new List<SimOrder>(times.Count);
        for (var i = 0; i < times.Count; i++)
        {
            var placed = times[i];
            var open = slots.Where(s => s.Cutoff > placed).ToList();
            var slot = open.Count == 1 || slotsRng.NextDouble() < options.EarliestSlotShare
                ? open[0]
                : open[1 + slotsRng.Next(open.Count - 1)];

            GeoPoint destination;
            do
            {
                destination = new GeoPoint(
                    env.MinY + (addresses.NextDouble() * (env.MaxY - env.MinY)),
                    env.MinX + (addresses.NextDouble() * (env.MaxX - env.MinX)));
            }
            while (!market.Serves(destination));

            var pickStart = Max(placed, slot.Start - options.PickLead);
            var picks = DrawBasket(market, baskets, merchants, pickStart, options);
            var id = FormattableString.Invariant($"{market.Id}-{i + 1:0000}");
            result.Add(new SimOrder(id, market.Id, placed, slot.SlotId, slot.Start, slot.End, destination, picks, pickStart, pickStart + options.ExpectedPickTime));
        }
        return result;
    }

    private static DateTimeOffset DrawArrival(Random rng, IReadOnlyList<double> curve, int firstHour, DateTimeOffset first, DateTimeOffset lastCutoff)
    {
        // Piecewise-constant density by hour from firstHour, truncated at the last cut-off.
        var hours = (int)Math.Ceiling((lastCutoff - first).TotalHours);
        var weights = new double[hours];
        for (var h = 0; h < hours; h++)
        {
            var w = h < curve.Count ? curve[h] : curve[^1];
            var hourStart = first.AddHours(h);
            var usable = Math.Min(1.0, (lastCutoff - hourStart).TotalHours);
            weights[h] = Math.Max(0, w * usable);
        }
        var total = weights.Sum();
        var x = rng.NextDouble() * total;
        var chosen = hours - 1;
        for (var h = 0; h < hours; h++)
        {
            if (x < weights[h])
            {
                chosen = h;
                break;
            }
            x -= weights[h];
        }
        var start = first.AddHours(chosen);
        var span = Math.Min(1.0, (lastCutoff - start).TotalHours);
        var t = start.AddHours(rng.NextDouble() * span);
        return t >= lastCutoff ? lastCutoff.AddMinutes(-1) : t;
    }

    private static List<StallPick> DrawBasket(Market market, Random baskets, Random merchants, DateTimeOffset pickStart, SimulationOptions options)
    {
        var r = baskets.NextDouble();
        var stallCount = r < 0.40 ? 1 : r < 0.75 ? 2 : r < 0.92 ? 3 : 4;
        stallCount = Math.Min(stallCount, market.Stalls.Count);
        var stalls = market.Stalls.OrderBy(_ => baskets.Next()).Take(stallCount).ToList();
        var picks = new List<StallPick>(stallCount);
        var total = 0;
        foreach (var stall in stalls)
        {
            var lines = 1 + baskets.Next(3);
            var weight = 0;
            var largestLine = 0;
            for (var l = 0; l < lines; l++)
            {
                var product = stall.Products[baskets.Next(stall.Products.Count)];
                var qty = 1 + baskets.Next(2);
                var lineWeight = product.WeightGrams * qty;
                if (total + weight + lineWeight > options.MaxBasketGrams)
                {
                    continue;
                }
                weight += lineWeight;
                largestLine = Math.Max(largestLine, lineWeight);
            }
            if (weight == 0)
            {
                var light = stall.Products.MinBy(p => p.WeightGrams)!;
                weight = light.WeightGrams;
                largestLine = weight;
            }
            total += weight;
            var delayMin = Math.Min(options.MaxPickMinutes, LogNormal(merchants, options.PickMedianMinutes, options.PickSigma));
            var shortGrams = merchants.NextDouble() < options.ShortageProbability && largestLine < weight ? largestLine : 0;
            picks.Add(new StallPick(stall.Id, weight, shortGrams, pickStart.AddMinutes(delayMin)));
        }
        return picks;
    }

    private static List<SimCourierSpec> GenerateFleet(Market market, IReadOnlyList<SimOrder> orders, SimulationOptions options)
    {
        var slots = market.Slots.Select(t => market.SlotOn(options.Date, t)).OrderBy(s => s.Start).ToList();
        var shiftStart = slots.Min(s => s.Start) - options.PickLead;
        var shiftEnd = slots.Max(s => s.End) + TimeSpan.FromMinutes(90);
        var seeds = Stream(options.Seed, market.Id, "courier-noise");
        var size = options.FleetSize(slots.Count);
        var scooters = options.ScootersPerMarket ?? (int)Math.Ceiling(size * 0.6);
        var fleet = new List<SimCourierSpec>();
        for (var i = 0; i < size; i++)
        {
            var scooter = i < scooters;
            fleet.Add(new SimCourierSpec(
                FormattableString.Invariant($"{market.Id}-c{i + 1:00}"),
                market.Id,
                scooter ? TravelMode.Scooter : TravelMode.Bicycle,
                scooter ? 20_000 : 15_000,
                scooter ? 6 : 5,
                shiftStart,
                shiftEnd,
                seeds.Next()));
        }
        if (options.CouriersPerMarket is null)
        {
            // Part-time scooter couriers for slots busier than the full-day fleet is staffed for.
            foreach (var slot in slots)
            {
                var booked = orders.Count(o => o.SlotId == slot.SlotId);
                var extra = (int)Math.Ceiling(booked / options.OrdersPerCourierPerSlot) - size;
                for (var e = 0; e < extra; e++)
                {
                    fleet.Add(new SimCourierSpec(
                        FormattableString.Invariant($"{market.Id}-p{slot.TemplateId}-{e + 1}"),
                        market.Id,
                        TravelMode.Scooter,
                        20_000,
                        6,
                        slot.Start - TimeSpan.FromMinutes(60),
                        slot.End + TimeSpan.FromMinutes(30),
                        seeds.Next()));
                }
            }
        }
        return fleet;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
