using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MarketDelivery.Grains.Dispatch;

[GenerateSerializer, Alias("md.WaveEntry")]
public sealed class WaveEntry
{
    [Id(0)] public string SlotId { get; set; } = "";
    [Id(1)] public DateTimeOffset SlotStart { get; set; }
    [Id(2)] public DateTimeOffset SlotEnd { get; set; }
    [Id(3)] public DateTimeOffset ReleaseAt { get; set; }
    [Id(4)] public DateTimeOffset? ReleasedAt { get; set; }
}

/// <summary>
/// What a market dispatcher stores: its waves, bounded by the day's slots, never by the orders it has seen. Orders
/// live in the order store and are read back on activation. Ids 0 and 3 held orders and unassigned reasons once;
/// 1 and 4–8 held couriers, routes and planning figures, which moved to the district dispatcher. None is reused.
/// </summary>
[GenerateSerializer, Alias("md.DispatcherState")]
public sealed class DispatcherState
{
    [Id(2)] public Dictionary<string, WaveEntry> Waves { get; set; } = [];
}

/// <summary>
/// A market's dispatcher. Orders are batched per delivery slot into waves released by a reminder (so a release
/// survives a restart) at a lead time before the slot or once enough bags are ready. The released orders (and what
/// couriers carry) go to the district's planner (<see cref="DistrictDispatcherGrain"/>), all of them with every
/// change, retried until it took them: a new order of a released wave asks for an insertion, any other change to a
/// released wave — bags ready, a short pick, a pick-up, an order leaving, a late merchant — for a full re-plan. The
/// board shows the market's waves with the market's part of the district's plan.
/// Orders tell the dispatcher of changes one-way; it also catches up from the stored orders (the order store's
/// feed) when it activates and on every tick, so a lost message only delays it. Its tick reminder never stops.
/// </summary>
public sealed class DispatcherGrain(
    [PersistentState("dispatcher", "dispatch")] IPersistentState<DispatcherState> state,
    IOrderViews views,
    MarketCatalog catalog,
    MarketClock clock,
    DispatchRuntimeOptions options,
    IPushNotifier push,
    ILogger<DispatcherGrain> logger) : DurableGrain, IDispatcherGrain, IRemindable
{
    private const string TickReminder = "dispatch-tick";

    /// <summary>The market's live orders, from the order store and the orders' messages.</summary>
    private readonly MarketOrderBook _orders = new(options.ExpectedPickTime);
    /// <summary>Feed position read up to, and the one read up to a tick earlier, from which the next catch-up reads.</summary>
    private long _feedRead;
    private long _feedSafe;

    /// <summary>A wave was added or dropped and is not stored yet.</summary>
    private bool _wavesChanged;

    /// <summary>A hand-off the district has not taken yet, and what it asks for; retried soon and on every tick.</summary>
    private ReplanRequest? _handOffOwed;
    private IGrainTimer? _handOffRetry;
    /// <summary>Orders this activation's hand-offs (an interleaved request may overtake one in flight).</summary>
    private long _sequence;
    private readonly Guid _activation = Guid.NewGuid();
    /// <summary>When the district last took a hand-off (real time, as its debounce and solve run in real time).</summary>
    private long _handedOffAtMs = Environment.TickCount64;

    /// <summary>The board, with the market's part of the district's plan in force as the district last sent it.</summary>
    private readonly MarketBoard _board = new();

    private DispatcherState S => state.State;

    private string MarketId => this.GetPrimaryKeyString();

    /// <summary>The district's planner: the market's own id for a market in no district.</summary>
    private IDistrictDispatcherGrain District =>
        GrainFactory.GetGrain<IDistrictDispatcherGrain>(catalog.DistrictOf(MarketId)?.Id ?? MarketId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var live = await views.LiveOrdersOfMarketAsync(MarketId, cancellationToken);
        foreach (var order in live.Orders)
        {
            Apply(order);
        }

        _feedRead = _feedSafe = live.Position;
        await StoreWavesIfChanged();
        await EnsureTicking();

        // Hand the orders over once active (the district may have restarted too); its answer is the board's plan part.
        _handOffOwed = ReplanRequest.None;
        RetryHandOffSoon(TimeSpan.Zero);
    }

    public async Task OrderChanged(OrderSummary order)
    {
        if (order.MarketId == MarketId)
        {
            await React(order, Apply(order));
        }
    }

    /// <summary>Updates the tracked order; adds the wave of a new slot. Idempotent by the order's version.</summary>
    private OrderChange Apply(OrderSummary order)
    {
        var change = _orders.Apply(order);
        if (OrderLife.IsLive(order.Status) && !S.Waves.ContainsKey(order.SlotId))
        {
            S.Waves[order.SlotId] = new WaveEntry
            {
                SlotId = order.SlotId,
                SlotStart = order.SlotStart,
                SlotEnd = order.SlotEnd,
                ReleaseAt = options.Waves.ReleaseAt(order.SlotStart),
            };
            _wavesChanged = true;
        }

        return change;
    }

    /// <summary>Plans around an applied change: stores a new wave, hands a released wave's change over, releases due waves.</summary>
    private async Task React(OrderSummary order, OrderChange change)
    {
        if (change == OrderChange.None)
        {
            return;
        }

        // The first order of a slot opens its wave, whose release time must survive a restart.
        await StoreWavesIfChanged();
        if (IsReleased(order.SlotId))
        {
            // A change to a released wave: a new order is inserted into the live plan; bags ready, a short pick, a
            // pick-up or an order leaving re-plan it as a whole.
            await HandOff(change == OrderChange.Added ? ReplanRequest.Insert : ReplanRequest.Full);
        }
        else if (change != OrderChange.Removed && await ReleaseDueWaves())
        {
            await HandOff(ReplanRequest.Full);
        }
    }

    private async Task StoreWavesIfChanged()
    {
        if (_wavesChanged)
        {
            await WriteAsync(state);
            _wavesChanged = false;
        }
    }

    /// <summary>
    /// Reads what the order store holds that the dispatcher may have missed (a message lost in a crash). It reads
    /// from the position of one catch-up ago, so a write whose transaction committed late is still seen.
    /// </summary>
    private async Task CatchUp()
    {
        var from = _feedSafe;
        var read = _feedRead;
        OrderFeed feed;
        do
        {
            feed = await views.ChangesOfMarketAsync(MarketId, from);
            foreach (var order in feed.Orders)
            {
                await React(order, Apply(order));
            }

            from = feed.Position;
            read = Math.Max(read, from);
        }
        while (feed.More);

        _feedSafe = _feedRead;
        _feedRead = read;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Tick();

    public async Task Tick()
    {
        await CatchUp();
        var released = await ReleaseDueWaves();
        var now = clock.GetUtcNow();
        var late = false;

        // A merchant past the expected ready time: assume a further delay and plan around it.
        foreach (var entry in _orders.Entries.Where(e => e.Summary.Status is OrderStatus.Placed or OrderStatus.Picking))
        {
            if (IsReleased(entry.Summary.SlotId) && entry.ExpectedReadyAt + options.MerchantLateAllowance < now)
            {
                entry.ExpectedReadyAt = now + options.MerchantLateAllowance;
                late = true;
            }
        }

        foreach (var old in S.Waves.Values.Where(w => w.SlotEnd < now - TimeSpan.FromDays(1) && _orders.OrdersOf(w.SlotId) == 0).ToList())
        {
            S.Waves.Remove(old.SlotId);
            _orders.ForgetSlot(old.SlotId);
            _wavesChanged = true;
        }

        await StoreWavesIfChanged();
        if (released || late)
        {
            await HandOff(ReplanRequest.Now);
        }
        else if (_handOffOwed is { } owed)
        {
            await HandOff(owed);
        }
        else if (PlanMissesOrders())
        {
            // The district took a hand-off but its plan never came (it restarted, or could not store the plan, before
            // its debounced re-plan ran): hand the orders over again until one is planned.
            logger.LogWarning("Market {MarketId}: the plan in force misses orders handed to the district; handing them over again", MarketId);
            await HandOff(ReplanRequest.Insert);
        }
    }

    /// <summary>
    /// True when an order of a released wave is neither on a route nor listed unassigned in the plan part this market
    /// holds, and the district has had time to plan it since the last hand-off (its debounce and a solve, twice over).
    /// </summary>
    private bool PlanMissesOrders()
    {
        var markets = catalog.DistrictOf(MarketId)?.MarketIds.Count ?? 1;
        var settle = (options.ReplanDebounce + options.Planning.ForMarkets(markets).SolveTimeLimit) * 2;
        if (Environment.TickCount64 - _handedOffAtMs < settle.TotalMilliseconds)
        {
            return false;
        }

        var planned = _board.PlannedOrderIds();
        // Carried orders are left out: one whose courier the district does not know (gone off shift in a crash) is
        // rightly not planned, and handing it over again would not change that.
        return _orders.Entries.Any(e =>
            e.Summary.Status != OrderStatus.OutForDelivery && IsToPlan(e.Summary) && !planned.Contains(e.Summary.OrderId));
    }

    public async Task<DispatchBoard> PlanNow()
    {
        // Staff (and tests) expect every stored order in the plan, also one whose message has not arrived yet.
        await CatchUp();
        await ReleaseDueWaves();
        await HandOff(ReplanRequest.Now, rethrow: true);
        return Board();
    }

    public Task<DispatchBoard> GetBoard() => Task.FromResult(Board());

    public Task<MarketOrders> OrdersToPlan() => Task.FromResult(ToPlan(ReplanRequest.None));

    public async Task ShowPlan(DistrictPlanPart part)
    {
        if (_board.Take(part))
        {
            await push.PublishAsync(PushGroups.Market(MarketId), PushEvents.Dispatch, Board());
        }
    }

    /// <summary>
    /// Hands every order to plan to the district with what is asked of it (the most asked since the last hand-off it
    /// took). One it did not take is retried soon and on every tick; a "now" that failed is owed as a full re-plan.
    /// </summary>
    private async Task HandOff(ReplanRequest request, bool rethrow = false)
    {
        var asked = _handOffOwed is { } owed && owed > request ? owed : request;
        _handOffOwed = asked;
        bool newer;
        try
        {
            var part = await District.SubmitOrders(ToPlan(asked));
            _handOffOwed = null;
            _handedOffAtMs = Environment.TickCount64;
            newer = _board.Take(part);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _handOffOwed = asked == ReplanRequest.Now ? ReplanRequest.Full : asked;
            RetryHandOffSoon(options.FanOutRetry);
            if (rethrow)
            {
                throw;
            }

            logger.LogWarning(ex, "Market {MarketId}: the district did not take the orders; retrying", MarketId);
            return;
        }

        if (newer)
        {
            // A part newer than the district has shown this board (its own push of it will then be dropped as held):
            // push it here, so live boards see it.
            await push.PublishAsync(PushGroups.Market(MarketId), PushEvents.Dispatch, Board());
        }
    }

    private void RetryHandOffSoon(TimeSpan due) =>
        _handOffRetry ??= this.RegisterGrainTimer(async _ =>
        {
            _handOffRetry?.Dispose();
            _handOffRetry = null;
            if (!IsSpent && _handOffOwed is { } owed)
            {
                await HandOff(owed);
            }
        }, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan });

    /// <summary>What the district plans of this market: orders of released waves, and every order a courier carries.</summary>
    private MarketOrders ToPlan(ReplanRequest replan) =>
        new(MarketId, ++_sequence, [.. _orders.ToPlan(IsToPlan)], replan, _activation);

    /// <summary>An order the district plans: one of a released wave, or one a courier carries.</summary>
    private bool IsToPlan(OrderSummary order) =>
        order.Status == OrderStatus.OutForDelivery ? order.CourierId is not null : IsReleased(order.SlotId);

    private async Task<bool> ReleaseDueWaves()
    {
        var now = clock.GetUtcNow();
        var released = false;
        foreach (var wave in S.Waves.Values.Where(w => w.ReleasedAt is null))
        {
            if (options.Waves.ShouldRelease(now, wave.SlotStart, _orders.ReadyOf(wave.SlotId)))
            {
                wave.ReleasedAt = now;
                released = true;
                logger.LogInformation("Market {MarketId}: wave {SlotId} released with {Orders} orders", MarketId, wave.SlotId,
                    _orders.OrdersOf(wave.SlotId));
            }
        }

        if (released)
        {
            await WriteAsync(state);
        }

        return released;
    }

    private bool IsReleased(string slotId) => S.Waves.TryGetValue(slotId, out var wave) && wave.ReleasedAt is not null;

    private DispatchBoard Board() => _board.Render(MarketId, S.Waves.Values, _orders);

    /// <summary>The tick never stops: it is how the dispatcher catches up with orders whose message was lost.</summary>
    private async Task EnsureTicking()
    {
        if (await this.GetReminder(TickReminder) is null)
        {
            await this.RegisterOrUpdateReminder(TickReminder, options.TickPeriod, options.TickPeriod);
        }
    }
}
