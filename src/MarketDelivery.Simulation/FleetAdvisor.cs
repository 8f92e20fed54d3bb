using System.Diagnostics;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Simulation;

/// <summary>How the advisor searches: the simulated day's settings and the bounds of the fleet search.</summary>
public sealed record FleetAdvisorOptions
{
    /// <summary>
    /// The simulated day. Solve limits are shorter than the simulator's defaults: the advice answers a staff request,
    /// and a plan cut at 250 ms is still the planner's plan (the sweep's fleet98 moves by at most one courier).
    /// </summary>
    public SimulationOptions Day { get; init; } = new()
    {
        WaveTimeLimit = TimeSpan.FromMilliseconds(250),
        ReplanTimeLimit = TimeSpan.FromMilliseconds(100),
        RunBaseline = false,
    };

    public double OnTimeTarget { get; init; } = FleetSweep.OnTimeTarget;

    /// <summary>
    /// The search starts at the busiest slot's orders divided by this, a courier's most in one two-hour window
    /// (a scooter carries 6 bags a trip, a trip takes 35–50 min), so the first fleets tried are not hopeless.
    /// </summary>
    public double MaxOrdersPerCourierPerSlot { get; init; } = 16;

    /// <summary>The search stops here even when the target is not reached (the advice then says so).</summary>
    public int MaxFleet { get; init; } = 40;
}

/// <summary>One local clock hour of the advice: couriers riding or serving a stop at once at most, and the km they ride.</summary>
public sealed record AdvisedHour(TimeOnly Start, int Couriers, double CourierKm);

/// <summary>A fleet size tried and the share of orders it delivered on time.</summary>
public sealed record FleetTrial(int Fleet, double OnTimePct);

/// <summary>
/// The fleet for one market's day, or a district's whose markets share couriers: the smallest full-day fleet whose
/// simulated day reaches the target (<see cref="Fleet"/>), and per opening hour how many of its couriers were on the
/// road at once and how far they rode. <see cref="DistrictId"/> is the market's id for a market alone.
/// </summary>
public sealed record FleetAdvice(
    string DistrictId,
    DateOnly Date,
    int Orders,
    int Fleet,
    bool TargetReached,
    double OnTimePct,
    double CourierKm,
    IReadOnlyList<AdvisedHour> Hours,
    IReadOnlyList<FleetTrial> Trials,
    TimeSpan Elapsed)
{
    public int PeakCouriers => Hours.Count == 0 ? 0 : Hours.Max(h => h.Couriers);

    /// <summary>Courier-hours: each hour's couriers summed, what a roster of part-time shifts has to cover.</summary>
    public int CourierHours => Hours.Sum(h => h.Couriers);
}

/// <summary>
/// Advises market staff how many couriers a day needs: simulates the day with the dispatcher (the same engine as the
/// fleet sweep) for growing fleets until one keeps the on-time target, then reads per hour how many couriers that
/// day had on the road at once. Pure CPU work with no I/O: callers off a request thread run it on the thread pool.
/// </summary>
public static class FleetAdvisor
{
    /// <summary>What the simulator's demand model expects per slot template of the market on <paramref name="date"/>.</summary>
    public static IReadOnlyDictionary<string, int> ModelDemand(Market market, DateOnly date, SimulationOptions? day = null)
    {
        ArgumentNullException.ThrowIfNull(market);
        day = (day ?? new SimulationOptions()) with { Date = date };
        var world = WorldGenerator.Generate([market], day);
        return market.Slots.ToDictionary(
            t => t.Id,
            t => world.Orders.Count(o => o.SlotId == market.SlotOn(date, t).SlotId),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// The advice for <paramref name="ordersPerSlot"/> (orders per slot template id; templates left out have none).
    /// </summary>
    public static FleetAdvice Advise(Market market, DateOnly date, IReadOnlyDictionary<string, int> ordersPerSlot,
        FleetAdvisorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(ordersPerSlot);
        return Advise(District.Alone(market), [market], date, new Dictionary<string, IReadOnlyDictionary<string, int>> { [market.Id] = ordersPerSlot },
            options, cancellationToken);
    }

    /// <summary>
    /// The advice for a district whose markets share their couriers: the smallest fleet of the district's shared day
    /// (as <c>sweep --district</c> simulates it) that keeps the target over all its orders, and per hour its couriers on
    /// the road at once. <paramref name="ordersPerSlot"/> holds, per market id, the orders per slot template id. A district
    /// of one market is that market's advice.
    /// </summary>
    public static FleetAdvice Advise(District district, IReadOnlyList<Market> markets, DateOnly date,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> ordersPerSlot,
        FleetAdvisorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(district);
        ArgumentNullException.ThrowIfNull(markets);
        ArgumentNullException.ThrowIfNull(ordersPerSlot);
        if (markets.Count == 0)
        {
            throw new ArgumentException("A district's advice needs its markets.", nameof(markets));
        }
        options ??= new FleetAdvisorOptions();
        var clock = Stopwatch.StartNew();
        var shared = markets.Count > 1;
        var day = options.Day with { Date = date, Markets = [.. markets.Select(m => m.Id)], District = shared ? district.Id : null };
        var orders = new List<SimOrder>();
        // Orders per slot start: markets of a district book the same hours, and their couriers are shared at once.
        var atOnce = new Dictionary<DateTimeOffset, int>();
        foreach (var market in markets)
        {
            var asked = ordersPerSlot.GetValueOrDefault(market.Id);
            var demand = market.Slots.ToDictionary(t => t.Id, t => Math.Max(0, asked?.GetValueOrDefault(t.Id) ?? 0), StringComparer.Ordinal);
            orders.AddRange(SelectOrders(market, date, demand, day with { Markets = [market.Id], District = null }));
            foreach (var t in market.Slots)
            {
                var start = market.SlotOn(date, t).Start;
                atOnce[start] = atOnce.GetValueOrDefault(start) + demand[t.Id];
            }
        }
        orders.Sort((a, b) => a.PlacedAt != b.PlacedAt ? a.PlacedAt.CompareTo(b.PlacedAt) : string.CompareOrdinal(a.OrderId, b.OrderId));
        var busiest = atOnce.Values.DefaultIfEmpty(0).Max();
        var first = Math.Clamp((int)Math.Ceiling(busiest / options.MaxOrdersPerCourierPerSlot), 1, options.MaxFleet);

        var trials = new List<FleetTrial>();
        RunResult? run = null;
        var fleet = first;
        for (; fleet <= options.MaxFleet; fleet++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The couriers come from the generator (ids, modes, capacities, noise seeds; a district's fleet split over its
            // markets as the sweep splits it); the orders are the selection.
            var staffing = shared ? day with { OrdersPerMarket = 1, DistrictFleet = fleet } : day with { OrdersPerMarket = 1, CouriersPerMarket = fleet };
            var world = WorldGenerator.Generate(markets, staffing) with { Orders = orders };
            run = DaySimulation.Run(world, DaySimulation.Dispatcher, day, cancellationToken: cancellationToken);
            var onTime = run.Orders.Count == 0 ? 100 : Kpis.Of(run).OnTimePct;
            trials.Add(new FleetTrial(fleet, onTime));
            if (onTime >= options.OnTimeTarget)
            {
                break;
            }
        }

        fleet = Math.Min(fleet, options.MaxFleet);
        var kpis = Kpis.Of(run!);
        var reached = trials[^1].OnTimePct >= options.OnTimeTarget;
        return new FleetAdvice(district.Id, date, orders.Count, fleet, reached, trials[^1].OnTimePct, kpis.CourierKm,
            Hours(markets, date, run!), trials, clock.Elapsed);
    }

    /// <summary>
    /// Orders with exactly the asked count per slot, drawn by the world generator (addresses, baskets, pick delays):
    /// it is asked for more orders until every slot has enough, and each slot keeps an evenly spaced selection of
    /// its orders by placing time, so the selection keeps the generator's arrival pattern.
    /// </summary>
    private static List<SimOrder> SelectOrders(Market market, DateOnly date, IReadOnlyDictionary<string, int> demand, SimulationOptions day)
    {
        var total = demand.Values.Sum();
        if (total == 0)
        {
            return [];
        }

        var slots = market.Slots.Select(t => market.SlotOn(date, t)).ToList();
        var pool = Math.Max(day.OrdersPerMarket, total);
        Dictionary<string, List<SimOrder>> bySlot = [];
        // Six doublings cover a slot asked for 64 times its share of the model; beyond that the slot gets what there is.
        for (var attempt = 0; attempt < 7; attempt++, pool *= 2)
        {
            var world = WorldGenerator.Generate([market], day with { OrdersPerMarket = pool, CouriersPerMarket = 1 });
            bySlot = world.Orders.GroupBy(o => o.SlotId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            if (slots.All(s => bySlot.GetValueOrDefault(s.SlotId)?.Count >= demand[s.TemplateId]))
            {
                break;
            }
        }

        var selected = new List<SimOrder>(total);
        foreach (var slot in slots)
        {
            var candidates = bySlot.GetValueOrDefault(slot.SlotId) ?? [];
            var wanted = Math.Min(demand[slot.TemplateId], candidates.Count);
            for (var i = 0; i < wanted; i++)
            {
                selected.Add(candidates[(int)((long)i * candidates.Count / wanted)]);
            }
        }

        selected.Sort((a, b) => a.PlacedAt != b.PlacedAt ? a.PlacedAt.CompareTo(b.PlacedAt) : string.CompareOrdinal(a.OrderId, b.OrderId));
        return selected;
    }

    /// <summary>
    /// Per opening hour: the most couriers on the road at the same moment (riding a leg or serving a stop) and the km
    /// ridden, legs split by time. Waiting is left out: the planner hands out work to every courier on shift, so a
    /// courier waiting at the hand-over point for an order still being picked is one the hour could do without. Riding before opening or after closing counts in the first or last hour. An hour a
    /// delivery window covers gets at least one courier, since orders may still be booked for it.
    /// </summary>
    private static List<AdvisedHour> Hours(IReadOnlyList<Market> markets, DateOnly date, RunResult run)
    {
        // A district's day: from the first market to open to the last to close (its markets share a time zone).
        var opens = markets.Min(m => m.OpeningHours.Opens);
        var closes = markets.Max(m => m.OpeningHours.Closes);
        var hourCount = Math.Max(1, (int)Math.Ceiling((closes - opens).TotalHours));
        var zone = markets[0].TimeZone;
        var starts = Enumerable.Range(0, hourCount).Select(h => MarketTimeZones.At(zone, date, opens.AddHours(h))).ToList();
        var windows = markets.SelectMany(m => m.Slots.Select(t => m.SlotOn(date, t))).ToList();
        var hours = new List<AdvisedHour>(hourCount);
        var active = run.Couriers.Select(Active).ToList();
        for (var h = 0; h < hourCount; h++)
        {
            var from = starts[h];
            var to = from.AddHours(1);
            var lo = h == 0 ? DateTimeOffset.MinValue : from;
            var hi = h == hourCount - 1 ? DateTimeOffset.MaxValue : to;
            var metres = run.Couriers.SelectMany(c => c.Legs).Sum(l => Share(l, lo, hi));
            var couriers = MostAtOnce(active, from, to);
            if (couriers == 0 && windows.Any(w => w.Start < to && w.End > from))
            {
                couriers = 1;
            }

            hours.Add(new AdvisedHour(opens.AddHours(h), couriers, metres / 1000.0));
        }

        return hours;
    }

    /// <summary>The metres of <paramref name="leg"/> ridden within [from, to), assuming an even pace along it.</summary>
    private static double Share(LegRecord leg, DateTimeOffset from, DateTimeOffset to)
    {
        var span = (leg.Arrive - leg.Depart).TotalSeconds;
        if (span <= 0)
        {
            return leg.Depart >= from && leg.Depart < to ? leg.Metres : 0;
        }

        var start = leg.Depart > from ? leg.Depart : from;
        var end = leg.Arrive < to ? leg.Arrive : to;
        return end <= start ? 0 : leg.Metres * (end - start).TotalSeconds / span;
    }

    /// <summary>A courier's stretches on the road (legs ridden, stops served), merged and in time order.</summary>
    private static List<BusyInterval> Active(CourierOutcome courier)
    {
        var stretches = courier.Legs.Select(l => new BusyInterval(l.Depart, l.Arrive))
            .Concat(courier.Stops.Where(s => s.Kind != SimStopKind.Return).Select(s =>
                new BusyInterval(s.At, s.At + (s.Kind == SimStopKind.Pickup ? MarketRun.PickupService : MarketRun.DeliveryService))))
            .OrderBy(b => b.Start)
            .ToList();
        var merged = new List<BusyInterval>(stretches.Count);
        foreach (var b in stretches)
        {
            if (merged.Count > 0 && b.Start <= merged[^1].End)
            {
                merged[^1] = merged[^1] with { End = b.End > merged[^1].End ? b.End : merged[^1].End };
            }
            else
            {
                merged.Add(b);
            }
        }

        return merged;
    }

    private static int MostAtOnce(IReadOnlyList<List<BusyInterval>> couriers, DateTimeOffset from, DateTimeOffset to)
    {
        // +1 when a stretch starts, -1 when it ends; ends sort before starts at the same instant.
        var events = new List<(DateTimeOffset At, int Delta)>();
        foreach (var c in couriers)
        {
            foreach (var b in c)
            {
                var start = b.Start > from ? b.Start : from;
                var end = b.End < to ? b.End : to;
                if (end > start)
                {
                    events.Add((start, 1));
                    events.Add((end, -1));
                }
            }
        }

        events.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Delta.CompareTo(b.Delta));
        int now = 0, most = 0;
        foreach (var (_, delta) in events)
        {
            now += delta;
            most = Math.Max(most, now);
        }

        return most;
    }
}
