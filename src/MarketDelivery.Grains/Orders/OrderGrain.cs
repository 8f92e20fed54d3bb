using System.Collections.Immutable;
using MarketDelivery.Domain;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Markets;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using Microsoft.Extensions.Logging;

namespace MarketDelivery.Grains.Orders;

/// <summary>
/// One order. Its state is written before any answer is given, so an acknowledged order is durable. The stall
/// and market grains hold views of it; they are brought up to date after each write (and again on activation,
/// so a crash between the write and the update only delays them).
/// </summary>
public sealed class OrderGrain(
    [PersistentState("order", "orders")] IPersistentState<Order> state,
    MarketCatalog catalog,
    MarketClock clock,
    IPushNotifier push,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain
{
    private IGrainTimer? _syncRetry;

    private Order Order => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Order.IsPlaced)
        {
            await TrySyncViews();
        }
    }

    public async Task<CommandResult<PlacedOrder>> Place(PlaceOrder command)
    {
        if (Order.IsPlaced)
        {
            return Order.Fingerprint == OrderPlacement.Fingerprint(command)
                ? CommandResult<PlacedOrder>.Ok(new PlacedOrder(Order.ToView(), Replayed: true))
                : new CommandError(ErrorKind.IdempotencyMismatch, "The idempotency key was used for another order.",
                    $"Order {Order.OrderId} was placed with this idempotency key and different content; use a new key for a new order.");
        }

        var validated = OrderPlacement.Validate(catalog, command, clock.GetUtcNow());
        if (validated.Value is null)
        {
            return validated.Error!;
        }

        state.State = Order.Create(this.GetPrimaryKeyString(), validated.Value, clock.GetUtcNow());
        await state.WriteStateAsync();
        logger.LogInformation("Order {OrderId} placed at {MarketId} for slot {SlotId} with {Tickets} tickets",
            Order.OrderId, Order.MarketId, Order.SlotId, Order.Tickets.Count);

        await TrySyncViews();
        return CommandResult<PlacedOrder>.Ok(new PlacedOrder(Order.ToView(), Replayed: false));
    }

    public Task<OrderView?> GetView() => Task.FromResult(Order.IsPlaced ? Order.ToView() : null);

    public async Task<CommandResult<TicketConfirmation>> ConfirmTicket(string stallId, string ticketId, ImmutableArray<PickConfirmation> lines)
    {
        if (!Order.IsPlaced)
        {
            return CommandError.NotFound($"There is no ticket '{ticketId}'.");
        }

        var stall = catalog.FindMarket(Order.MarketId)?.FindStall(stallId);
        if (stall is null)
        {
            return CommandError.NotFound($"Ticket '{ticketId}' is not a ticket of stall '{stallId}'.");
        }

        var result = Order.ConfirmTicket(stallId, ticketId, lines.IsDefault ? [] : lines, stall, clock.GetUtcNow());
        if (result.Value is { Replayed: false })
        {
            await state.WriteStateAsync();
            await TrySyncViews();
        }

        return result;
    }

    public Task<CommandResult<OrderView>> Cancel(string reason) => Change(now => Order.Cancel(reason, now));

    public async Task PlanDelivery(string? courierId, DateTimeOffset? eta, string? note)
    {
        if (Order.IsPlaced && Order.PlanDelivery(courierId, eta, note, clock.GetUtcNow()))
        {
            await state.WriteStateAsync();
            await TrySyncViews();
        }
    }

    public Task<CommandResult<OrderView>> PickUp(string courierId) => Change(now => Order.PickUp(courierId, now));

    public Task<CommandResult<OrderView>> Deliver(string courierId, DeliveryProof proof) => Change(now => Order.Deliver(courierId, proof, now));

    public Task<CommandResult<OrderView>> FailDelivery(string courierId, string reason) => Change(now => Order.FailDelivery(courierId, reason, now));

    public Task<CommandResult<OrderView>> Requeue() => Change(Order.Requeue);

    /// <summary>Applies one change of the aggregate; writes and updates the views only when it changed something.</summary>
    private async Task<CommandResult<OrderView>> Change(Func<DateTimeOffset, CommandError?> change)
    {
        if (!Order.IsPlaced)
        {
            return CommandError.NotFound($"There is no order '{this.GetPrimaryKeyString()}'.");
        }

        var version = Order.Version;
        if (change(clock.GetUtcNow()) is { } refused)
        {
            return refused;
        }

        if (Order.Version != version)
        {
            await state.WriteStateAsync();
            await TrySyncViews();
        }

        return CommandResult<OrderView>.Ok(Order.ToView());
    }

    /// <summary>
    /// Brings the stall and market views and live clients up to date. Views ignore stale versions, so repeating
    /// this is harmless; on failure it is retried on a timer rather than failing the caller, whose change is
    /// already durable.
    /// </summary>
    private async Task TrySyncViews()
    {
        try
        {
            foreach (var ticket in Order.Tickets)
            {
                await GrainFactory.GetGrain<IStallGrain>(ticket.StallId).TicketChanged(Order.TicketView(ticket));
            }

            await GrainFactory.GetGrain<IMarketGrain>(Order.MarketId).OrderChanged(Order.ToSummary());
            await push.PublishAsync(PushGroups.Order(Order.OrderId), PushEvents.Order, Order.ToView());
            _syncRetry?.Dispose();
            _syncRetry = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Order {OrderId}: updating its stall and market views failed; retrying", Order.OrderId);
            _syncRetry ??= this.RegisterGrainTimer(_ => TrySyncViews(), new GrainTimerCreationOptions
            {
                DueTime = TimeSpan.FromSeconds(5),
                Period = TimeSpan.FromSeconds(15),
                Interleave = false,
            });
        }
    }
}
