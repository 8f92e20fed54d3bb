using System.Collections.Immutable;
using MarketDelivery.Domain;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MarketDelivery.Grains.Orders;

/// <summary>
/// One order. Its state is written before any answer is given, so an acknowledged order is durable. The order's
/// storage writes its stall tickets and market-board line in the same transaction (see <c>OrderGrainStorage</c>),
/// so a stored order is on every list it belongs to without any further call. After a write the order tells its
/// market's dispatcher (one-way; the dispatcher also catches up from the stored orders on its own, so a lost
/// message only delays) and pushes the change to live clients.
/// </summary>
public sealed class OrderGrain(
    [PersistentState("order", "orders")] IPersistentState<Order> state,
    MarketCatalog catalog,
    MarketClock clock,
    IPushNotifier push,
    GrainTestHooks hooks,
    IDeliveryPhotoStore photos,
    IOptions<DeliveryRules> deliveryRules,
    ILogger<OrderGrain> logger) : DurableGrain, IOrderGrain
{
    private Order Order => state.State;

    private DeliveryRules Rules => deliveryRules.Value;

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
        await WriteAsync(state);
        hooks.AfterOrderWritten?.Invoke(Order.OrderId, Order.CustomerId);
        logger.LogDebug("Order {OrderId} placed at {MarketId} for slot {SlotId} with {Tickets} tickets",
            Order.OrderId, Order.MarketId, Order.SlotId, Order.Tickets.Count);

        await Announce(ticketsBefore: []);
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

        var ticketsBefore = TicketVersions();
        var result = Order.ConfirmTicket(stallId, ticketId, lines.IsDefault ? [] : lines, stall, clock.GetUtcNow());
        if (result.Value is { Replayed: false })
        {
            await WriteAsync(state);
            await Announce(ticketsBefore);
        }

        return result;
    }

    public Task<CommandResult<OrderView>> Cancel(string reason) => Change(now => Order.Cancel(reason, now));

    public async Task PlanDelivery(string? courierId, DateTimeOffset? eta, string? note)
    {
        if (Order.IsPlaced && Order.PlanDelivery(courierId, eta, note, clock.GetUtcNow()))
        {
            await WriteAsync(state);
            // Only the courier, ETA or note changed: the dispatcher made the change, its followers and the board get it.
            await Announce(TicketVersions(), toDispatcher: false);
        }
    }

    public Task<CommandResult<OrderView>> PickUp(string courierId) => Change(now => Order.PickUp(courierId, now));

    public async Task<CommandResult<OrderView>> Deliver(string courierId, DeliveryProof proof)
    {
        var attempts = (Order.WrongCodes, Order.CodesLockedUntil);
        var result = await Change(now => Order.Deliver(courierId, proof, Rules, now));
        if (result.Error is not null && (Order.WrongCodes, Order.CodesLockedUntil) != attempts)
        {
            // A wrong code counts although the delivery is refused: stored before the answer, or a restart would forget it.
            await WriteAsync(state);
        }

        return result;
    }

    public async Task<CommandResult<DeliveryPhotoInfo>> AddDeliveryPhoto(string courierId, byte[] content)
    {
        if (!Order.IsPlaced)
        {
            return CommandError.NotFound($"There is no order '{this.GetPrimaryKeyString()}'.");
        }

        if (content is null || content.Length == 0)
        {
            return CommandError.Invalid("The photo is empty.", "photo");
        }

        if (content.Length > Rules.MaxPhotoBytes)
        {
            return CommandError.Invalid($"The photo is larger than {Rules.MaxPhotoBytes} bytes.", "photo");
        }

        if (PhotoFormats.Sniff(content) is not { } contentType)
        {
            return CommandError.Invalid("A delivery photo must be a JPEG, PNG or WebP image.", "photo");
        }

        var photoId = PhotoFormats.PhotoId(content);
        if (Order.PhotoRefusal(courierId, photoId, Rules) is { } refused)
        {
            return refused;
        }

        var now = clock.GetUtcNow();
        if (!Order.PhotoIds.Contains(photoId))
        {
            // The photo first, then the order naming it: a stored order never names a photo that is not stored.
            await photos.SaveAsync(new DeliveryPhoto(Order.OrderId, photoId, courierId, contentType, content, now));
        }

        var ticketsBefore = TicketVersions();
        var version = Order.Version;
        if (Order.AddPhoto(courierId, photoId, Rules, now) is { } changed)
        {
            return changed;
        }

        if (Order.Version != version)
        {
            await WriteAsync(state);
            await Announce(ticketsBefore, toDispatcher: false);
        }

        return CommandResult<DeliveryPhotoInfo>.Ok(new DeliveryPhotoInfo(Order.OrderId, photoId, contentType, content.Length, now));
    }

    public Task<CommandResult<OrderView>> FailDelivery(string courierId, string reason) => Change(now => Order.FailDelivery(courierId, reason, now));

    public Task<CommandResult<OrderView>> Requeue() => Change(Order.Requeue);

    /// <summary>Applies one change of the aggregate; writes and announces it only when it changed something.</summary>
    private async Task<CommandResult<OrderView>> Change(Func<DateTimeOffset, CommandError?> change)
    {
        if (!Order.IsPlaced)
        {
            return CommandError.NotFound($"There is no order '{this.GetPrimaryKeyString()}'.");
        }

        var version = Order.Version;
        var ticketsBefore = TicketVersions();
        if (change(clock.GetUtcNow()) is { } refused)
        {
            return refused;
        }

        if (Order.Version != version)
        {
            await WriteAsync(state);
            await Announce(ticketsBefore);
        }

        return CommandResult<OrderView>.Ok(Order.ToView());
    }

    /// <summary>
    /// Tells the dispatcher and live clients about a stored change. Nothing here can lose the change: it is already
    /// on the stall lists and the board, and the dispatcher reconciles with the stored orders on its tick.
    /// </summary>
    /// <param name="ticketsBefore">The tickets' versions before the change: tickets that changed are pushed to their stalls.</param>
    private async Task Announce(int[] ticketsBefore, bool toDispatcher = true)
    {
        var summary = Order.ToSummary();
        if (toDispatcher)
        {
            try
            {
                // One-way: the dispatcher may be planning, and it calls orders itself.
                await GrainFactory.GetGrain<IDispatcherGrain>(Order.MarketId).OrderChanged(summary);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The change is stored and answered; the dispatcher reads it from the store's feed on its next tick.
                logger.LogWarning(ex, "Order {OrderId}: telling the dispatcher failed; it catches up on its tick", Order.OrderId);
            }
        }

        foreach (var (ticket, i) in Order.Tickets.Select((t, i) => (t, i)).Where(x => x.i >= ticketsBefore.Length || x.t.Version != ticketsBefore[x.i]))
        {
            await push.PublishAsync(PushGroups.Stall(ticket.StallId), PushEvents.PickTicket, Order.TicketView(ticket));
        }

        await push.PublishAsync(PushGroups.Market(Order.MarketId), PushEvents.MarketOrder, summary);
        await push.PublishAsync(PushGroups.Order(Order.OrderId), PushEvents.Order, Order.ToView());
    }

    private int[] TicketVersions() => [.. Order.Tickets.Select(t => t.Version)];
}
