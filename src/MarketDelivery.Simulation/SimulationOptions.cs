using System.Globalization;

namespace MarketDelivery.Simulation;

/// <summary>Everything that shapes a simulated day. Defaults are the "default day" of the README.</summary>
public sealed record SimulationOptions
{
    public int Seed { get; init; } = 1;
    public DateOnly Date { get; init; } = new(2026, 11, 24);
    /// <summary>Market ids to simulate; empty means every seed market.</summary>
    public IReadOnlyList<string> Markets { get; init; } = [];
    public int OrdersPerMarket { get; init; } = 300;
    /// <summary>District id (<c>data/districts.json</c>): its markets, and the dispatcher plans them as one with shared couriers.</summary>
    public string? District { get; init; }
    /// <summary>A district's total fleet, split over its markets (<see cref="WorldGenerator.SplitFleet"/>); overrides the per-market size.</summary>
    public int? DistrictFleet { get; init; }
    /// <summary>
    /// The district run's solve limits are the markets' times this. Null (the default) plans as the district dispatcher
    /// grain does (<see cref="MarketDelivery.Dispatch.DispatchSettings.ForMarkets"/>: a market's limits times n² for n markets);
    /// 1 gives the district plan one market's limits.
    /// </summary>
    public double? DistrictSolveScale { get; init; }

    /// <summary>Relative order arrivals per hour from <see cref="FirstOrderHour"/> (last value repeats).</summary>
    public IReadOnlyList<double> DailyCurve { get; init; } = [3, 6, 9, 9, 7, 5, 5, 6, 6, 5, 3, 2];
    public int FirstOrderHour { get; init; } = 7;
    /// <summary>Share of customers who book the earliest bookable slot; the rest pick a later one at random.</summary>
    public double EarliestSlotShare { get; init; } = 0.65;
    public int MaxBasketGrams { get; init; } = 14_000;

    /// <summary>Merchants start picking a slot's orders this long before the slot opens (or at once, if ordered later).</summary>
    public TimeSpan PickLead { get; init; } = TimeSpan.FromMinutes(75);
    public double PickMedianMinutes { get; init; } = 15;
    public double PickSigma { get; init; } = 0.45;
    public double MaxPickMinutes { get; init; } = 70;
    /// <summary>The ready time dispatch assumes while an order is still being picked.</summary>
    public TimeSpan ExpectedPickTime { get; init; } = TimeSpan.FromMinutes(22);
    public double ShortageProbability { get; init; } = 0.06;

    /// <summary>Fleet size per market; null staffs each market for its demand (see <see cref="FleetSize"/>).</summary>
    public int? CouriersPerMarket { get; init; }
    /// <summary>Scooters among them (the rest ride bicycles); null means 60 %.</summary>
    public int? ScootersPerMarket { get; init; }
    /// <summary>Staffing rule without <see cref="CouriersPerMarket"/>: one courier per this many orders in an average slot.</summary>
    public double OrdersPerCourierPerSlot { get; init; } = 8.5;

    /// <summary>Couriers for a market with <paramref name="slotCount"/> daily slots: as configured, or staffed for the expected orders per slot.</summary>
    public int FleetSize(int slotCount) =>
        CouriersPerMarket ?? Math.Max(3, (int)Math.Ceiling(OrdersPerMarket / (double)Math.Max(1, slotCount) / OrdersPerCourierPerSlot));
    /// <summary>Log-space sigma of the per-leg travel-time factor (lognormal, median 1).</summary>
    public double TravelNoiseSigma { get; init; } = 0.15;

    /// <summary>The planner's defaults, which the dispatcher grain plans with: the simulated dispatcher uses them too unless told otherwise.</summary>
    private static readonly MarketDelivery.Dispatch.DispatchSettings Planner = new();

    /// <summary>Solve time limit when a wave is released and of full re-plans (the grain's <c>SolveTimeLimit</c>).</summary>
    public TimeSpan WaveTimeLimit { get; init; } = Planner.SolveTimeLimit;
    /// <summary>Solve time limit of insert-only re-plans: new orders, and triggers without <see cref="FullReplans"/> (the grain's <c>IncrementalTimeLimit</c>).</summary>
    public TimeSpan ReplanTimeLimit { get; init; } = Planner.IncrementalTimeLimit;
    /// <summary>
    /// How many times slower than the calibrated quiet machine this one is taken to be: solve limits are multiplied by
    /// it and the search's work rate divided by it, so plans are those of a quiet machine (the same work) however busy
    /// the machine is. 1 (the default) plans within the limits as they are.
    /// </summary>
    public double SlowCpu { get; init; } = 1;
    public TimeSpan WaveLeadTime { get; init; } = TimeSpan.FromMinutes(45);
    public int ReleaseWhenReady { get; init; } = 8;
    /// <summary>Triggers within this span are coalesced into one re-plan.</summary>
    public TimeSpan ReplanDebounce { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>A courier this much behind the plan's arrival time triggers a re-plan.</summary>
    public TimeSpan CourierDelayThreshold { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>A merchant this much past the expected ready time triggers a re-plan.</summary>
    public TimeSpan MerchantLateThreshold { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Dispatcher: cost of a late minute, metres (the planner's default).</summary>
    public double LatenessCostPerMinute { get; init; } = Planner.LatenessCostPerMinute;
    /// <summary>Dispatcher: <see cref="MarketDelivery.Dispatch.DispatchSettings.LateOrderCost"/>, metres once per late order (the planner's default).</summary>
    public double LateOrderCost { get; init; } = Planner.LateOrderCost;
    /// <summary>Dispatcher: cost of using a courier at all, metres (the planner's default).</summary>
    public double UsedCourierCost { get; init; } = Planner.UsedCourierCost;
    /// <summary>Dispatcher: <see cref="MarketDelivery.Dispatch.DispatchSettings.DeliveryMargin"/> (the planner's default unless given).</summary>
    public TimeSpan DeliveryMargin { get; init; } = Planner.DeliveryMargin;
    /// <summary>Dispatcher: <see cref="MarketDelivery.Dispatch.DispatchSettings.DeliveryMarginCostShare"/> (the planner's default unless given).</summary>
    public double DeliveryMarginCostShare { get; init; } = Planner.DeliveryMarginCostShare;
    /// <summary>Dispatcher: <see cref="MarketDelivery.Dispatch.DispatchSettings.HardWindowShare"/> (the planner's default unless given).</summary>
    public double HardWindowShare { get; init; } = Planner.HardWindowShare;

    /// <summary>Dispatcher: <see cref="MarketDelivery.Dispatch.DispatchSettings.BookedEndPassShare"/> (the planner's default unless given).</summary>
    public double BookedEndPassShare { get; init; } = Planner.BookedEndPassShare;
    /// <summary>
    /// Dispatcher: trigger re-plans other than a new order search the whole plan (<c>Plan</c> within
    /// <see cref="WaveTimeLimit"/>), as the dispatcher grain does; false sends them down the insert-only path.
    /// </summary>
    public bool FullReplans { get; init; } = true;
    /// <summary>Dispatcher: a full re-plan this often while orders are open (null: only on triggers).</summary>
    public TimeSpan? ReplanPeriod { get; init; }
    /// <summary>Dispatcher: at the hand-over point a courier picks up its ready orders before waiting for one still being picked.</summary>
    public bool ReadyFirst { get; init; }

    /// <summary>Baseline: a courier at the market takes ready orders whose window opens within this horizon.</summary>
    public TimeSpan BaselineHorizon { get; init; } = TimeSpan.FromMinutes(45);

    public string? OutputPath { get; init; }
    public bool RunBaseline { get; init; } = true;
    public bool RunDispatcher { get; init; } = true;
    /// <summary>A district: also run our dispatcher market by market (off saves a third of a district day where only shared and by hand are compared).</summary>
    public bool RunPerMarket { get; init; } = true;

    public static SimulationOptions Parse(IReadOnlyList<string> args, out List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        errors = [];
        var o = new SimulationOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{name} needs a value.");
                }
                return args[++i];
            }
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Dbl() => double.Parse(Value(), CultureInfo.InvariantCulture);
            try
            {
                o = name switch
                {
                    "--seed" => o with { Seed = Int() },
                    "--date" => o with { Date = DateOnly.ParseExact(Value(), "yyyy-MM-dd", CultureInfo.InvariantCulture) },
                    "--markets" => o with { Markets = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                    "--district" => o with { District = Value().Trim() },
                    "--district-fleet" => o with { DistrictFleet = Int() },
                    "--district-solve-scale" => o with { DistrictSolveScale = Dbl() },
                    "--orders-per-market" => o with { OrdersPerMarket = Int() },
                    "--orders-per-courier-slot" => o with { OrdersPerCourierPerSlot = Dbl() },
                    "--couriers-per-market" => o with { CouriersPerMarket = Int() },
                    "--scooters-per-market" => o with { ScootersPerMarket = Int() },
                    "--out" => o with { OutputPath = Value() },
                    "--time-limit-ms" => o with { WaveTimeLimit = TimeSpan.FromMilliseconds(Int()) },
                    "--replan-limit-ms" => o with { ReplanTimeLimit = TimeSpan.FromMilliseconds(Int()) },
                    "--slow-cpu" => o with { SlowCpu = Dbl() },
                    "--wave-lead-min" => o with { WaveLeadTime = TimeSpan.FromMinutes(Dbl()) },
                    "--release-when-ready" => o with { ReleaseWhenReady = Int() },
                    "--debounce-min" => o with { ReplanDebounce = TimeSpan.FromMinutes(Dbl()) },
                    "--lateness-cost" => o with { LatenessCostPerMinute = Dbl() },
                    "--late-order-cost" => o with { LateOrderCost = Dbl() },
                    "--used-courier-cost" => o with { UsedCourierCost = Dbl() },
                    "--margin-min" or "--buffer-min" => o with { DeliveryMargin = TimeSpan.FromMinutes(Dbl()) },
                    "--margin-cost-share" => o with { DeliveryMarginCostShare = Dbl() },
                    "--full-replans" => o with { FullReplans = Value() is "1" or "true" or "on" },
                    "--replan-period-min" => o with { ReplanPeriod = Dbl() is var v && v > 0 ? TimeSpan.FromMinutes(v) : null },
                    "--hard-share" => o with { HardWindowShare = Dbl() },
                    "--booked-end-share" => o with { BookedEndPassShare = Dbl() },
                    "--ready-first" => o with { ReadyFirst = Value() is "1" or "true" or "on" },
                    "--noise-sigma" => o with { TravelNoiseSigma = Dbl() },
                    "--shortage-prob" => o with { ShortageProbability = Dbl() },
                    "--curve" => o with { DailyCurve = Value().Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToList() },
                    "--baseline-only" => o with { RunDispatcher = false },
                    "--dispatcher-only" => o with { RunBaseline = false },
                    "--per-market" => o with { RunPerMarket = Value() is "1" or "true" or "on" },
                    _ => throw new ArgumentException($"Unknown option '{name}'."),
                };
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
            {
                errors.Add(ex.Message);
            }
        }
        if (o.OrdersPerMarket < 1)
        {
            errors.Add("--orders-per-market must be at least 1.");
        }
        if (!(o.SlowCpu >= 1))
        {
            errors.Add("--slow-cpu must be at least 1.");
        }
        if (o.CouriersPerMarket < 1 || o.ScootersPerMarket < 0)
        {
            errors.Add("--couriers-per-market must be at least 1.");
        }
        if (o.District is not null && o.Markets.Count > 0)
        {
            errors.Add("--district and --markets exclude each other (a district names its markets).");
        }
        if (!(o.LateOrderCost >= 0) || !double.IsFinite(o.LateOrderCost))
        {
            errors.Add("--late-order-cost must be a non-negative number of metres.");
        }
        if (!(o.BookedEndPassShare is >= 0 and < 1))
        {
            errors.Add("--booked-end-share must be at least 0 and below 1.");
        }
        if (!(o.HardWindowShare is > 0 and < 1))
        {
            errors.Add("--hard-share must be between 0 and 1.");
        }
        if (o.DistrictSolveScale is { } scale && !(scale > 0))
        {
            errors.Add("--district-solve-scale must be above 0.");
        }
        if (o.DistrictFleet is not null && (o.District is null || o.DistrictFleet < 1))
        {
            errors.Add("--district-fleet needs --district and at least 1 courier.");
        }
        return o;
    }
}
