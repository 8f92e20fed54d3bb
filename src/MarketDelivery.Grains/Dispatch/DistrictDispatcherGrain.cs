using System.Diagnostics;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using Microsoft.Extensions.Logging;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>
/// What the district dispatcher stores: the couriers on shift and the plan in force, bounded by the fleet. The
/// markets' orders are not stored here: each market dispatcher rebuilds them from the order store and hands them
/// over again.
/// </summary>
[GenerateSerializer, Alias("md.DistrictDispatcherState")]
public sealed class DistrictDispatcherState
{
    [Id(0)] public Dictionary<string, CourierDispatchInfo> Couriers { get; set; } = [];
    [Id(1)] public List<CourierRouteView> Routes { get; set; } = [];
    [Id(2)] public int Replans { get; set; }
    [Id(3)] public DateTimeOffset? LastPlannedAt { get; set; }
    [Id(4)] public double? LastSolveMilliseconds { get; set; }
}

/// <summary>
/// Plans the markets of one district together (keyed by the district's id; a market in no district is a district
/// alone, with the market's id): its couriers may pick up at any hand-over point of the markets they serve and carry
/// orders of several markets on one trip. Market dispatchers hand it their released orders and ask for re-plans;
/// couriers report to it. Re-plans are debounced and start from the plan in force, with what couriers carry locked
/// to them; the solve runs on the thread pool. The plan goes to couriers (routes), orders (courier, ETA) and each
/// market dispatcher (its part, for the board), retried until each has taken it.
/// </summary>
public sealed class DistrictDispatcherGrain(
    [PersistentState("district", "dispatch")] IPersistentState<DistrictDispatcherState> state,
    MarketCatalog catalog,
    MarketClock clock,
    DispatchPlanner planner,
    DispatchRuntimeOptions options,
    ILogger<DistrictDispatcherGrain> logger) : DurableGrain, IDistrictDispatcherGrain
{
    /// <summary>The latest orders each market handed over since this activation; a market missing here is asked before a plan.</summary>
    private readonly Dictionary<string, MarketOrders> _orders = [];

    private DispatchPlan? _plan;
    /// <summary>The market of every order of the plan in force.</summary>
    private Dictionary<string, string> _marketOf = [];
    private List<(string MarketId, UnassignedView Order)> _unassigned = [];
    private List<string> _violations = [];
    /// <summary>Couriers, orders and markets that have yet to take the plan in force.</summary>
    private readonly PlanDeliveryLedger _owed = new();
    /// <summary>Orders the markets' parts between re-plans (roster changes); seeded from the clock so a later activation's usually win.</summary>
    private long _partSequence = DateTime.UtcNow.Ticks;
    private IGrainTimer? _fanOutRetry;

    private IGrainTimer? _replanTimer;
    /// <summary>True when a pending change needs a full re-plan, not just inserting new orders into the plan in force.</summary>
    private bool _fullReplanPending;

    private DistrictDispatcherState S => state.State;

    private string DistrictId => this.GetPrimaryKeyString();

    private District? District => catalog.FindDistrict(DistrictId);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The plan in force may not have reached everyone before the last activation ended: send it again.
        _owed.OweRoutes(S.Routes.Select(r => r.CourierId));
        foreach (var route in S.Routes)
        {
            foreach (var stop in route.Stops.Where(s => s.Kind == RouteStopKind.Delivery))
            {
                _owed.Assign(stop.OrderId, new OrderAssignment(route.CourierId, stop.Eta, null));
            }
        }

        if (_owed.OwesAnything)
        {
            RetryFanOutSoon();
        }

        return Task.CompletedTask;
    }

    public async Task CourierChanged(CourierDispatchInfo courier)
    {
        S.Couriers.TryGetValue(courier.CourierId, out var held);
        if (held is not null && held.Version >= courier.Version)
        {
            return;
        }

        S.Couriers[courier.CourierId] = courier;
        if (!courier.OnShift)
        {
            S.Couriers.Remove(courier.CourierId);
        }

        await WriteAsync(state);

        var joinedOrLeft = held is null || held.OnShift != courier.OnShift;
        var loadChanged = held is not null && !held.OnBoardOrderIds.SequenceEqual(courier.OnBoardOrderIds);
        if (joinedOrLeft && District is { } district)
        {
            // The boards' rosters change even when there is nothing to plan.
            _partSequence++;
            _owed.OweParts(DistrictSnapshot.MarketsOf(courier, district));
            RetryFanOutSoon();
        }

        if (joinedOrLeft || loadChanged || IsBehindPlan(courier))
        {
            ScheduleReplan();
        }
    }

    public async Task<DistrictPlanPart> SubmitOrders(MarketOrders orders)
    {
        var district = District;
        if (district is null || !district.Contains(orders.MarketId))
        {
            throw new ArgumentException($"Market '{orders.MarketId}' is not in district '{DistrictId}'.", nameof(orders));
        }

        Take(orders);
        switch (orders.Replan)
        {
            case ReplanRequest.Insert:
                ScheduleReplan(insertOnly: true);
                break;
            case ReplanRequest.Full:
                ScheduleReplan();
                break;
            case ReplanRequest.Now:
                await ReplanNow();
                break;
        }

        return PartFor(district, orders.MarketId);
    }

    private void Take(MarketOrders orders)
    {
        if (_orders.TryGetValue(orders.MarketId, out var held) && held.Activation == orders.Activation && held.Sequence >= orders.Sequence)
        {
            return;
        }

        _orders[orders.MarketId] = orders;
        var handed = orders.Orders.ToDictionary(o => o.OrderId);
        foreach (var (orderId, marketId) in _marketOf.Where(m => m.Value == orders.MarketId && !handed.ContainsKey(m.Key)).ToList())
        {
            // Gone from the market's orders (delivered, cancelled, returned): nothing more to tell it.
            _marketOf.Remove(orderId);
            _owed.Forget(orderId);
        }

        foreach (var order in orders.Orders)
        {
            _owed.ForgetToldIfCourierIsNot(order.OrderId, order.CourierId);
        }
    }

    /// <summary>
    /// Asks every market not heard from since this activation for its orders, so a plan never drops another market's
    /// orders only because this district dispatcher restarted. False when one did not answer (planned later).
    /// </summary>
    private async Task<bool> HeardFromAllMarkets(District district)
    {
        foreach (var marketId in district.MarketIds.Where(m => !_orders.ContainsKey(m)))
        {
            try
            {
                Take(await GrainFactory.GetGrain<IDispatcherGrain>(marketId).OrdersToPlan());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "District {DistrictId}: market {MarketId} did not hand over its orders; planning later", DistrictId, marketId);
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Plans at once. That plan covers every change a debounced re-plan is waiting for, so the debounced one is dropped
    /// instead of solving the same inputs again a moment later, and asked for again if this one fails.
    /// </summary>
    private async Task ReplanNow()
    {
        var pending = _replanTimer is not null;
        var pendingInsertOnly = !_fullReplanPending;
        _replanTimer?.Dispose();
        _replanTimer = null;
        _fullReplanPending = false;
        try
        {
            await Replan("requested");
        }
        catch when (pending)
        {
            ScheduleReplan(pendingInsertOnly);
            throw;
        }
    }

    /// <summary>Debounces re-plans: every change within the window is planned by one solve.</summary>
    private void ScheduleReplan(bool insertOnly = false)
    {
        _fullReplanPending |= !insertOnly;
        _replanTimer ??= this.RegisterGrainTimer(async _ =>
        {
            if (IsSpent)
            {
                return;
            }

            _replanTimer?.Dispose();
            _replanTimer = null;
            var full = _fullReplanPending || _plan is null;
            _fullReplanPending = false;
            await Replan(full ? "change" : "insert", insertOnly: !full);
        }, new GrainTimerCreationOptions { DueTime = options.ReplanDebounce, Period = Timeout.InfiniteTimeSpan });
    }

    private async Task Replan(string why, bool insertOnly = false)
    {
        if (District is not { } district)
        {
            return;
        }

        if (!await HeardFromAllMarkets(district))
        {
            ScheduleReplan(insertOnly);
            return;
        }

        var now = clock.GetUtcNow();
        var snapshot = DistrictSnapshot.Build(district, catalog, _orders.Values, S.Couriers, now, options, _plan);
        if (snapshot.Orders.Count == 0 && S.Routes.Count == 0)
        {
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        // The solve is CPU-bound for up to the time limit: run it on the thread pool, not on the grain's scheduler.
        var settings = options.Planning.ForMarkets(district.MarketIds.Count);
        var plan = await Task.Run(() => insertOnly
            ? planner.PlanIncremental(snapshot, settings)
            : planner.Plan(snapshot, settings));
        stopwatch.Stop();
        _plan = plan;

        var marketOf = _marketOf = snapshot.Orders.ToDictionary(o => o.OrderId, o => o.MarketId);
        S.Replans++;
        S.LastPlannedAt = now;
        S.LastSolveMilliseconds = stopwatch.Elapsed.TotalMilliseconds;
        S.Routes = [.. plan.Routes.Select(r => PlanParts.ToView(r, HomeMarketOf(r.CourierId, district), now, marketOf))];
        await WriteAsync(state);
        _violations = [.. plan.Violations];
        _unassigned = [.. plan.Unassigned.Select(u => (marketOf.GetValueOrDefault(u.OrderId, ""), new UnassignedView(u.OrderId, u.Reason, u.Message)))];
        if (!plan.IsFeasible)
        {
            logger.LogError("District {DistrictId}: plan has violations: {Violations}", DistrictId, string.Join("; ", plan.Violations));
        }

        logger.LogInformation("District {DistrictId}: re-planned ({Why}) {Orders} orders on {Couriers} couriers in {Ms:F0} ms, {Unassigned} unassigned",
            DistrictId, why, snapshot.Orders.Count, snapshot.Couriers.Count, stopwatch.Elapsed.TotalMilliseconds, plan.Unassigned.Count);

        // The plan in force is owed to every courier on shift (an empty route for those without stops), every
        // planned order and every market's board; FanOut sends what is owed and retries until each has taken it.
        _owed.OweRoutes(snapshot.Couriers.Select(c => c.CourierId));
        var notes = _unassigned.ToDictionary(u => u.Order.OrderId, u => u.Order.Message);
        _owed.ReplaceAssignments(snapshot.Orders.Select(order =>
        {
            var planned = plan.EtaOf(order.OrderId);
            return KeyValuePair.Create(order.OrderId, new OrderAssignment(planned?.CourierId, planned?.Eta, notes.GetValueOrDefault(order.OrderId)));
        }));
        _partSequence++;
        _owed.OweParts(district.MarketIds);
        await FanOut();
    }

    private string HomeMarketOf(string courierId, District district) =>
        S.Couriers.TryGetValue(courierId, out var courier) ? DistrictSnapshot.MarketsOf(courier, district)[0] : district.MarketIds[0];

    private DistrictPlanPart PartFor(District district, string marketId) =>
        PlanParts.For(district, marketId, _partSequence, S, _unassigned, _violations);

    /// <summary>
    /// Sends the plan in force to the couriers and orders that have not taken it yet, concurrently (a wave of 200
    /// orders should not wait on 200 calls in a row), then to the markets' boards. Orders already told the same thing are not called again, so
    /// a re-plan costs calls and writes only where it changed something. Whatever fails is retried soon; after a
    /// crash the next activation owes the whole plan again.
    /// </summary>
    private async Task FanOut()
    {
        var now = clock.GetUtcNow();
        var calls = new List<Task>();
        foreach (var courierId in _owed.RoutesOwed(S.Couriers.ContainsKey))
        {
            var route = S.Routes.Find(r => r.CourierId == courierId)
                        ?? new CourierRouteView(courierId, District is { } d ? HomeMarketOf(courierId, d) : DistrictId, now, [], 0);
            calls.Add(Acknowledged(GrainFactory.GetGrain<ICourierGrain>(courierId).AssignRoute(route), () => _owed.RouteTaken(courierId)));
        }

        foreach (var (orderId, assignment) in _owed.OrdersOwed())
        {
            calls.Add(Acknowledged(
                GrainFactory.GetGrain<IOrderGrain>(orderId).PlanDelivery(assignment.CourierId, assignment.Eta, assignment.Note),
                () => _owed.OrderTold(orderId, assignment)));
        }

        await Task.WhenAll(calls);

        // The boards last, so staff (and tests) who see a plan on a board find it at the couriers and orders too.
        // Market dispatchers take their part interleaved: one may be waiting on this grain right now.
        if (District is { } district)
        {
            await Task.WhenAll(_owed.PartsOwed().Select(marketId => Acknowledged(
                GrainFactory.GetGrain<IDispatcherGrain>(marketId).ShowPlan(PartFor(district, marketId)),
                () => _owed.PartTaken(marketId))));
        }

        if (_owed.OwesAnything)
        {
            RetryFanOutSoon();
        }
    }

    /// <summary>
    /// How long one fan-out call is waited for. A market dispatcher may be waiting on this grain (its hand-off) while
    /// being deactivated, so its part cannot be delivered until Orleans' response timeout (30 s); waiting that long
    /// held the whole silo's shutdown. A call not answered in time is retried like a failed one.
    /// </summary>
    private static readonly TimeSpan FanOutCallTimeout = TimeSpan.FromSeconds(10);

    private async Task Acknowledged(Task call, Action acknowledged)
    {
        try
        {
            await call.WaitAsync(FanOutCallTimeout);
            acknowledged();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "District {DistrictId}: a plan update was not taken; retrying", DistrictId);
        }
    }

    private void RetryFanOutSoon() =>
        _fanOutRetry ??= this.RegisterGrainTimer(async _ =>
        {
            _fanOutRetry?.Dispose();
            _fanOutRetry = null;
            if (!IsSpent)
            {
                await FanOut();
            }
        }, new GrainTimerCreationOptions { DueTime = options.FanOutRetry, Period = Timeout.InfiniteTimeSpan });

    /// <summary>True when the courier's position says they cannot make the next stop near its planned time.</summary>
    private bool IsBehindPlan(CourierDispatchInfo courier)
    {
        var next = S.Routes.Find(r => r.CourierId == courier.CourierId)?.Stops.FirstOrDefault();
        if (next is null || courier.Position is not { } position)
        {
            return false;
        }

        var locations = new[]
        {
            new Routing.Model.Location("here", position.Lon, position.Lat),
            new Routing.Model.Location("next", next.Location.Lon, next.Location.Lat),
        };
        var matrix = planner.Travel.GetMatrix(locations, (Routing.Model.TravelMode)(int)courier.Mode, CancellationToken.None);
        var arrival = clock.GetUtcNow() + TimeSpan.FromSeconds(matrix.Duration(0, 1));
        return arrival > next.Eta + options.CourierDelayThreshold;
    }
}
