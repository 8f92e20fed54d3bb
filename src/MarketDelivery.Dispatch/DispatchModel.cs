using MarketDelivery.Domain.Markets;
using MarketDelivery.Routing.Model;

namespace MarketDelivery.Dispatch;

/// <summary>Where an order is, as dispatch sees it.</summary>
public enum DispatchOrderState
{
    /// <summary>Stalls are still picking; <see cref="DispatchOrder.ReadyAt"/> is an estimate.</summary>
    Picking,
    /// <summary>All bags wait at the market's hand-over point since <see cref="DispatchOrder.ReadyAt"/>.</summary>
    ReadyAtMarket,
    /// <summary>A courier carries it (<see cref="DispatchOrder.CourierId"/>); only its delivery remains, locked to that courier.</summary>
    OnBoard,
}

/// <summary>
/// An order to move from a market's hand-over point to a customer inside the delivery window.
/// Weight and bags are the capacity dimensions; <see cref="MaxRide"/> bounds the time on board (fresh fish).
/// </summary>
public sealed record DispatchOrder(
    string OrderId,
    string MarketId,
    GeoPoint HandOver,
    GeoPoint Destination,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    DateTimeOffset ReadyAt,
    int WeightGrams,
    int Bags,
    DispatchOrderState State,
    string? CourierId = null,
    TimeSpan? MaxRide = null);

/// <summary>
/// A courier available to this plan: on shift, where they are now, what they carry.
/// <see cref="OnBoardOrderIds"/> must match orders in state <see cref="DispatchOrderState.OnBoard"/> for this courier.
/// <see cref="MarketIds"/> are the markets whose hand-over points the courier may pick up at (a district plans several
/// markets together, and a courier serves those named in their profile); null means every market of the snapshot.
/// </summary>
public sealed record DispatchCourier(
    string CourierId,
    TravelMode Mode,
    int CapacityGrams,
    int CapacityBags,
    DateTimeOffset ShiftStart,
    DateTimeOffset ShiftEnd,
    GeoPoint Position,
    IReadOnlyList<string> OnBoardOrderIds,
    GeoPoint? EndAt = null,
    IReadOnlyList<string>? MarketIds = null);

/// <summary>Everything the planner looks at: the time, the orders to serve, the couriers, and the plan in force.</summary>
public sealed record DispatchSnapshot(
    DateTimeOffset Now,
    IReadOnlyList<DispatchOrder> Orders,
    IReadOnlyList<DispatchCourier> Couriers,
    DispatchPlan? Previous = null);

public enum PlannedStopKind
{
    Pickup,
    Delivery,
}

/// <summary>One stop of a courier's plan, with its expected times and how late it would be.</summary>
public sealed record PlannedStop(
    PlannedStopKind Kind,
    string OrderId,
    GeoPoint Location,
    DateTimeOffset Arrival,
    DateTimeOffset ServiceStart,
    DateTimeOffset Departure,
    TimeSpan Lateness);

/// <summary>A courier's route from where they are: stops in order, with the distance still to travel.</summary>
public sealed record CourierRoute(
    string CourierId,
    IReadOnlyList<PlannedStop> Stops,
    double DistanceMetres,
    DateTimeOffset FinishesAt);

/// <summary>An order the plan cannot serve now, with the routing library's reason in words staff understand.</summary>
public sealed record UnassignedOrder(string OrderId, string Reason, string Message);

/// <summary>The result of one planning run. <see cref="Violations"/> come from the routing validator and are empty for a sound plan.</summary>
public sealed record DispatchPlan(
    DateTimeOffset PlannedAt,
    IReadOnlyList<CourierRoute> Routes,
    IReadOnlyList<UnassignedOrder> Unassigned,
    TimeSpan SolveTime,
    IReadOnlyList<string> Violations)
{
    public bool IsFeasible => Violations.Count == 0;

    /// <summary>The expected delivery time of an order, if the plan serves it.</summary>
    public (string CourierId, DateTimeOffset Eta)? EtaOf(string orderId)
    {
        foreach (var route in Routes)
        {
            foreach (var stop in route.Stops)
            {
                if (stop.Kind == PlannedStopKind.Delivery && stop.OrderId == orderId)
                {
                    return (route.CourierId, stop.ServiceStart);
                }
            }
        }

        return null;
    }
}

/// <summary>What builds the first routes of a plan when there is no plan in force to start from.</summary>
public enum DispatchColdStart
{
    /// <summary>Our ruin-and-recreate search from empty routes (the default).</summary>
    Search,
    /// <summary>OR-Tools' first-solution heuristic, which our search then improves.</summary>
    OrTools,
}

/// <summary>Tunable planning parameters; defaults suit a traditional market with two-hour slots.</summary>
public sealed record DispatchSettings
{
    public TimeSpan SolveTimeLimit { get; init; } = TimeSpan.FromSeconds(2);
    public int Seed { get; init; } = 1;
    public TimeSpan PickupService { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan DeliveryService { get; init; } = TimeSpan.FromMinutes(3);
    /// <summary>Lateness is allowed (soft windows) so a plan exists when not everything fits; each late minute costs this much, in metres of travel.</summary>
    public double LatenessCostPerMinute { get; init; } = 2_000;
    /// <summary>
    /// A late order costs this much once, in metres, besides its late minutes: the plan then weighs how many orders
    /// are late, not only by how many minutes (minutes alone may spread a shortfall over many orders). 0: minutes only.
    /// </summary>
    public double LateOrderCost { get; init; }
    /// <summary>The latest a delivery may still be planned after its window closes; beyond it the order stays unassigned.</summary>
    public TimeSpan MaxLateness { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// Slack kept before each delivery window closes (at most half the window), for what the plan cannot know:
    /// travel-time noise, a merchant later than estimated, a courier held up at a door. A delivery planned inside it
    /// costs <see cref="DeliveryMarginCostShare"/> of <see cref="LatenessCostPerMinute"/> per minute inside: a service
    /// cost, so spare couriers are spent on keeping the margin before any courier or kilometre is saved, but cheaper
    /// than lateness, so a busy fleet eats into margins before it makes anyone late. Lateness (reported in
    /// <see cref="PlannedStop.Lateness"/>, limited by <see cref="MaxLateness"/>) counts from the booked window end.
    /// </summary>
    public TimeSpan DeliveryMargin { get; init; } = TimeSpan.FromMinutes(45);

    /// <summary>A minute inside <see cref="DeliveryMargin"/> costs this share of a minute late (0 to 1).</summary>
    public double DeliveryMarginCostShare { get; init; } = 0.25;

    /// <summary>The solver's time cap in <see cref="DispatchPlanner.PlanIncremental"/> (new orders inserted into a live plan).</summary>
    public TimeSpan IncrementalTimeLimit { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A district plan covers several markets in one search and gets more solver time the more markets it covers, up to
    /// this many markets' worth, so that a district's re-plan waits a bounded time (see <see cref="ForMarkets"/>).
    /// </summary>
    public int MaxMarketsPerSolve { get; init; } = 3;

    /// <summary>
    /// These settings for a plan of <paramref name="markets"/> markets: both solve limits times the square of the number
    /// of markets (counted up to <see cref="MaxMarketsPerSolve"/>). The search's moves pair stops with stops, so a plan
    /// n times a market's size needs about n² times the work for the same search; with only n times (the markets' time
    /// apart) the two-market district rode more than its markets did apart and needed a courier more (Simulation
    /// README, "Issue 10").
    /// </summary>
    public DispatchSettings ForMarkets(int markets)
    {
        var counted = Math.Clamp(markets, 1, Math.Max(1, MaxMarketsPerSolve));
        var scale = counted * counted;
        return scale == 1 ? this : this with { SolveTimeLimit = SolveTimeLimit * scale, IncrementalTimeLimit = IncrementalTimeLimit * scale };
    }

    /// <summary>
    /// Cost of using a courier at all. The routing objective ranks couriers used above distance (and lateness above
    /// both), so any value above 0 means fewest couriers first; 0 lets distance alone decide.
    /// </summary>
    public double UsedCourierCost { get; init; } = 500;

    /// <summary>
    /// On a re-plan, the improved plan replaces the previous routes (with new orders inserted where they fit best)
    /// only when it saves more than this, in metres of travel; otherwise couriers keep the routes they were given.
    /// </summary>
    public double RerouteMinSaving { get; init; } = 1_000;

    /// <summary>Parallel improvement searches (the routing library's <c>SolveOptions.Threads</c>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// What starts a cold plan (no plan in force). Both were measured equal on 200-order waves (the README's "What each
    /// stage gains"), so the default spends no time on OR-Tools' model; a plan in force is always its own start.
    /// </summary>
    public DispatchColdStart ColdStart { get; init; } = DispatchColdStart.Search;

    /// <summary>
    /// Search the problem with hard delivery windows first, then the real soft-window problem from its routes (the
    /// default; it is where most of a wave's quality comes from, see the README). False searches the soft-window problem
    /// directly, for measurement.
    /// </summary>
    public bool HardWindowPass { get; init; } = true;

    /// <summary>Share of a full plan's search work the hard-window pass gets (0 to 1); the soft-window pass has the rest.</summary>
    public double HardWindowShare { get; init; } = 0.8;

    /// <summary>
    /// Share of the hard-window pass's work (0 to 1) held back for a second hard-window pass from the first's routes.
    /// When the first (every delivery done before its margin) placed every order, the second goes on with the same
    /// problem; when not, a fleet short of capacity at that hour, it searches to the booked window ends, so what any
    /// plan can deliver on time is placed before margins are weighed. 0: one pass.
    /// </summary>
    public double BookedEndPassShare { get; init; }

    /// <summary>
    /// The search's work budget per second of time limit (the routing library's <c>SolveOptions.WorkUnitsPerSecond</c>);
    /// null keeps the library's calibration. A longer time limit with a proportionally lower rate plans as a quiet
    /// machine would within the shorter limit, however busy this one is (the simulator's <c>--slow-cpu</c>).
    /// </summary>
    public double? WorkUnitsPerSecond { get; init; }
}
