using MarketDelivery.Contracts.Push;
using Microsoft.AspNetCore.SignalR;

namespace MarketDelivery.Server.Hubs;

/// <summary>
/// Delivers grain events to the clients connected to this silo's hub. With several silos a client connected to
/// another silo is reached once the cross-silo fan-out (a hub observer per silo) replaces this class.
/// </summary>
public sealed class HubPushNotifier(IHubContext<MarketHub> hub, ILogger<HubPushNotifier> logger) : IPushNotifier
{
    public async Task PublishAsync(string group, string eventName, object payload, CancellationToken cancellationToken = default)
    {
        try
        {
            await hub.Clients.Group(group).SendAsync(eventName, payload, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A push is a courtesy on top of the stored state: never fail the command because a socket did.
            logger.LogWarning(ex, "Push of {Event} to {Group} failed", eventName, group);
        }
    }
}
