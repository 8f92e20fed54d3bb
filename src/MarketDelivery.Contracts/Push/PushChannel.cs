namespace MarketDelivery.Contracts.Push;

/// <summary>
/// The SignalR groups a client can join and the events pushed to them. Shared by grains (senders), the hub and
/// clients, so a name is written once.
/// </summary>
public static class PushGroups
{
    public static string Stall(string stallId) => $"stall:{stallId}";

    public static string Order(string orderId) => $"order:{orderId}";

    public static string Market(string marketId) => $"market:{marketId}";

    public static string Courier(string courierId) => $"courier:{courierId}";
}

/// <summary>
/// Client method names of pushed events. Every payload carries its entity's <c>Version</c>: a client keeps the highest it
/// has seen, ignores older pushes and re-reads after a gap (README, "SignalR").
/// </summary>
public static class PushEvents
{
    /// <summary>A pick ticket was created or changed; payload <c>PickTicketView</c>, to the stall's group.</summary>
    public const string PickTicket = "pickTicket";

    /// <summary>An order changed; payload <c>OrderView</c>, to the order's followers.</summary>
    public const string Order = "order";

    /// <summary>An order of the market changed; payload <c>OrderSummary</c>, to market staff.</summary>
    public const string MarketOrder = "marketOrder";

    /// <summary>A courier changed; payload <c>CourierView</c>, to the courier and its market staff.</summary>
    public const string Courier = "courier";

    /// <summary>A merchant changed a product's availability or stock; payload <c>ProductState</c>, to the stall and its market.</summary>
    public const string Product = "product";

    /// <summary>The market's dispatch board changed (new plan); payload <c>DispatchBoard</c>, to market staff.</summary>
    public const string Dispatch = "dispatch";
}

/// <summary>
/// Sends an event to the clients of one group, on every server. The host implements it (SignalR across silos through
/// a grain service per silo); grains only see this. Best-effort: it never fails the grain's command.
/// </summary>
public interface IPushNotifier
{
    Task PublishAsync(string group, string eventName, object payload, CancellationToken cancellationToken = default);
}
