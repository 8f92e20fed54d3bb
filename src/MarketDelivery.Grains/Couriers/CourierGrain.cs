using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Domain;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Grains.Dispatch;

namespace MarketDelivery.Grains.Couriers;

[GenerateSerializer, Alias("md.CourierState")]
public sealed class CourierState
{
    [Id(0)] public CourierProfile? Profile { get; set; }
    [Id(1)] public CourierShift? Shift { get; set; }
    [Id(2)] public bool OnShift { get; set; }
    [Id(3)] public GeoPosition? Position { get; set; }
    [Id(4)] public DateTimeOffset? PositionAt { get; set; }
    [Id(5)] public List<string> OnBoard { get; set; } = [];
    [Id(6)] public CourierRouteView? Route { get; set; }
    [Id(7)] public string? AtMarketId { get; set; }
    [Id(8)] public int Version { get; set; }
}

/// <summary>
/// A courier: profile, shift, position, what they carry and the route dispatch gave them. Every action of the
/// courier's phone lands here; the courier reports to its district's dispatcher one-way, and while on shift a
/// reminder repeats the report (the dispatcher ignores versions it has), so a report lost in a crash only delays.
/// Every market a courier serves is in one district: the one that plans them, where they pick up at any of those
/// markets' hand-over points.
/// </summary>
public sealed class CourierGrain(
    [PersistentState("courier", "couriers")] IPersistentState<CourierState> state,
    MarketCatalog catalog,
    MarketClock clock,
    DispatchRuntimeOptions options,
    IPushNotifier push) : DurableGrain, ICourierGrain, IRemindable
{
    private const string ReportReminder = "courier-report";

    private CourierState S => state.State;

    private string CourierId => this.GetPrimaryKeyString();

    /// <summary>The courier's home market: the first one they serve, where a route without a position starts and ends.</summary>
    private string? HomeMarket => S.Profile?.MarketIds.IsDefaultOrEmpty == false ? S.Profile.MarketIds[0] : null;

    /// <summary>The district whose dispatcher plans this courier: that of the home market (its own id for a market in none).</summary>
    private string? DistrictId => HomeMarket is { } home ? catalog.DistrictOf(home)?.Id ?? home : null;

    public async Task<CommandResult<CourierView>> Register(CourierProfile profile)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(profile.Name))
        {
            errors["name"] = ["A name is required."];
        }

        if (profile.CapacityGrams <= 0 || profile.CapacityBags <= 0)
        {
            errors["capacity"] = ["Capacities must be positive."];
        }

        if (profile.MarketIds.IsDefaultOrEmpty)
        {
            errors["marketIds"] = ["A courier serves at least one market."];
        }
        else if (profile.MarketIds.Where(m => catalog.FindMarket(m) is null).ToList() is { Count: > 0 } unknown)
        {
            errors["marketIds"] = [$"Unknown market(s): {string.Join(", ", unknown)}."];
        }

        if (errors.Count > 0)
        {
            return CommandError.Invalid(errors);
        }

        // One district plans a courier, so a courier cannot serve markets that different districts plan.
        var districts = profile.MarketIds.Select(m => catalog.DistrictOf(m)!).DistinctBy(d => d.Id).ToList();
        if (districts.Count > 1)
        {
            return CommandError.Unprocessable(
                "A courier serves the markets of one district only; these markets are in different districts: " +
                string.Join("; ", districts.Select(d => $"{d.Id} ({string.Join(", ", profile.MarketIds.Where(d.Contains))})")) + ".",
                "marketIds");
        }

        if (S.OnShift && HomeMarket != profile.MarketIds[0])
        {
            return CommandError.Conflict("End the shift before moving to another market.");
        }

        S.Profile = profile with { Skills = profile.Skills.IsDefault ? [] : profile.Skills };
        return await Changed();
    }

    public async Task<CommandResult<CourierView>> StartShift(DateTimeOffset plannedEnd)
    {
        if (NotRegistered() is { } missing)
        {
            return missing;
        }

        var now = clock.GetUtcNow();
        if (S.OnShift)
        {
            return CommandError.Conflict("The courier is already on shift.");
        }

        if (plannedEnd <= now)
        {
            return CommandError.Invalid("The shift must end in the future.", "plannedEnd");
        }

        // Registered before the shift is stored, so no crash can leave a shift the dispatcher never hears of.
        await this.RegisterOrUpdateReminder(ReportReminder, options.TickPeriod, options.TickPeriod);
        S.Shift = new CourierShift(now, plannedEnd);
        S.OnShift = true;
        return await Changed();
    }

    public async Task<CommandResult<CourierView>> EndShift()
    {
        if (NotOnShift() is { } refused)
        {
            return refused;
        }

        if (S.OnBoard.Count > 0)
        {
            return CommandError.Conflict($"Deliver or return the {S.OnBoard.Count} order(s) on board before ending the shift.");
        }

        S.OnShift = false;
        S.Shift = S.Shift! with { End = clock.GetUtcNow() };
        S.Route = null;
        S.AtMarketId = null;
        return await Changed();
    }

    public Task<CourierView?> GetView() => Task.FromResult(View());

    public async Task<CommandResult<CourierView>> UpdatePosition(GeoPosition position)
    {
        if (NotOnShift() is { } refused)
        {
            return refused;
        }

        if (position is null || double.IsNaN(position.Lat) || double.IsNaN(position.Lon) || position.Lat is < -90 or > 90 || position.Lon is < -180 or > 180)
        {
            return CommandError.Invalid("Latitude must be within ±90 and longitude within ±180 degrees.", "position");
        }

        S.Position = position;
        S.PositionAt = clock.GetUtcNow();
        return await Changed();
    }

    public async Task<CommandResult<CourierView>> ArrivedAtHandOver(string marketId)
    {
        if (NotOnShift() is { } refused)
        {
            return refused;
        }

        // Any market the courier serves, also another one of their district than the home market.
        if (!S.Profile!.MarketIds.Contains(marketId))
        {
            return CommandError.Conflict($"Courier {CourierId} does not serve market '{marketId}'; they serve {string.Join(", ", S.Profile.MarketIds)}.");
        }

        S.AtMarketId = marketId;
        return await Changed();
    }

    public async Task<CommandResult<CourierView>> PickUp(ImmutableArray<string> orderIds)
    {
        if (NotOnShift() is { } refused)
        {
            return refused;
        }

        if (orderIds.IsDefaultOrEmpty)
        {
            return CommandError.Invalid("Name the orders picked up.", "orderIds");
        }

        // A repeat (a phone replaying its queue after a dropped connection): every order is on board already.
        if (orderIds.All(S.OnBoard.Contains))
        {
            return CommandResult<CourierView>.Ok(View()!);
        }

        if (S.AtMarketId is null)
        {
            return CommandError.Conflict("Report arrival at the market's hand-over point before picking up.");
        }

        // Check every order first, so a bad id does not leave half the stop picked up.
        foreach (var orderId in orderIds.Distinct())
        {
            var view = await GrainFactory.GetGrain<IOrderGrain>(orderId).GetView();
            if (view is null)
            {
                return CommandError.NotFound($"There is no order '{orderId}'.");
            }

            if (view.MarketId != S.AtMarketId)
            {
                return CommandError.Conflict($"Order {orderId} waits at market '{view.MarketId}', not at '{S.AtMarketId}'.");
            }

            var carriedByMe = view.Status == OrderStatus.OutForDelivery && view.Delivery?.CourierId == CourierId;
            if (view.Status != OrderStatus.ReadyForPickup && !carriedByMe)
            {
                return CommandError.Conflict($"Order {orderId} is {view.Status} and cannot be picked up.");
            }

            // The order checks this again when it is picked up; asking first keeps a stop from being half picked up.
            if (view.Delivery?.CourierId != CourierId)
            {
                return CommandError.Conflict(view.Delivery?.CourierId is { } other
                    ? $"Order {orderId} is assigned to courier {other}, not {CourierId}; only that courier can pick it up."
                    : $"Order {orderId} is not assigned to any courier; courier {CourierId} cannot pick it up.");
            }
        }

        foreach (var orderId in orderIds.Distinct())
        {
            var result = await GrainFactory.GetGrain<IOrderGrain>(orderId).PickUp(CourierId);
            if (result.Error is { } error)
            {
                await Changed();
                return error;
            }

            if (!S.OnBoard.Contains(orderId))
            {
                S.OnBoard.Add(orderId);
            }

            RemoveStop(orderId, RouteStopKind.Pickup);
        }

        S.AtMarketId = null;
        return await Changed();
    }

    public async Task<CommandResult<CourierView>> Deliver(string orderId, DeliveryProof proof)
    {
        if (await AlreadyDone(orderId, OrderStatus.Delivered) is { } done)
        {
            return done;
        }

        if (NotCarrying(orderId) is { } refused)
        {
            return refused;
        }

        var result = await GrainFactory.GetGrain<IOrderGrain>(orderId).Deliver(CourierId, proof ?? new DeliveryProof(null, null));
        if (result.Error is { } error)
        {
            return error;
        }

        S.OnBoard.Remove(orderId);
        RemoveStop(orderId, RouteStopKind.Delivery);
        return await Changed();
    }

    public async Task<CommandResult<CourierView>> FailDelivery(string orderId, string reason)
    {
        if (await AlreadyDone(orderId, OrderStatus.DeliveryFailed) is { } done)
        {
            return done;
        }

        if (NotCarrying(orderId) is { } refused)
        {
            return refused;
        }

        var result = await GrainFactory.GetGrain<IOrderGrain>(orderId).FailDelivery(CourierId, reason);
        if (result.Error is { } error)
        {
            return error;
        }

        // The bags ride back to the market with the courier; staff send the order out again or cancel it.
        S.OnBoard.Remove(orderId);
        RemoveStop(orderId, RouteStopKind.Delivery);
        return await Changed();
    }

    public async Task AssignRoute(CourierRouteView route)
    {
        var same = S.Route is { } held && held.PlannedAt == route.PlannedAt && held.Stops.SequenceEqual(route.Stops);
        if (!S.OnShift || route.CourierId != CourierId || same)
        {
            return;
        }

        S.Route = route;
        S.Version++;
        await WriteAsync(state);
        await Publish(View()!);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReportToDispatcher();
        // Off shift: the last report has been repeated for a while; stop.
        if (!S.OnShift && (S.Shift is null || S.Shift.End < clock.GetUtcNow() - 3 * options.TickPeriod)
            && await this.GetReminder(ReportReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void RemoveStop(string orderId, RouteStopKind kind)
    {
        if (S.Route is { } route)
        {
            S.Route = route with { Stops = route.Stops.RemoveAll(s => s.OrderId == orderId && s.Kind == kind) };
        }
    }

    private CommandError? NotRegistered() =>
        S.Profile is null ? CommandError.NotFound($"Courier '{CourierId}' is not registered.") : null;

    private CommandError? NotOnShift() =>
        NotRegistered() ?? (S.OnShift ? null : CommandError.Conflict($"Courier {CourierId} is not on shift."));

    /// <summary>
    /// A repeat of a hand-over (or failure) this courier already reported, e.g. replayed by the phone after a dropped
    /// connection: answers the courier unchanged instead of a 409. The proof is not checked again.
    /// </summary>
    private async Task<CommandResult<CourierView>?> AlreadyDone(string orderId, OrderStatus outcome)
    {
        if (NotOnShift() is not null || S.OnBoard.Contains(orderId))
        {
            return null;
        }

        var order = await GrainFactory.GetGrain<IOrderGrain>(orderId).GetView();
        return order is not null && order.Status == outcome && order.Delivery?.CourierId == CourierId
            ? CommandResult<CourierView>.Ok(View()!)
            : null;
    }

    private CommandError? NotCarrying(string orderId) =>
        NotOnShift() ?? (S.OnBoard.Contains(orderId) ? null : CommandError.Conflict($"Courier {CourierId} does not carry order '{orderId}'."));

    /// <summary>Writes the change, tells the dispatcher (one-way) and pushes the new view.</summary>
    private async Task<CommandResult<CourierView>> Changed()
    {
        S.Version++;
        await WriteAsync(state);
        ReportToDispatcher();
        var view = View()!;
        await Publish(view);
        return CommandResult<CourierView>.Ok(view);
    }

    /// <summary>One-way, so the courier never waits on a dispatcher that may be calling it.</summary>
    private void ReportToDispatcher()
    {
        if (DistrictId is { } district && S.Shift is { } shift)
        {
            _ = GrainFactory.GetGrain<IDistrictDispatcherGrain>(district).CourierChanged(new CourierDispatchInfo(
                CourierId, S.OnShift, S.Profile!.Mode, S.Profile.CapacityGrams, S.Profile.CapacityBags,
                shift.Start, shift.End, S.Position, [.. S.OnBoard], S.Version, S.Profile.MarketIds));
        }
    }

    private async Task Publish(CourierView view)
    {
        await push.PublishAsync(PushGroups.Courier(CourierId), PushEvents.Courier, view);
        // Staff of every market the courier serves follow them.
        foreach (var market in S.Profile?.MarketIds ?? [])
        {
            await push.PublishAsync(PushGroups.Market(market), PushEvents.Courier, view);
        }
    }

    private CourierView? View() => S.Profile is null
        ? null
        : new CourierView(CourierId, S.Profile, S.OnShift, S.Shift, S.Position, S.PositionAt, [.. S.OnBoard], S.Route, S.AtMarketId, S.Version);
}
