using MarketDelivery.Domain;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Couriers;
using MarketDelivery.Contracts.Push;

namespace MarketDelivery.Grains.Couriers;

[GenerateSerializer, Alias("md.CourierState")]
public sealed class CourierState
{
    [Id(0)] public CourierProfile? Profile { get; set; }
    [Id(1)] public CourierShift? Shift { get; set; }
    [Id(2)] public bool OnShift { get; set; }
    [Id(3)] public GeoPosition? Position { get; set; }
    [Id(4)] public DateTimeOffset? PositionAt { get; set; }
}

/// <summary>A courier: who they are, what they carry, and whether they are working. Dispatch adds routes later.</summary>
public sealed class CourierGrain(
    [PersistentState("courier", "couriers")] IPersistentState<CourierState> state,
    MarketClock clock,
    IPushNotifier push) : Grain, ICourierGrain
{
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

        if (errors.Count > 0)
        {
            return CommandError.Invalid(errors);
        }

        state.State.Profile = profile;
        await state.WriteStateAsync();
        return await Publish();
    }

    public async Task<CommandResult<CourierView>> StartShift(DateTimeOffset plannedEnd)
    {
        if (state.State.Profile is null)
        {
            return CommandError.NotFound($"Courier '{this.GetPrimaryKeyString()}' is not registered.");
        }

        var now = clock.GetUtcNow();
        if (state.State.OnShift)
        {
            return CommandError.Conflict("The courier is already on shift.");
        }

        if (plannedEnd <= now)
        {
            return CommandError.Invalid("The shift must end in the future.", "plannedEnd");
        }

        state.State.Shift = new CourierShift(now, plannedEnd);
        state.State.OnShift = true;
        await state.WriteStateAsync();
        return await Publish();
    }

    public async Task<CommandResult<CourierView>> EndShift()
    {
        if (state.State.Profile is null)
        {
            return CommandError.NotFound($"Courier '{this.GetPrimaryKeyString()}' is not registered.");
        }

        if (!state.State.OnShift)
        {
            return CommandError.Conflict("The courier is not on shift.");
        }

        state.State.OnShift = false;
        state.State.Shift = state.State.Shift! with { End = clock.GetUtcNow() };
        await state.WriteStateAsync();
        return await Publish();
    }

    public Task<CourierView?> GetView() => Task.FromResult(View());

    private CourierView? View() => state.State.Profile is null
        ? null
        : new CourierView(this.GetPrimaryKeyString(), state.State.Profile, state.State.OnShift, state.State.Shift, state.State.Position, state.State.PositionAt);

    private async Task<CommandResult<CourierView>> Publish()
    {
        var view = View()!;
        await push.PublishAsync(PushGroups.Courier(view.CourierId), PushEvents.Courier, view);
        return CommandResult<CourierView>.Ok(view);
    }
}
