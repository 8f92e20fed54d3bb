using System.Collections.Immutable;
using MarketDelivery.Domain;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;
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
/// While a substitute waits for the customer's decision, a reminder wakes the order to settle it when its time is up
/// (every command settles due ones first as well), so an expiry survives a restart.
/// </summary>
public sealed class OrderGrain(
    [PersistentState("order", "orders")] IPersistentState<Order> state,
    MarketCatalog catalog,
    MarketClock clock,
    IPushNotifier push,
    GrainTestHooks hooks,
    IDeliveryPhotoStore photos,
    IOptions<DeliveryRules> deliveryRules,
    OrderOptions options,
    ILogger<OrderGrain> logger) : DurableGrain, IOrderGrain, IRemindable
{
    private const string ProposalReminder = "substitution-expiry";

    /// <summary>Whether this activation registered the expiry reminder (registering again is harmless, just a write).</summary>
    private bool _reminderRegistered;

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

        var validated = OrderPlacement.Validate(catalog, command, clock.GetUtcNow(), await StockOf(command));
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

    /// <summary>The merchants' availability and stock for the stalls of a new order: one call per stall, not per line.</summary>
    private async Task<StockLevels> StockOf(PlaceOrder command)
    {
        var market = command.MarketId is null ? null : catalog.FindMarket(command.MarketId);
        if (market is null || command.Lines.IsDefault)
        {
            return StockLevels.None;
        }

        var stallIds = command.Lines.Where(l => l?.StallId is not null && market.FindStall(l.StallId) is not null)
            .Select(l => l.StallId).Distinct(StringComparer.Ordinal);
        var products = await Task.WhenAll(stallIds.Select(id => GrainFactory.GetGrain<IStallStockGrain>(id).GetProducts()));
        return new StockLevels(products.SelectMany(p => p).Where(p => p.Version > 0).Select(p => (p.StallId, p.Sku, p.Available, p.Stock)));
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

        await SettleExpiredProposals();
        var ticketsBefore = TicketVersions();
        var result = Order.ConfirmTicket(stallId, ticketId, lines.IsDefault ? [] : lines, stall, clock.GetUtcNow(), options.SubstitutionApprovalWindow);
        if (result.Value is { Replayed: false })
        {
            await WriteAsync(state);
            await Announce(ticketsBefore);
        }

        if (result.Succeeded)
        {
            // Also on a replay: the first answer may have been lost before the reminder was registered.
            await KeepProposalReminder();
        }

        return result;
    }

    public Task<CommandResult<OrderView>> Cancel(string reason) => Change(now => Order.Cancel(reason, now));

    public async Task PlanDelivery(string? courierId, DateTimeOffset? eta, string? note)
    {
        if (Order.IsPlaced && Order.PlanDelivery(courierId, eta, note, clock.GetUtcNow()))
        {
            await WriteAsync(state);
            // Only the courier, ETA or note changed, by the district's plan. The market dispatcher hears of it too: it
            // hands the courier each order holds to the district (which re-tells an order that lost its courier) and
            // does not re-plan for it.
            await Announce(TicketVersions());
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

    public Task<CommandResult<OrderView>> DecideSubstitution(int lineNo, bool approve) =>
        Change(now => Order.DecideSubstitution(lineNo, approve, now));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ProposalReminder || IsSpent)
        {
            return;
        }

        if (Order.IsPlaced)
        {
            await SettleExpiredProposals();
        }

        if (!Order.IsPlaced || Order.NextProposalExpiry is null)
        {
            if (await this.GetReminder(ProposalReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            _reminderRegistered = false;
        }
    }

    /// <summary>Settles (refunds) substitutes whose time is up, and stores and announces that before anything else happens.</summary>
    private async Task SettleExpiredProposals()
    {
        var ticketsBefore = TicketVersions();
        if (Order.ExpireProposals(clock.GetUtcNow()))
        {
            await WriteAsync(state);
            logger.LogDebug("Order {OrderId}: expired substitutes refunded", Order.OrderId);
            await Announce(ticketsBefore);
        }
    }

    /// <summary>Makes sure a reminder wakes the order while a substitute is pending (removed by the reminder once none is).</summary>
    private async Task KeepProposalReminder()
    {
        if (_reminderRegistered || Order.NextProposalExpiry is not { } next)
        {
            return;
        }

        var period = options.ProposalCheckPeriod;
        var untilDue = next - clock.GetUtcNow();
        var due = untilDue < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : untilDue > period ? period : untilDue;
        await this.RegisterOrUpdateReminder(ProposalReminder, due, period);
        _reminderRegistered = true;
    }

    /// <summary>Applies one change of the aggregate; writes and announces it only when it changed something.</summary>
    private async Task<CommandResult<OrderView>> Change(Func<DateTimeOffset, CommandError?> change)
    {
        if (!Order.IsPlaced)
        {
            return CommandError.NotFound($"There is no order '{this.GetPrimaryKeyString()}'.");
        }

        await SettleExpiredProposals();
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
